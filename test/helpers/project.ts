// Temporary gateway projects and running the real, built CLI as a process.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; input?: string }): RunResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [cliBin, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, input: opts.input, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
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
