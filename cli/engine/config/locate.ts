// Where the project config is: the file --config or SFTPGW_CONFIG names
// (relative to the working directory), else the nearest sftpgw.yaml in the
// working directory or a folder above it, as git looks for .git and npm for
// package.json: `sftpgw build` from users/ uses the gateway's sftpgw.yaml.
//
// The search stops at the filesystem root, and at the root of the git
// repository it starts in (the nearest folder with a .git entry, a file in a
// worktree or submodule), after looking there: a sftpgw.yaml above the
// repository belongs to another project (a parent monorepo, a home folder),
// and building or deploying that gateway from here would be a surprise.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../errors.js';

export const DEFAULT_CONFIG_FILE = 'sftpgw.yaml';

export interface ConfigLocation {
  /** Absolute path (it may not exist when named by --config or SFTPGW_CONFIG). */
  file: string;
  /** What named it: the flag, the variable, or the search (then `above` says whether it was in a parent folder). */
  source: '--config' | 'SFTPGW_CONFIG' | 'search';
  /** Found in a folder above the working directory. */
  above: boolean;
}

/** The config file the options name, or the nearest sftpgw.yaml; undefined when the search finds none. */
export function findConfig(opts: {
  configFile?: string;
  cwd: string;
  environment: Record<string, string | undefined>;
}): ConfigLocation | undefined {
  if (opts.configFile !== undefined)
    return { file: path.resolve(opts.cwd, opts.configFile), source: '--config', above: false };
  const fromVariable = opts.environment.SFTPGW_CONFIG;
  if (fromVariable)
    return { file: path.resolve(opts.cwd, fromVariable), source: 'SFTPGW_CONFIG', above: false };
  const start = path.resolve(opts.cwd);
  for (const dir of searchedFolders(start).folders) {
    const file = path.join(dir, DEFAULT_CONFIG_FILE);
    if (isFile(file)) return { file, source: 'search', above: dir !== start };
  }
  return undefined;
}

/** findConfig, refusing with where it looked and what to do when nothing is found. */
export function locateConfig(opts: {
  configFile?: string;
  cwd: string;
  environment: Record<string, string | undefined>;
}): ConfigLocation {
  const found = findConfig(opts);
  if (found) return found;
  const { folders, stoppedAt } = searchedFolders(path.resolve(opts.cwd));
  const stop = stoppedAt
    ? ` (the search stops at the git repository's root, ${stoppedAt})`
    : ' (up to the filesystem root)';
  throw usageError(
    `config file ${DEFAULT_CONFIG_FILE} not found in ${opts.cwd} or a folder above it; looked in ${folders.join(', ')}${stop}`,
    'run sftpgw inside the gateway repository, pass --config FILE (or set SFTPGW_CONFIG), or create a gateway repository with `sftpgw init DIR`',
  );
}

/** The folders the search looks in, nearest first, and the git root it stopped at (if any). */
function searchedFolders(start: string): { folders: string[]; stoppedAt?: string } {
  const folders: string[] = [];
  for (let dir = start; ; dir = path.dirname(dir)) {
    folders.push(dir);
    if (existsSync(path.join(dir, '.git'))) return { folders, stoppedAt: dir };
    if (path.dirname(dir) === dir) return { folders };
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
