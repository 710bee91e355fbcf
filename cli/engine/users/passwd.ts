// sftpgw users passwd NAME: a user's password, hashed (shared/identity/
// password-hash.ts) and written as passwordHash into the user's file. Only a
// file that is plain data (users/plain-data.ts decides: the format `users add`
// writes) is edited, and only its passwordHash field (edit-keys.ts keeps the
// layout); a file that computes its value is never rewritten: the refusal
// names it and gives the line to add by hand. The password is never written,
// returned or put in a message; the hash is (it is what goes into Git).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  hashPassword,
  PasswordHashError,
  passwordProblem,
} from '../../../shared/identity/password-hash.js';
import { loadConfig, type ConfigOptions } from '../config/load.js';
import { invalidInput, SftpgwError, usageError } from '../errors.js';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import { USER_FILE_EXTENSION } from './discover.js';
import { quote, setTopField } from './edit-keys.js';
import { readPlainData } from './plain-data.js';
import { usernameProblem } from './spec.js';

export interface SetPasswordOptions extends ConfigOptions {
  name: string;
  password: string;
}

export interface SetPasswordResult {
  file: string;
  /** The file had a passwordHash already (now replaced). */
  replaced: boolean;
  /** The scrypt parameters written, e.g. "N=32768,r=8,p=3". */
  params: string;
}

export async function setPassword(
  opts: SetPasswordOptions,
  deps: { reporter: Reporter },
): Promise<SetPasswordResult> {
  const bad = usernameProblem(opts.name);
  if (bad) throw usageError(bad.message, 'give the name of an existing user (sftpgw users list)');
  const weak = passwordProblem(opts.password);
  if (weak)
    throw usageError(
      `${weak}: nothing written`,
      'type the password again (a password of up to 1,024 characters)',
    );
  const config = await loadConfig(opts, deps.reporter);
  const file = path.join(config.usersDir, `${opts.name}${USER_FILE_EXTENSION}`);
  const shown = displayPath(file, opts.cwd);
  if (!existsSync(file))
    throw new SftpgwError('failed', `no user ${opts.name} (${shown} does not exist)`, {
      hint: `add the user first (sftpgw users add ${opts.name} --key KEY.pub); sftpgw users list shows the users`,
    });
  const current = readFileSync(file, 'utf8');
  let hash: string;
  try {
    hash = await hashPassword(opts.password);
  } catch (err) {
    // Not expected (the password was checked): never let a message carry it.
    if (err instanceof PasswordHashError) throw usageError('the password was refused');
    throw err;
  }
  const line = `passwordHash: ${quote(hash)},`;
  const before = readPlainData(current);
  const edit =
    before !== null && typeof before === 'object' && !Array.isArray(before)
      ? setTopField(current, 'passwordHash', quote(hash))
      : undefined;
  if (!edit?.ok)
    throw invalidInput(
      `${shown} is not plain data: sftpgw does not rewrite it, so its helpers, imports and comments stay as they are; nothing written`,
      [
        {
          file: shown,
          field: 'passwordHash',
          message: 'add the password hash by hand',
          hint: `add this line to the object the file gives (a file that ends in a helper's call: append + { … } holding it): ${line}`,
        },
      ],
    );
  // The edit must give the same value with passwordHash set, or nothing is written.
  const after = readPlainData(edit.text);
  const expected = { ...(before as Record<string, unknown>), passwordHash: hash };
  if (JSON.stringify(sorted(after)) !== JSON.stringify(sorted(expected)))
    throw new SftpgwError(
      'failed',
      `${shown}: the edit would change more than passwordHash; nothing written`,
      {
        hint: `add the field by hand: ${line}`,
      },
    );
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, edit.text);
  renameSync(tmp, file);
  const params = /^\$scrypt\$([^$]+)\$/.exec(hash)?.[1] ?? '';
  return {
    file,
    replaced: (before as Record<string, unknown>).passwordHash !== undefined,
    params,
  };
}

/** An object with its keys sorted (plain data's value is sorted already; ours may not be). */
function sorted(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
