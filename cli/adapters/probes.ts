// What sftpgw doctor asks the machine: an executable's version (not on PATH
// is told apart from found-but-failing), and whether the compiled libjsonnet
// addon loads. Only the doctor command imports this.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { ToolProbe } from '../engine/doctor/doctor.js';

/** The last version-looking word of the first line: "cmake version 3.28.3", "g++ (Ubuntu 13.2.0-…) 13.2.0", "cfn-lint 1.51.0". */
function versionOf(output: string): string | undefined {
  const first = output.split('\n').find((l) => l.trim() !== '') ?? '';
  return first.match(/\d+\.\d+(?:\.\d+)*/g)?.pop();
}

export function toolVersion(command: string, timeoutMs = 30_000): Promise<ToolProbe> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT')
        return resolve({ command, found: false });
      const version = err ? undefined : versionOf(stdout || stderr);
      resolve(
        version
          ? { command, found: true, version }
          : {
              command,
              found: true,
              error: (err?.message ?? `no version in: ${stdout}${stderr}`).trim().split('\n')[0],
            },
      );
    });
  });
}

/**
 * Loads @hanazuki/node-jsonnet and evaluates `1 + 1`: the addon is built and
 * works. Through require, not import(): on Node.js 20 a CommonJS module that
 * throws while import() loads it (here: "Could not locate the bindings file")
 * ends the process instead of rejecting the promise.
 */
export async function jsonnetAddon(): Promise<{ loads: true } | { loads: false; message: string }> {
  try {
    const { Jsonnet } = createRequire(import.meta.url)(
      '@hanazuki/node-jsonnet',
    ) as typeof import('@hanazuki/node-jsonnet');
    await new Jsonnet().evaluateSnippet('1 + 1');
    return { loads: true };
  } catch (err) {
    return { loads: false, message: (err as Error).message.split(/\n|(?<=\.) /)[0] };
  }
}
