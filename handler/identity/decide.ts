// The decision at one login: pure over the directory, the event, today's UTC
// date and the function's settings (the password check is passed in; it is
// verifyPassword in the function). Nothing here reads the clock, the
// environment or the network.
//
// The answer's shape is Transfer Family's ("Using AWS Lambda to integrate your
// identity provider", https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html):
// a non-blank Role authenticates; Policy is the session policy as JSON text;
// HomeDirectoryType LOGICAL with HomeDirectoryDetails, a JSON *string* of the
// [{Entry, Target}] mappings; PublicKeys, a list of key lines, only on a key
// login (Transfer then checks the client's key against them) and never on a
// password login. An empty object denies.
import type { Directory, DirectoryUser } from '../../shared/identity/directory.js';
import { sourceAllowed } from './source-address.js';
import type { LoginEvent } from './event.js';

export interface IdpAnswer {
  Role: string;
  Policy: string;
  HomeDirectoryType: 'LOGICAL';
  HomeDirectoryDetails: string;
  PublicKeys?: string[];
}

/** What the function substitutes into the directory's ${...} placeholders, and the role it answers. */
export interface AnswerSettings {
  role: string;
  bucket: string;
  keyArn: string;
  partition: string;
}

export type DenyReason =
  | 'unknown-user'
  | 'source-not-allowed'
  | 'passwords-off'
  | 'no-password-set'
  | 'wrong-password'
  | 'no-unexpired-key'
  | 'unresolved-placeholder';

export type Decision =
  | { allow: true; method: 'key' | 'password'; answer: IdpAnswer; keys?: number }
  | { allow: false; reason: DenyReason; method: 'key' | 'password' };

export type VerifyPassword = (password: string, hash: string) => Promise<boolean>;

// A well-formed hash at the default parameters (shared/identity/password-hash.ts;
// made with hashPassword, its result is never used): a password login for a
// user who has no hash (or does not exist) still costs the same scrypt, so the
// time of a denial does not tell which users exist or have passwords.
const DECOY_HASH =
  '$scrypt$N=32768,r=8,p=3$JvQwI2YxmxjI5aCxubtCkA$s9QjHmMcjtmfn4ENwYIetew6v7EV23PovSA7gMePbz8';

/**
 * Fn::Sub's placeholders as the jsonnet writes them: ${Bucket}, ${KeyArn},
 * ${AWS::Partition}; ${!Name} is a literal ${Name}. Any other name is a
 * directory this function cannot answer from: undefined.
 */
export function substitute(text: string, s: AnswerSettings): string | undefined {
  const values: Record<string, string> = {
    Bucket: s.bucket,
    KeyArn: s.keyArn,
    'AWS::Partition': s.partition,
  };
  let unresolved = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const v = values[name];
    if (v === undefined) unresolved = true;
    return v ?? '';
  });
  return unresolved ? undefined : out;
}

/** The keys still trusted on `today`: `expires` is the last UTC day a key is trusted. */
export function unexpiredKeys(user: DirectoryUser, today: string): string[] {
  return user.keys.filter((k) => k.expires === null || today <= k.expires).map((k) => k.key);
}

function answerOf(user: DirectoryUser, s: AnswerSettings): IdpAnswer | undefined {
  const policy = substitute(user.policy, s);
  const home = substitute(JSON.stringify(user.home), s);
  if (policy === undefined || home === undefined) return undefined;
  return { Role: s.role, Policy: policy, HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: home };
}

export async function decide(
  directory: Directory,
  event: LoginEvent,
  today: string,
  settings: AnswerSettings,
  verify: VerifyPassword,
): Promise<Decision> {
  const method = event.password === undefined ? 'key' : 'password';
  const deny = (reason: DenyReason): Decision => ({ allow: false, reason, method });
  // Own properties only: a user named "constructor" or "__proto__" is unknown.
  const user = Object.hasOwn(directory.users, event.username)
    ? directory.users[event.username]
    : undefined;
  if (user === undefined) {
    if (event.password !== undefined && directory.passwords)
      await verify(event.password, DECOY_HASH);
    return deny('unknown-user');
  }
  if (user.cidrs != null && !sourceAllowed(event.sourceIp, user.cidrs))
    return deny('source-not-allowed');

  if (event.password !== undefined) {
    if (!directory.passwords) return deny('passwords-off');
    if (user.passwordHash === undefined) {
      await verify(event.password, DECOY_HASH);
      return deny('no-password-set');
    }
    if (!(await verify(event.password, user.passwordHash))) return deny('wrong-password');
    const answer = answerOf(user, settings);
    return answer ? { allow: true, method, answer } : deny('unresolved-placeholder');
  }

  const keys = unexpiredKeys(user, today);
  if (keys.length === 0) return deny('no-unexpired-key');
  const answer = answerOf(user, settings);
  if (!answer) return deny('unresolved-placeholder');
  return { allow: true, method, answer: { ...answer, PublicKeys: keys }, keys: keys.length };
}
