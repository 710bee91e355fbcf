// sftpgw users add / list / remove: user files written in the house format,
// with the same checks `build` applies (username rule, key types and sizes,
// private keys refused without printing any of them).
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { invalidInput, SftpgwError, usageError, type Problem } from '../errors.js';
import { displayPath } from '../paths.js';
import { templateSources } from '../template/sources.js';
import { discoverUsers, USER_FILE_EXTENSION } from './discover.js';
import { evaluateUserFiles } from './evaluate.js';
import { checkPublicKey, looksLikePrivateKey } from './keys.js';
import { checkUserShape, usernameProblem, type UserSpec } from './spec.js';

export interface UserKey {
  type: string;
  fingerprint: string;
  comment?: string;
}

export interface UserSummary {
  name: string;
  file: string;
  keys: UserKey[];
  homeDirectory: string;
  readOnly: boolean;
}

/** Public keys from a file or stdin: one per line; blank lines and # comments skipped. */
export function parseKeyText(text: string, source: string): { keys: string[]; summaries: UserKey[] } {
  if (looksLikePrivateKey(text)) {
    throw invalidInput(`${source} holds a PRIVATE key (not shown)`, [{ file: source, message: 'is a private key', hint: 'pass the public key (the .pub file); treat the private key as exposed and have its owner make a new one' }]);
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0) throw invalidInput(`${source} holds no public key`, [{ file: source, message: 'is empty', hint: 'pass an OpenSSH public key line (ssh-ed25519 AAAA… user@host)' }]);
  const problems: Problem[] = [];
  const summaries: UserKey[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const r = checkPublicKey(line);
    if (!r.ok) problems.push({ file: source, line: i + 1, message: r.message, hint: r.hint });
    else if (seen.has(r.fingerprint)) problems.push({ file: source, line: i + 1, message: `is the same key as an earlier line (${r.fingerprint})`, hint: 'remove the duplicate' });
    else {
      seen.add(r.fingerprint);
      summaries.push({ type: r.type, fingerprint: r.fingerprint, comment: line.split(/\s+/).slice(2).join(' ') || undefined });
    }
  });
  if (problems.length > 0) throw invalidInput(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'} with the public key${lines.length === 1 ? '' : 's'}`, problems);
  return { keys: lines, summaries };
}

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The house format: data an operator reads at a glance. */
export function userFileText(name: string, spec: Pick<UserSpec, 'sshPublicKeys'> & Partial<UserSpec>): string {
  const lines = [
    `// SFTP user ${name}: the file name is the username. Fields: sshPublicKeys,`,
    '// homeDirectory (default: the username), readOnly, tags. See the sftpgw README.',
    '{',
    '  sshPublicKeys: [',
    ...spec.sshPublicKeys.map((k) => `    ${quote(k)},`),
    '  ],',
  ];
  if (spec.homeDirectory !== undefined && spec.homeDirectory !== name) lines.push(`  homeDirectory: ${quote(spec.homeDirectory)},`);
  if (spec.readOnly) lines.push('  readOnly: true,');
  const tags = Object.entries(spec.tags ?? {});
  if (tags.length > 0) lines.push(`  tags: { ${tags.map(([k, v]) => `${/^[A-Za-z_]\w*$/.test(k) ? k : quote(k)}: ${quote(v)}`).join(', ')} },`);
  lines.push('}', '');
  return lines.join('\n');
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function readUser(file: string, name: string, usersDir: string, jsonnet: JsonnetEngine, projectDir: string): Promise<UserSpec> {
  const shown = displayPath(file);
  const { values } = await evaluateUserFiles([{ name, path: file, shown }], usersDir, jsonnet, templateSources(projectDir).jpath);
  const { spec, problems } = checkUserShape(name, values.get(name), shown);
  if (!spec) throw invalidInput(`${shown} is not a valid user file`, problems);
  return spec;
}

export interface AddUserOptions {
  usersDir: string;
  projectDir: string;
  name: string;
  keyText: string;
  /** Where the key came from, for messages ("-" is stdin). */
  keySource: string;
  force?: boolean;
}

export async function addUser(opts: AddUserOptions, jsonnet: JsonnetEngine): Promise<{ file: string; keys: UserKey[]; replaced: boolean }> {
  const bad = usernameProblem(opts.name);
  if (bad) throw invalidInput(bad.message, [{ field: 'NAME', message: bad.message, hint: bad.hint.replace('rename the file to another username', 'choose another username').replace('the file name is the username: ', '') }]);
  const { keys, summaries } = parseKeyText(opts.keyText, opts.keySource);
  const file = path.join(opts.usersDir, `${opts.name}${USER_FILE_EXTENSION}`);
  const exists = existsSync(file);
  if (exists && !opts.force) {
    throw new SftpgwError('invalid-input', `user ${opts.name} exists (${displayPath(file)})`, { hint: 'pass --force to replace its keys (its home directory, readOnly and tags are kept), or choose another name' });
  }
  // --force keeps everything but the keys.
  const current = exists ? await readUser(file, opts.name, opts.usersDir, jsonnet, opts.projectDir) : undefined;
  writeAtomically(file, userFileText(opts.name, { ...current, sshPublicKeys: keys }));
  return { file, keys: summaries, replaced: exists };
}

export async function listUsers(usersDir: string, projectDir: string, jsonnet: JsonnetEngine): Promise<UserSummary[]> {
  const files = await discoverUsers(usersDir);
  const { values } = await evaluateUserFiles(files, usersDir, jsonnet, templateSources(projectDir).jpath);
  const problems: Problem[] = [];
  const out: UserSummary[] = [];
  for (const f of files) {
    const { spec, problems: p } = checkUserShape(f.name, values.get(f.name), f.shown);
    problems.push(...p);
    if (!spec) continue;
    const keys: UserKey[] = [];
    for (const k of spec.sshPublicKeys) {
      const r = checkPublicKey(k);
      if (r.ok) keys.push({ type: r.type, fingerprint: r.fingerprint, comment: k.trim().split(/\s+/).slice(2).join(' ') || undefined });
      else problems.push({ file: f.shown, field: 'sshPublicKeys', message: r.message, hint: r.hint });
    }
    out.push({ name: f.name, file: f.shown, keys, homeDirectory: spec.homeDirectory, readOnly: spec.readOnly });
  }
  if (problems.length > 0) throw invalidInput(`${problems.length} problem${problems.length === 1 ? '' : 's'} in user files`, problems);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function removeUser(usersDir: string, name: string): string {
  const file = path.join(usersDir, `${name}${USER_FILE_EXTENSION}`);
  if (!existsSync(file)) throw usageError(`no user ${name} (${displayPath(file)} does not exist)`, 'sftpgw users list shows the users');
  rmSync(file);
  return file;
}
