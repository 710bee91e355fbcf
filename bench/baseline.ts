// SFTPGW_BENCH_BASELINE=<git revision>: the build rows compare this tree with
// that revision in the same run, its build and ours alternating (these
// machines are noisy: only a side-by-side comparison says whether a change
// made the build slower). The revision is exported with `git archive` into a
// temp folder (no worktree is registered), given this tree's node_modules and
// built as npm run build does (generated validators, tsc, the handler bundle).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Baseline {
  rev: string;
  bin: string;
  remove(): void;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', shell: false, maxBuffer: 1 << 26 });
  if (r.status !== 0)
    throw new Error(
      `bench baseline: ${cmd} ${args.join(' ')} failed in ${cwd}: ${r.stderr || r.stdout}`,
    );
  return r.stdout;
}

export function prepareBaseline(rev: string, root: string): Baseline {
  const commit = run('git', ['rev-parse', '--short', rev], root).trim();
  const dir = mkdtempSync(path.join(tmpdir(), `sftpgw-baseline-${commit}-`));
  run('bash', ['-c', `git archive --format=tar ${commit} | tar -x -C "${dir}"`], root);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  // The validators are generated, not committed (npm run build's first step).
  run(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/compile-schemas.ts'], dir);
  run(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    dir,
  );
  run(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/bundle-handler.ts'], dir);
  return {
    rev: `${rev} (${commit})`,
    bin: path.join(dir, 'bin', 'sftpgw.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
