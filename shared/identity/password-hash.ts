// Password hashes for the custom identity provider (issue 27): written into a
// user file by `sftpgw users passwd`, carried in the directory, checked by the
// identity function at a password login. Both sides import this file.
//
// scrypt (RFC 7914, https://www.rfc-editor.org/rfc/rfc7914) from node:crypto:
// memory-hard, no dependency. The parameters travel in the string, so a later
// default can be stronger without invalidating the hashes already written:
//   $scrypt$N=<n>,r=<r>,p=<p>$<salt, base64>$<derived key, base64>
// (base64 without padding, as the PHC string format writes it).
//
// Default N=2^15, r=8, p=3: one of the equivalent settings of the OWASP
// Password Storage Cheat Sheet
// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt),
// chosen over N=2^17, p=1 because it needs 32 MiB (128·N·r bytes) instead of
// 128 MiB: the check runs in a Lambda function, whose memory is also its CPU
// share. About 0.2–0.5 s per check on this machine.
//
// A hash is refused (PasswordHashError) when it is malformed or weaker than
// OWASP's weakest equivalent setting (N·r·p below 2^13·8·10), and also when it
// would cost more than MAX_MEMORY or MAX_WORK to check: a hash in a user file
// must not be able to make every login of the gateway slow.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost: a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

export const DEFAULT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 3 });
/** OWASP's weakest equivalent scrypt setting, N=2^13, r=8, p=10, as work (N·r·p). */
export const MIN_WORK = 2 ** 13 * 8 * 10;
/** The most work a hash may ask of a check: 16× the default's. */
export const MAX_WORK = 16 * DEFAULT_PARAMS.N * DEFAULT_PARAMS.r * DEFAULT_PARAMS.p;
/** At least 16 MiB of memory: OWASP's N=2^14, r=8, p=5 and stronger (its N=2^13 setting is refused). */
export const MIN_MEMORY = 16 * 2 ** 20;
/** At most 256 MiB: what a check may need in the function. */
export const MAX_MEMORY = 256 * 2 ** 20;
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;
/** Longer passwords are refused: scrypt's cost does not depend on it, but no one types 1,024 characters. */
export const MAX_PASSWORD_LENGTH = 1024;

export const PREFIX = '$scrypt$';

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

export interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

const B64 = /^[A-Za-z0-9+/]+$/;

/** Base64 without padding (PHC); undefined unless the text is its canonical form. */
function fromB64(text: string): Buffer | undefined {
  if (!B64.test(text) || text.length % 4 === 1) return undefined;
  const buf = Buffer.from(text, 'base64');
  return toB64(buf) === text ? buf : undefined;
}

const toB64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');

/** Why these parameters are refused, or undefined when they are within bounds. */
export function paramsProblem({ N, r, p }: ScryptParams): string | undefined {
  for (const [name, v] of [
    ['N', N],
    ['r', r],
    ['p', p],
  ] as const)
    if (!Number.isSafeInteger(v) || v < 1) return `${name} must be a positive whole number`;
  if ((N & (N - 1)) !== 0 || N < 2) return `N=${N} is not a power of two`;
  if (r < 8) return `r=${r} is below 8`;
  const memory = 128 * N * r;
  if (memory < MIN_MEMORY)
    return `N=${N}, r=${r} use ${memory / 2 ** 20} MiB; at least ${MIN_MEMORY / 2 ** 20} MiB is required`;
  if (memory > MAX_MEMORY)
    return `N=${N}, r=${r} need ${memory / 2 ** 20} MiB; at most ${MAX_MEMORY / 2 ** 20} MiB is allowed`;
  const work = N * r * p;
  if (work < MIN_WORK) return `N·r·p = ${work} is below the minimum ${MIN_WORK}`;
  if (work > MAX_WORK) return `N·r·p = ${work} is above the maximum ${MAX_WORK}`;
  return undefined;
}

/**
 * Reads a hash string; throws PasswordHashError saying what is wrong. The
 * message never repeats the salt or key (a hash is a secret of sorts too).
 */
export function parsePasswordHash(text: unknown): ParsedHash {
  const fail = (why: string): never => {
    throw new PasswordHashError(`not an sftpgw password hash: ${why}`);
  };
  if (typeof text !== 'string')
    return fail(`a ${text === null ? 'null' : typeof text}, not a string`);
  if (!text.startsWith(PREFIX))
    return fail(`it must start with ${PREFIX} (written by sftpgw users passwd)`);
  const parts = text.slice(PREFIX.length).split('$');
  if (parts.length !== 3) return fail('it must be $scrypt$N=…,r=…,p=…$<salt>$<key>');
  const [paramText, saltText, keyText] = parts;
  const m = /^N=([1-9][0-9]{0,9}),r=([1-9][0-9]{0,4}),p=([1-9][0-9]{0,4})$/.exec(paramText);
  if (!m) return fail('its parameters must read N=<n>,r=<r>,p=<p>');
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const problem = paramsProblem(params);
  if (problem) return fail(problem);
  const salt = fromB64(saltText);
  if (!salt) return fail('its salt is not base64 (without padding)');
  if (salt.length < SALT_BYTES || salt.length > 64)
    return fail(`its salt has ${salt.length} bytes; ${SALT_BYTES} to 64 are accepted`);
  const key = fromB64(keyText);
  if (!key) return fail('its key is not base64 (without padding)');
  if (key.length < KEY_BYTES || key.length > 64)
    return fail(`its key has ${key.length} bytes; ${KEY_BYTES} to 64 are accepted`);
  return { params, salt, key };
}

/** Why `text` is not an acceptable hash, or undefined when it is one. */
export function passwordHashProblem(text: unknown): string | undefined {
  try {
    parsePasswordHash(text);
    return undefined;
  } catch (err) {
    if (err instanceof PasswordHashError) return err.message;
    throw err;
  }
}

/** Passwords are compared as UTF-8 of their NFC form: the same typed text on any system. */
const passwordBytes = (password: string): Buffer => Buffer.from(password.normalize('NFC'), 'utf8');

/** scrypt itself (exported for the RFC 7914 vectors, which are below our bounds). */
export function scryptKey(
  password: Buffer,
  salt: Buffer,
  keyLength: number,
  { N, r, p }: ScryptParams,
): Promise<Buffer> {
  // maxmem: node refuses above 32 MiB by default; allow what the bounds allow.
  const maxmem = 128 * N * r * 2 + 2 ** 20;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { N, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Why a password is refused for hashing, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length === 0) return 'the password is empty';
  if (password.length > MAX_PASSWORD_LENGTH)
    return `the password is longer than ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

/** A new hash of `password`, with a random salt (params: tests and later defaults). */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_PARAMS,
): Promise<string> {
  const bad = passwordProblem(password);
  if (bad) throw new PasswordHashError(bad);
  const problem = paramsProblem(params);
  if (problem) throw new PasswordHashError(`refused scrypt parameters: ${problem}`);
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptKey(passwordBytes(password), salt, KEY_BYTES, params);
  return `${PREFIX}N=${params.N},r=${params.r},p=${params.p}$${toB64(salt)}$${toB64(key)}`;
}

/**
 * Whether `password` matches `hash`. The comparison of the derived keys is
 * constant-time (timingSafeEqual); an empty or overlong password is false
 * after the same scrypt work, so its answer takes as long. A hash that is not
 * acceptable throws PasswordHashError (a fault of the directory, not a wrong
 * password: the caller denies and logs it).
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const { params, salt, key } = parsePasswordHash(hash);
  const usable = typeof password === 'string' && passwordProblem(password) === undefined;
  const derived = await scryptKey(
    usable ? passwordBytes(password) : Buffer.alloc(1),
    salt,
    key.length,
    params,
  );
  return timingSafeEqual(derived, key) && usable;
}
