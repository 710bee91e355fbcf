// cfn-lint, the AWS CloudFormation linter (Python), run as a child process.
// The engine talks to it through the Linter interface; tests may pass another.
import { execFile, spawn } from 'node:child_process';

export interface LintRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface Linter {
  /** The command that runs (for messages). */
  readonly command: string;
  /** Runs cfn-lint on one file; rejects with code ENOENT when it is not installed. */
  lint(file: string, args: readonly string[], timeoutMs: number): Promise<LintRun>;
  version(): Promise<string | undefined>;
}

/** `SFTPGW_CFN_LINT` names another cfn-lint executable (e.g. in a virtualenv). */
export function cfnLint(command: string = process.env.SFTPGW_CFN_LINT || 'cfn-lint'): Linter {
  return {
    command,
    lint(file, args, timeoutMs) {
      return new Promise((resolve, reject) => {
        // Its own process group, so a timeout stops cfn-lint and anything it started.
        const child = spawn(command, [...args, '--', file], {
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, timeoutMs);
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({
            exitCode: code,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            timedOut,
          });
        });
      });
    },
    version() {
      return new Promise((resolve) => {
        execFile(command, ['--version'], { timeout: 30_000 }, (e, stdout) =>
          resolve(e ? undefined : stdout.trim().replace(/^cfn-lint\s*/, '')),
        );
      });
    },
  };
}
