// The directory (format sftpgw-directory/1): every user's answer to a login,
// one JSON document that the custom identity provider function reads
// (handler/identity/) and `sftpgw build` writes. parseDirectory checks its
// shape and names the field at fault, so a broken directory is refused whole
// (the function then keeps its last good one, or denies everyone) instead of
// half-read.
//
// NOTE (27b): a minimal copy written to the contract (notes/contract-27.md) so
// the function builds and is tested in its own branch; helper 27a owns this
// file and the integrator keeps 27a's.

export const DIRECTORY_FORMAT = 'sftpgw-directory/1';

export interface DirectoryKey {
  /** One public key line: "ssh-ed25519 AAAA… comment". */
  key: string;
  /** The last UTC day the key is trusted (YYYY-MM-DD); null: no expiry. */
  expires: string | null;
}

export interface HomeMapping {
  Entry: string;
  Target: string;
}

export interface DirectoryUser {
  /** Session policy JSON text with ${Bucket}, ${KeyArn}, ${AWS::Partition} placeholders (Fn::Sub syntax). */
  policy: string;
  home: HomeMapping[];
  keys: DirectoryKey[];
  /** null or absent: any source address the endpoint admits. */
  cidrs?: string[] | null;
  /** absent: no password login for this user. */
  passwordHash?: string;
  readOnly?: boolean;
}

export interface Directory {
  format: typeof DIRECTORY_FORMAT;
  gateway: string;
  passwords: boolean;
  users: Record<string, DirectoryUser>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function fail(field: string, problem: string): never {
  throw new Error(`directory: ${field} ${problem}`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkUser(name: string, u: unknown): DirectoryUser {
  const at = `users[${JSON.stringify(name)}]`;
  if (!isObject(u)) fail(at, 'must be an object');
  if (typeof u.policy !== 'string') fail(`${at}.policy`, 'must be a string (session policy JSON)');
  if (!Array.isArray(u.home) || u.home.length === 0)
    fail(`${at}.home`, 'must be a non-empty list of {Entry, Target}');
  u.home.forEach((m: unknown, i: number) => {
    if (!isObject(m) || typeof m.Entry !== 'string' || typeof m.Target !== 'string')
      fail(`${at}.home[${i}]`, 'must be {Entry: string, Target: string}');
  });
  if (!Array.isArray(u.keys)) fail(`${at}.keys`, 'must be a list');
  u.keys.forEach((k: unknown, i: number) => {
    if (!isObject(k) || typeof k.key !== 'string')
      fail(`${at}.keys[${i}]`, 'must be {key: string, expires: "YYYY-MM-DD" | null}');
    if (k.expires !== null && !(typeof k.expires === 'string' && DAY.test(k.expires)))
      fail(`${at}.keys[${i}].expires`, 'must be "YYYY-MM-DD" or null');
  });
  if (u.cidrs !== undefined && u.cidrs !== null) {
    if (!Array.isArray(u.cidrs) || u.cidrs.some((c) => typeof c !== 'string'))
      fail(`${at}.cidrs`, 'must be a list of CIDR strings, or null');
  }
  if (u.passwordHash !== undefined && typeof u.passwordHash !== 'string')
    fail(`${at}.passwordHash`, 'must be a string');
  if (u.readOnly !== undefined && typeof u.readOnly !== 'boolean')
    fail(`${at}.readOnly`, 'must be true or false');
  return u as unknown as DirectoryUser;
}

/** The directory in `text`, or an Error naming the field at fault. */
export function parseDirectory(text: string): Directory {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`directory: not JSON (${(err as Error).message})`);
  }
  if (!isObject(doc)) fail('(document)', 'must be a JSON object');
  if (doc.format !== DIRECTORY_FORMAT)
    fail('format', `must be "${DIRECTORY_FORMAT}", not ${JSON.stringify(doc.format)}`);
  if (typeof doc.gateway !== 'string') fail('gateway', 'must be a string');
  if (typeof doc.passwords !== 'boolean') fail('passwords', 'must be true or false');
  if (!isObject(doc.users)) fail('users', 'must be an object of users by name');
  for (const [name, u] of Object.entries(doc.users)) checkUser(name, u);
  return doc as unknown as Directory;
}
