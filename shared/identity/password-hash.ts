// Password hashes for the custom identity provider: scrypt from node:crypto
// (memory-hard, no dependency), its parameters in the string so they can be
// raised later without breaking old hashes:
//   $scrypt$N=<n>,r=<r>,p=<p>$<salt base64>$<hash base64>
// verifyPassword compares in constant time and refuses parameters it does not
// know or that are weaker than the floor (a hash an attacker wrote into a
// directory must not make a login cheap to brute-force).
//
// NOTE (27b): a minimal copy written to the contract (notes/contract-27.md) so
// the function builds and is tested in its own branch; helper 27a owns this
// file and the integrator keeps 27a's.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;

function derive(pw: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pw, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pw, salt, N, R, P);
  return `$scrypt$N=${N},r=${R},p=${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const FORMAT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

/** True when `pw` matches `hash`; false for a wrong password or a hash it refuses. */
export async function verifyPassword(pw: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n < MIN_N || n > MAX_N || (n & (n - 1)) !== 0 || r !== 8 || p < 1 || p > 4) return false;
  const salt = Buffer.from(m[4], 'base64');
  const expected = Buffer.from(m[5], 'base64');
  if (salt.length < 16 || expected.length !== KEY_BYTES) return false;
  const actual = await derive(pw, salt, n, r, p);
  return timingSafeEqual(actual, expected);
}
