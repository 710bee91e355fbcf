// Finds the user files: users/<username>.libsonnet. Files starting with "_"
// are shared helpers a user file may import; dotfiles and README files are
// ignored. Anything else is an error, so "alice.jsonnet" or "alice.libsonet"
// cannot silently drop a user.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { invalidInput, SftpgwError, usageError, type Problem } from '../errors.js';
import { displayPath } from '../paths.js';
import { usernameProblem } from './spec.js';
import { count } from '../plural.js';

export const USER_FILE_EXTENSION = '.libsonnet';

export interface UserFile {
  name: string;
  /** Absolute path. */
  path: string;
  /** As shown in messages. */
  shown: string;
  /** The text the file is about to hold (users add checks a change before writing it); read from disk when absent. */
  text?: string;
}

/** A user file as it is about to be written: `users add` checks the folder with it before writing. */
export interface UserOverlay {
  name: string;
  text: string;
}

type Entry = Pick<import('node:fs').Dirent, 'name' | 'isDirectory'>;

export async function discoverUsers(
  dir: string,
  cwd = process.cwd(),
  overlay?: UserOverlay,
): Promise<UserFile[]> {
  let entries: Entry[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // users add makes the folder for its first user.
    if (code === 'ENOENT' && overlay) entries = [];
    else if (code === 'ENOENT')
      throw usageError(
        `users folder ${displayPath(dir, cwd)} does not exist`,
        'create it, or point usersDir in sftpgw.yaml (or --users) at the folder holding <username>.libsonnet files',
      );
    else if (code === 'ENOTDIR')
      throw usageError(`users folder ${displayPath(dir, cwd)} is not a folder`);
    else
      throw new SftpgwError(
        'failed',
        `cannot read users folder ${displayPath(dir, cwd)}: ${(err as Error).message}`,
        { cause: err },
      );
  }
  const overlayName = overlay && `${overlay.name}${USER_FILE_EXTENSION}`;
  if (overlayName && !entries.some((e) => e.name === overlayName))
    entries.push({ name: overlayName, isDirectory: () => false });
  const problems: Problem[] = [];
  const users: UserFile[] = [];
  const byLowerName = new Map<string, UserFile>();
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, e.name);
    const shown = displayPath(full, cwd);
    if (e.name.startsWith('.') || e.name.startsWith('_') || /^readme(\.|$)/i.test(e.name)) continue;
    if (e.isDirectory()) {
      problems.push({
        file: shown,
        message: 'is a folder inside the users folder',
        hint: 'user files sit directly in the users folder; move shared helpers to a file starting with "_"',
      });
      continue;
    }
    if (!e.name.endsWith(USER_FILE_EXTENSION)) {
      problems.push({
        file: shown,
        message: 'is not a user file',
        hint: `name it <username>${USER_FILE_EXTENSION}, or start a helper's name with "_"`,
      });
      continue;
    }
    const name = e.name.slice(0, -USER_FILE_EXTENSION.length);
    const bad = usernameProblem(name);
    if (bad) {
      problems.push({ file: shown, message: bad.message, hint: bad.hint });
      continue;
    }
    const file: UserFile = {
      name,
      path: full,
      shown,
      ...(e.name === overlayName ? { text: overlay!.text } : {}),
    };
    const clash = byLowerName.get(name.toLowerCase());
    if (clash) {
      // The file about to be written is the one to blame (users add), else the later one.
      const [dup, kept] = clash.text !== undefined ? [clash, file] : [file, clash];
      problems.push({
        file: dup.shown,
        message: `duplicate username: "${dup.name}" and "${kept.name}" (${kept.shown}) differ only in case`,
        hint:
          dup.text !== undefined ? 'choose another name' : 'remove or rename one of the two files',
      });
      continue;
    }
    byLowerName.set(name.toLowerCase(), file);
    users.push(file);
  }
  if (problems.length > 0)
    throw invalidInput(
      `users folder ${displayPath(dir, cwd)} has ${count(problems.length, 'problem')}`,
      problems,
    );
  return users;
}
