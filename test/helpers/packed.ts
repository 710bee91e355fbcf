// sftpgw as a user gets it: `npm pack` of this checkout (what a release
// ships), optionally re-published under another name and version the way an
// organisation re-scopes it (npm pkg set name=@acme/sftpgw), installed with
// npm into a temporary folder. The same steps test/repo/gateway-repo.test.ts takes
// for its end-to-end run; here without libjsonnet's compile (--ignore-scripts)
// where the test does not evaluate jsonnet.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './project.js';

const MINUTE = 60_000;

/** The environment without npm's own npm_* variables, which describe this checkout under `npm test`. */
export function npmFreeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  return env;
}

function npm(args: string[], cwd: string, timeoutMs = 5 * MINUTE): string {
  const r = spawnSync('npm', args, {
    cwd,
    env: npmFreeEnv(),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0)
    throw new Error(
      `npm ${args.join(' ')} in ${cwd}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stdout}${r.stderr}`,
    );
  return r.stdout;
}

/**
 * Packs this checkout (dist/ must be built: `npm run build`) into `work`;
 * with `as`, re-packs it under that name and version. Returns the tarball.
 */
export function packSftpgw(work: string, as?: { name: string; version: string }): string {
  const packed = (dir: string) =>
    path.join(
      work,
      (
        JSON.parse(
          npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], dir),
        ) as Array<{ filename: string }>
      )[0].filename,
    );
  const tarball = packed(repoRoot);
  if (!as) return tarball;
  const unpacked = path.join(work, 'unpacked');
  mkdirSync(unpacked);
  const tar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar -xzf ${tarball}: ${tar.stderr}`);
  const pkg = path.join(unpacked, 'package');
  npm(['pkg', 'set', `name=${as.name}`, `version=${as.version}`], pkg);
  return packed(pkg);
}

/**
 * Installs `tarball` into a new project folder `dir` (npm install, no audit).
 * `ignoreScripts` skips install scripts: libjsonnet is then not compiled.
 */
export function installTarball(
  dir: string,
  tarball: string,
  opts: { ignoreScripts: boolean },
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  npm(
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...(opts.ignoreScripts ? ['--ignore-scripts'] : []),
      tarball,
    ],
    dir,
    20 * MINUTE,
  );
}
