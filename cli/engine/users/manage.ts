// sftpgw users add / list / remove: user files written in the house format.
// A user is added only when the gateway builds with it: `add` runs every check
// `build` runs (but cfn-lint) on the users folder as it will be, before
// writing anything. Private keys are refused without printing any of them.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { loadConfig, type ConfigOptions } from '../config/load.js';
import { invalidInput, SftpgwError, usageError, type Problem } from '../errors.js';
import { displayPath } from '../paths.js';
import type { SynthesizeDeps } from '../synthesize.js';
import { templateSources } from '../template/sources.js';
import { validate, validationFailed } from '../validate/index.js';
import { discoverUsers, USER_FILE_EXTENSION } from './discover.js';
import { keyListText, keyText, quote, replaceKeyList } from './edit-keys.js';
import { evaluateUserFiles } from './evaluate.js';
import { checkKeyList, checkPublicKey, looksLikePrivateKey, type CheckedKey } from './keys.js';
import { keyState, type KeyState } from './key-lifetimes.js';
import { calendarDate, dateProblem, today } from '../clock.js';
import { keyFileEntries } from './rfc4716.js';
import { checkUserShape, usernameProblem, type UserKey, type UserSpec } from './spec.js';
import { count } from '../plural.js';

/** One key as add and list report it: never more of the key than its type, fingerprint and comment. */
export interface KeySummary {
  type: string;
  fingerprint: string;
  comment?: string;
  /** Given as an RFC 4716 (SSH2) block and written as its OpenSSH line. */
  converted?: boolean;
  /** YYYY-MM-DD: the last UTC day the key is valid. */
  expires?: string;
  /** On the date listed as (users list): ok, expiring or expired. */
  state?: KeyState;
}

export interface UserSummary {
  name: string;
  file: string;
  keys: KeySummary[];
  homeDirectory: string;
  readOnly: boolean;
  /** The networks the user file admits (allowedSourceCidrs, docs/endpoint.md). */
  allowedSourceCidrs: string[];
}

/**
 * Public keys from a file or stdin: OpenSSH lines, one per line, and RFC 4716
 * (SSH2) blocks, converted to OpenSSH lines; blank lines and # comments skipped.
 */
export function parseKeyText(
  text: string,
  source: string,
): { keys: string[]; summaries: KeySummary[] } {
  if (looksLikePrivateKey(text)) {
    throw invalidInput(`${source} holds a PRIVATE key (not shown)`, [
      {
        file: source,
        message: 'is a private key',
        hint: 'pass the public key (the .pub file); treat the private key as exposed and have its owner make a new one',
      },
    ]);
  }
  const entries = keyFileEntries(text);
  if (entries.length === 0)
    throw invalidInput(`${source} holds no public key`, [
      {
        file: source,
        message: 'is empty',
        hint: 'pass an OpenSSH public key line (ssh-ed25519 AAAA… user@host) or an RFC 4716 block (---- BEGIN SSH2 PUBLIC KEY ----)',
      },
    ]);
  const problems: Problem[] = [];
  const summaries: KeySummary[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const r = e.problem
      ? {
          ok: false as const,
          message: e.problem,
          hint: 'export the public key again (ssh-keygen -e -f key.pub, or PuTTYgen "Save public key"), or pass the OpenSSH line (ssh-keygen -i -f key.pub prints it)',
        }
      : checkPublicKey(e.text);
    if (!r.ok) problems.push({ file: source, line: e.line, message: r.message, hint: r.hint });
    else if (seen.has(r.fingerprint))
      problems.push({
        file: source,
        line: e.line,
        message: `is the same key as an earlier line (${r.fingerprint})`,
        hint: 'remove the duplicate',
      });
    else {
      seen.add(r.fingerprint);
      summaries.push({
        type: r.type,
        fingerprint: r.fingerprint,
        comment: e.text.split(/\s+/).slice(2).join(' ') || undefined,
        ...(e.converted ? { converted: true } : {}),
      });
    }
  }
  if (problems.length > 0)
    throw invalidInput(
      `${source}: ${count(problems.length, 'problem')} with the public key${entries.length === 1 ? '' : 's'}`,
      problems,
    );
  return { keys: entries.map((e) => e.text), summaries };
}

/** The house format: data an operator reads at a glance. */
export function userFileText(
  name: string,
  spec: { sshPublicKeys: readonly (string | UserKey)[] } & Partial<Omit<UserSpec, 'sshPublicKeys'>>,
): string {
  const lines = [
    `// SFTP user ${name}: the file name is the username. Fields: sshPublicKeys,`,
    '// homeDirectory (default: the username), readOnly, tags. See docs/users.md of sftpgw.',
    '{',
    `  sshPublicKeys: ${keyListText(spec.sshPublicKeys, '  ')},`,
  ];
  if (spec.homeDirectory !== undefined && spec.homeDirectory !== name)
    lines.push(`  homeDirectory: ${quote(spec.homeDirectory)},`);
  if (spec.readOnly) lines.push('  readOnly: true,');
  const tags = Object.entries(spec.tags ?? {});
  if (tags.length > 0)
    lines.push(
      `  tags: { ${tags.map(([k, v]) => `${/^[A-Za-z_]\w*$/.test(k) ? k : quote(k)}: ${quote(v)}`).join(', ')} },`,
    );
  lines.push('}', '');
  return lines.join('\n');
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export interface AddUserOptions extends ConfigOptions {
  name: string;
  keyText: string;
  /** Where the key came from, for messages ("-" is stdin). */
  keySource: string;
  force?: boolean;
  /** --expires YYYY-MM-DD: every key given is written { key, expires } (valid through that UTC day). */
  expires?: string;
}

export async function addUser(
  opts: AddUserOptions,
  deps: SynthesizeDeps,
): Promise<{ file: string; keys: KeySummary[]; replaced: boolean }> {
  const bad = usernameProblem(opts.name);
  if (bad)
    throw invalidInput(bad.message, [
      {
        field: 'NAME',
        message: bad.message,
        hint: bad.hint
          .replace('rename the file to another username', 'choose another username')
          .replace('the file name is the username: ', ''),
      },
    ]);
  if (opts.expires !== undefined) expiresProblem(opts.expires, opts);
  const parsed = parseKeyText(opts.keyText, opts.keySource);
  const keys: (string | UserKey)[] =
    opts.expires === undefined
      ? parsed.keys
      : parsed.keys.map((line) => ({ line, expires: opts.expires }));
  const summaries = parsed.summaries.map((k) =>
    opts.expires === undefined ? k : { ...k, expires: opts.expires },
  );
  const config = await loadConfig(opts, deps.reporter);
  const file = path.join(config.usersDir, `${opts.name}${USER_FILE_EXTENSION}`);
  const shown = displayPath(file, opts.cwd);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current !== undefined && !opts.force) {
    throw new SftpgwError('invalid-input', `user ${opts.name} exists (${shown})`, {
      hint: 'pass --force to replace its keys (nothing else in the file changes), or choose another name',
    });
  }
  const text =
    current === undefined
      ? userFileText(opts.name, { sshPublicKeys: keys })
      : replacedKeys(current, keys, shown);
  // Every check build runs (but cfn-lint), on the folder as it will be: a
  // user that would make the next build fail is not added.
  try {
    const result = await validate({ ...opts, overlay: { name: opts.name, text } }, deps);
    if (result.counts.error > 0) throw validationFailed(result.findings);
  } catch (err) {
    if (err instanceof SftpgwError && err.kind === 'invalid-input') {
      throw new SftpgwError(
        'invalid-input',
        `${opts.name} not ${current === undefined ? 'added' : 'changed'}, nothing written: with it, ${err.message.replace(/^the template is not valid/, 'the gateway template would not be valid')}`,
        { problems: err.problems, findings: err.findings, hint: err.hint },
      );
    }
    throw err;
  }
  writeAtomically(file, text);
  return { file, keys: summaries, replaced: current !== undefined };
}

/**
 * --expires: a calendar date (commander checked the form), not already
 * past: a key added expired would be left out of the template at once.
 */
function expiresProblem(expires: string, opts: ConfigOptions): void {
  if (!calendarDate(expires))
    throw usageError(
      `--expires: ${dateProblem(expires)}`,
      'give the last UTC day the key is valid, e.g. --expires 2027-03-31',
    );
  const now = today({ today: opts.today, environment: opts.environment });
  if (expires < now)
    throw usageError(
      `--expires ${expires} is past (today is ${now}, UTC): the key would be left out of the template at once`,
      'give the last UTC day the key is valid, today or later (a key is valid through its expires date)',
    );
}

/** An existing user file with only its key list replaced, or a refusal saying what to edit by hand. */
function replacedKeys(current: string, keys: (string | UserKey)[], shown: string): string {
  const edit = replaceKeyList(current, keys);
  if (edit.ok) return edit.text;
  throw new SftpgwError(
    'invalid-input',
    `${shown} is not plain data (${edit.reason}): sftpgw does not rewrite it, so its helpers, imports and comments stay as they are`,
    {
      problems: [
        {
          file: shown,
          line: edit.line,
          message: edit.line ? 'the current key is here' : 'holds the keys',
          hint: `edit the file by hand: put ${keys.length === 1 ? 'this key' : 'these keys'} in place of the current one${keys.length === 1 ? '' : 's'}: ${keys.map(keyText).join(', ')}`,
        },
      ],
    },
  );
}

/** One user file read and checked: its spec and its good keys (type, fingerprint). */
export interface ReadUser {
  name: string;
  file: string;
  spec: UserSpec;
  checked: CheckedKey[];
}

/**
 * Every user file of the folder, evaluated and checked as the build checks
 * them (shape and keys; not the template): the problems of all of them in
 * one refusal.
 */
export async function readUsers(
  usersDir: string,
  projectDir: string,
  jsonnet: JsonnetEngine,
): Promise<ReadUser[]> {
  const files = await discoverUsers(usersDir);
  const { values } = await evaluateUserFiles(
    files,
    usersDir,
    jsonnet,
    templateSources(projectDir).jpath,
  );
  const problems: Problem[] = [];
  const out: ReadUser[] = [];
  for (const f of files) {
    const { spec, keys, problems: p } = checkUserShape(f.name, values.get(f.name), f.shown);
    problems.push(...p);
    const { keys: checked, problems: p2 } = checkKeyList(keys ?? []);
    problems.push(...p2.map((p) => ({ file: f.shown, ...p })));
    if (spec) out.push({ name: f.name, file: f.shown, spec, checked });
  }
  if (problems.length > 0)
    throw invalidInput(`${count(problems.length, 'problem')} in user files`, problems);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * The users with their keys, each key's expiry and its state on `today`
 * (YYYY-MM-DD; the state is left out without it).
 */
export async function listUsers(
  usersDir: string,
  projectDir: string,
  jsonnet: JsonnetEngine,
  clock?: { today: string; warningDays: number },
): Promise<UserSummary[]> {
  const users = await readUsers(usersDir, projectDir, jsonnet);
  return users.map((u) => ({
    name: u.name,
    file: u.file,
    keys: u.checked.map((k) => {
      const expires = u.spec.keys[k.index]?.expires;
      return {
        type: k.type,
        fingerprint: k.fingerprint,
        ...(k.comment !== undefined ? { comment: k.comment } : {}),
        ...(expires !== undefined ? { expires } : {}),
        ...(clock ? { state: keyState(expires, clock.today, clock.warningDays).state } : {}),
      };
    }),
    homeDirectory: u.spec.homeDirectory,
    readOnly: u.spec.readOnly,
    allowedSourceCidrs: u.spec.allowedSourceCidrs,
  }));
}

export function removeUser(usersDir: string, name: string): string {
  const file = path.join(usersDir, `${name}${USER_FILE_EXTENSION}`);
  // A well-formed command that cannot be done: a failed operation (exit 1), not bad usage.
  if (!existsSync(file))
    throw new SftpgwError('failed', `no user ${name} (${displayPath(file)} does not exist)`, {
      hint: 'sftpgw users list shows the users',
    });
  rmSync(file);
  return file;
}
