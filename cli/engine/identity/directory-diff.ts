// What a new directory version changes, user by user: what the deploy plan
// and `sftpgw diff` show for a lambda gateway (docs/identity-provider.md). Pure:
// two directory documents in, facts out. Keys are named by type and SHA256
// fingerprint (as `ssh-keygen -lf` prints them), passwords only as set,
// changed or cleared: the diff never carries a key body, a hash or a policy.
import type { Directory, DirectoryKey, DirectoryUser } from '../../../shared/identity/directory.js';
import { fingerprint } from '../../../shared/ssh/fingerprint.js';
import { keyLineFingerprint } from '../users/deployed-keys.js';

/** A key as a plan names it: never its body. */
export interface KeyRef {
  /** ssh-ed25519, ssh-rsa, … */
  type: string;
  /** SHA256:… */
  fingerprint: string;
  /** The last UTC day the key is trusted; null: no expiry. */
  expires: string | null;
}

export interface KeyExpiryChange {
  type: string;
  fingerprint: string;
  from: string | null;
  to: string | null;
}

/** One user present on both sides whose entry changes. */
export interface DirectoryUserChange {
  user: string;
  keysAdded: KeyRef[];
  keysRemoved: KeyRef[];
  expiryChanged: KeyExpiryChange[];
  /** The user's networks before and after (null: any the endpoint admits); absent: unchanged. */
  networks?: { before: string[] | null; after: string[] | null };
  /** absent: unchanged. */
  password?: 'set' | 'changed' | 'cleared';
  /** The session policy text changes (its content is not shown). */
  policy: boolean;
  /** The home mappings change. */
  home: boolean;
  /** absent: unchanged. */
  readOnly?: { before: boolean; after: boolean };
}

export interface DirectoryDiff {
  /** Users in the new directory only, by name; with how many keys each and whether it has a password. */
  usersAdded: Array<{ user: string; keys: number; password: boolean }>;
  usersRemoved: string[];
  usersChanged: DirectoryUserChange[];
  /** Password logins switched on or off for the whole gateway; absent: unchanged. */
  passwords?: { before: boolean; after: boolean };
}

/** The key line's type and fingerprint; a line that does not parse gets a fingerprint of its text. */
export function keyRef(k: DirectoryKey): KeyRef {
  const type = k.key.trim().split(/\s+/, 1)[0] || '?';
  return {
    type,
    fingerprint: keyLineFingerprint(k.key) ?? fingerprint(Buffer.from(k.key)),
    expires: k.expires,
  };
}

const sameList = (
  a: readonly string[] | null | undefined,
  b: readonly string[] | null | undefined,
) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function userChange(
  user: string,
  before: DirectoryUser,
  after: DirectoryUser,
): DirectoryUserChange | undefined {
  const refs = (u: DirectoryUser) => new Map(u.keys.map((k) => [keyRef(k).fingerprint, keyRef(k)]));
  const [b, a] = [refs(before), refs(after)];
  const change: DirectoryUserChange = {
    user,
    keysAdded: [...a.values()].filter((k) => !b.has(k.fingerprint)),
    keysRemoved: [...b.values()].filter((k) => !a.has(k.fingerprint)),
    expiryChanged: [...a.values()]
      .filter((k) => b.has(k.fingerprint) && b.get(k.fingerprint)!.expires !== k.expires)
      .map((k) => ({
        type: k.type,
        fingerprint: k.fingerprint,
        from: b.get(k.fingerprint)!.expires,
        to: k.expires,
      })),
    policy: before.policy !== after.policy,
    home: JSON.stringify(before.home) !== JSON.stringify(after.home),
  };
  if (!sameList(before.cidrs, after.cidrs))
    change.networks = { before: before.cidrs ?? null, after: after.cidrs ?? null };
  if (before.passwordHash !== after.passwordHash)
    change.password =
      before.passwordHash === undefined
        ? 'set'
        : after.passwordHash === undefined
          ? 'cleared'
          : 'changed';
  if (before.readOnly !== after.readOnly)
    change.readOnly = { before: before.readOnly, after: after.readOnly };
  const changed =
    change.keysAdded.length + change.keysRemoved.length + change.expiryChanged.length > 0 ||
    change.networks !== undefined ||
    change.password !== undefined ||
    change.policy ||
    change.home ||
    change.readOnly !== undefined;
  return changed ? change : undefined;
}

/** before → after; `before` undefined: no directory yet (every user is added). */
export function directoryDiff(before: Directory | undefined, after: Directory): DirectoryDiff {
  const old = before?.users ?? {};
  const names = (o: Record<string, unknown>) => Object.keys(o).sort();
  const diff: DirectoryDiff = {
    usersAdded: names(after.users)
      .filter((n) => !(n in old))
      .map((n) => ({
        user: n,
        keys: after.users[n].keys.length,
        password: after.users[n].passwordHash !== undefined,
      })),
    usersRemoved: names(old).filter((n) => !(n in after.users)),
    usersChanged: names(after.users).flatMap((n) =>
      n in old ? (userChange(n, old[n], after.users[n]) ?? []) : [],
    ),
  };
  if (before && before.passwords !== after.passwords)
    diff.passwords = { before: before.passwords, after: after.passwords };
  return diff;
}

/** Whether the diff changes anything a login sees. */
export function isEmptyDirectoryDiff(d: DirectoryDiff): boolean {
  return (
    d.usersAdded.length === 0 &&
    d.usersRemoved.length === 0 &&
    d.usersChanged.length === 0 &&
    d.passwords === undefined
  );
}
