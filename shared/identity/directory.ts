// The directory (format v1): the one JSON document the identity function reads
// (issue 27, contract in docs/identity-provider.md). The CLI writes it from the
// user files (cli/engine/identity/directory-from-users.ts); the function reads
// it with parseDirectory, which refuses any document that is not exactly this
// shape and names the user and field at fault, so a corrupt or hand-edited
// directory denies every login instead of answering from half a user.
import { passwordHashProblem } from './password-hash.js';

export const DIRECTORY_FORMAT = 'sftpgw-directory/1';

/** One key a user may log in with. */
export interface DirectoryKey {
  /** The OpenSSH public key line. */
  key: string;
  /** The last UTC day the key is trusted (YYYY-MM-DD, docs/keys.md); null: no expiry. */
  expires: string | null;
}

/** One entry of a LOGICAL home directory, as Transfer's HomeDirectoryDetails has it. */
export interface HomeMapping {
  Entry: string;
  /** `/${Bucket}/<home>`: the placeholders are substituted by the function. */
  Target: string;
}

export interface DirectoryUser {
  /**
   * The session policy as JSON text, with `${Bucket}`, `${KeyArn}` and
   * `${AWS::Partition}` left as the jsonnet's Fn::Sub string has them.
   */
  policy: string;
  home: HomeMapping[];
  keys: DirectoryKey[];
  /** IPv4 networks the user may connect from; null or absent: any the endpoint admits. */
  cidrs?: string[] | null;
  /** `$scrypt$…` (shared/identity/password-hash.ts); absent: no password login. */
  passwordHash?: string;
  readOnly: boolean;
}

export interface Directory {
  format: typeof DIRECTORY_FORMAT;
  /** The gateway's stack name. */
  gateway: string;
  /** Whether password logins are allowed at all (server.identityProvider.passwords). */
  passwords: boolean;
  users: Record<string, DirectoryUser>;
}

export class DirectoryError extends Error {
  override name = 'DirectoryError';
}

/** Transfer Family usernames (as cli/engine/users/spec.ts checks user file names). */
const USERNAME = /^[\w][\w@.-]{2,99}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const IPV4_CIDR =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

const USER_FIELDS = new Set(['policy', 'home', 'keys', 'cidrs', 'passwordHash', 'readOnly']);
const TOP_FIELDS = new Set(['format', 'gateway', 'passwords', 'users']);

const kind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(2000, mo - 1, d));
  at.setUTCFullYear(y);
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

/**
 * The directory in `text`, checked; throws DirectoryError naming the field
 * (`users["bob"].keys[1].expires: …`). Messages never hold a key, policy or
 * hash: they name where the fault is and what was expected.
 */
export function parseDirectory(text: string): Directory {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DirectoryError(`directory: not JSON (${(err as Error).message})`);
  }
  return checkDirectory(value);
}

/** The same checks on a value already parsed (the CLI checks what it writes). */
export function checkDirectory(value: unknown): Directory {
  const fail = (field: string, message: string): never => {
    throw new DirectoryError(`directory: ${field}: ${message}`);
  };
  if (!isObject(value)) return fail('(top)', `must be an object, not ${kind(value)}`);
  for (const k of Object.keys(value))
    if (!TOP_FIELDS.has(k)) fail(JSON.stringify(k), 'unknown field');
  if (value.format !== DIRECTORY_FORMAT)
    fail(
      'format',
      `must be "${DIRECTORY_FORMAT}", not ${typeof value.format === 'string' ? JSON.stringify(value.format) : kind(value.format)} (a directory written by another sftpgw version?)`,
    );
  if (typeof value.gateway !== 'string' || value.gateway.length === 0)
    fail('gateway', `must be the stack name, not ${kind(value.gateway)}`);
  if (typeof value.passwords !== 'boolean')
    fail('passwords', `must be true or false, not ${kind(value.passwords)}`);
  if (!isObject(value.users)) fail('users', `must be an object of users, not ${kind(value.users)}`);
  for (const [name, user] of Object.entries(value.users as Record<string, unknown>))
    checkUser(name, user, fail);
  return value as unknown as Directory;
}

function checkUser(
  name: string,
  user: unknown,
  fail: (field: string, message: string) => never,
): void {
  const at = `users[${JSON.stringify(name)}]`;
  if (!USERNAME.test(name)) fail(at, 'is not a valid Transfer Family username');
  if (!isObject(user)) return fail(at, `must be an object, not ${kind(user)}`);
  for (const k of Object.keys(user)) if (!USER_FIELDS.has(k)) fail(`${at}.${k}`, 'unknown field');
  if (typeof user.policy !== 'string' || !user.policy.startsWith('{'))
    fail(`${at}.policy`, 'must be the session policy as JSON text');
  if (!Array.isArray(user.home) || user.home.length === 0)
    fail(`${at}.home`, `must be a non-empty array of { Entry, Target }, not ${kind(user.home)}`);
  (user.home as unknown[]).forEach((h, i) => {
    const f = `${at}.home[${i}]`;
    if (!isObject(h) || Object.keys(h).length !== 2)
      return fail(f, 'must be { Entry, Target } and nothing else');
    for (const k of ['Entry', 'Target'])
      if (typeof h[k] !== 'string' || !(h[k] as string).startsWith('/'))
        fail(`${f}.${k}`, 'must be a path starting with /');
  });
  if (!Array.isArray(user.keys)) fail(`${at}.keys`, `must be an array, not ${kind(user.keys)}`);
  (user.keys as unknown[]).forEach((k, i) => {
    const f = `${at}.keys[${i}]`;
    if (!isObject(k) || Object.keys(k).length !== 2 || !('expires' in k))
      return fail(f, 'must be { key, expires } and nothing else');
    if (typeof k.key !== 'string' || !/^[a-z][a-z0-9@.-]* [A-Za-z0-9+/]+=*( .*)?$/.test(k.key))
      fail(`${f}.key`, 'must be an OpenSSH public key line');
    if (k.expires !== null && (typeof k.expires !== 'string' || !isCalendarDate(k.expires)))
      fail(`${f}.expires`, 'must be a UTC date YYYY-MM-DD or null');
  });
  if (user.cidrs !== undefined && user.cidrs !== null) {
    if (!Array.isArray(user.cidrs))
      fail(`${at}.cidrs`, `must be an array of IPv4 networks or null, not ${kind(user.cidrs)}`);
    (user.cidrs as unknown[]).forEach((c, i) => {
      if (typeof c !== 'string' || !IPV4_CIDR.test(c))
        fail(`${at}.cidrs[${i}]`, 'must be an IPv4 network a.b.c.d/n');
    });
  }
  if (user.passwordHash !== undefined) {
    const problem = passwordHashProblem(user.passwordHash);
    if (problem) fail(`${at}.passwordHash`, problem);
  }
  if (typeof user.readOnly !== 'boolean')
    fail(`${at}.readOnly`, `must be true or false, not ${kind(user.readOnly)}`);
}

/** The UTC day of `now`, YYYY-MM-DD. */
export const utcDay = (now: Date): string => now.toISOString().slice(0, 10);

/** The key lines trusted on `now`: no expiry, or `now`'s UTC day is not after it. */
export function liveKeys(user: DirectoryUser, now: Date): string[] {
  const today = utcDay(now);
  return user.keys.filter((k) => k.expires === null || today <= k.expires).map((k) => k.key);
}
