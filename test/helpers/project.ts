// Temporary gateway projects and running the real, built CLI as a process.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { fillPlaceholders } from './keys.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliBin = path.join(repoRoot, 'bin', 'sftpgw.js');

const made: string[] = [];
export function tempDir(prefix = 'sftpgw-test-'): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}
export function cleanTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Copies a fixture folder, filling {{placeholders}} in every text file. */
export function copyFixture(src: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const name of readdirSync(src)) {
    const from = path.join(src, name);
    const to = path.join(dest, name);
    if (statSync(from).isDirectory()) copyFixture(from, to);
    else writeFileSync(to, fillPlaceholders(readFileSync(from, 'utf8')));
  }
}

/** A copy of the shipped example gateway (config + users) in a temp folder. */
export function exampleProject(): string {
  const dir = tempDir();
  cpSync(path.join(repoRoot, 'sftpgw.yaml'), path.join(dir, 'sftpgw.yaml'));
  cpSync(path.join(repoRoot, 'users'), path.join(dir, 'users'), { recursive: true });
  return dir;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

function cliEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // The AWS SDK's Node 20 note is said once a day through a stamp in the
  // user's cache (cli/node-support.ts): whether a run says it would depend on
  // the tests before it, so CLI runs opt out as a user can (the note's own
  // test runs its child with its own environment).
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

export function runCli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; input?: string },
): RunResult {
  const r = spawnSync(process.execPath, [cliBin, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    input: opts.input,
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** runCli without blocking the event loop (servers or proxies in this process keep running; several may run at once). */
export function runCliAsync(
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined> },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: opts.cwd,
      env: cliEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

export interface BuiltProject {
  status: number;
  /** stdout and stderr: the build's report. */
  output: string;
  /** <dir>/out/template.json, or no resources when the build failed. */
  template: CfnTemplate;
}

/** `sftpgw build --out out` in a project folder, as the CLI process. */
export function buildProject(dir: string, extra: string[] = []): BuiltProject {
  const r = runCli(['build', '--out', 'out', ...extra], { cwd: dir });
  const output = `${r.stdout}\n${r.stderr}`;
  const template =
    r.status === 0
      ? (JSON.parse(readFileSync(path.join(dir, 'out', 'template.json'), 'utf8')) as CfnTemplate)
      : ({ Resources: {} } as CfnTemplate);
  return { status: r.status, output, template };
}

/** Every file below a folder (relative paths), for "nothing was written" checks. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
