// User keys with lifetimes (docs/keys.md#user-keys-lifetimes-and-expiry): a
// key written { key, expires: 'YYYY-MM-DD' } is valid through that UTC day
// and expired from the next (today > expires). The build gives jsonnet only
// the keys not expired on its date; `sftpgw users keys` lists every key with
// its state. keysOf is the one place a key's state is decided: users keys,
// the build's findings (validate/rules/users/) and `users keys --deployed`
// (which compares these rows with the deployed stack) all read its rows.
import { daysBetween } from '../clock.js';
import type { RenderUser } from '../template/evaluate-gateway.js';
import { checkKeyList, type CheckedKey } from './keys.js';
import type { UserKey } from './spec.js';

/** ok: no expiry or far off; expiring: within the warning window (its last day included); expired: today > expires. */
export type KeyState = 'ok' | 'expiring' | 'expired';

/** The default of users.keyExpiryWarningDays in sftpgw.yaml. */
export const DEFAULT_WARNING_DAYS = 30;

/** A key's state on `today`, and the days from today to its expiry date (0 on its last valid day). */
export function keyState(
  expires: string | undefined,
  today: string,
  warningDays: number,
): { state: KeyState; daysLeft?: number } {
  if (expires === undefined) return { state: 'ok' };
  const daysLeft = daysBetween(today, expires);
  if (daysLeft < 0) return { state: 'expired', daysLeft };
  return { state: daysLeft <= warningDays ? 'expiring' : 'ok', daysLeft };
}

/** True when the key is expired on `today` (the key is left out of the template). */
export function isExpired(key: UserKey, today: string): boolean {
  return key.expires !== undefined && today > key.expires;
}

/**
 * The users as jsonnet gets them on `today`: each spec's sshPublicKeys holds
 * only the keys not expired. A user whose every key expired keeps its
 * resource with no key (docs/keys.md says why): its access ends, its home
 * and policy stay, and a new key later is an update, not a new user.
 */
export function withLiveKeys(users: readonly RenderUser[], today: string): RenderUser[] {
  return users.map((u) =>
    u.spec.keys.some((k) => isExpired(k, today))
      ? {
          ...u,
          spec: {
            ...u.spec,
            sshPublicKeys: u.spec.keys.filter((k) => !isExpired(k, today)).map((k) => k.line),
          },
        }
      : u,
  );
}

/** One user's keys: as its file gives them, and checked (keys.ts) when the caller has done that already. */
export interface KeyHolder {
  name: string;
  /** The user file, as shown. */
  file: string;
  keys: readonly UserKey[];
  /** checkKeyList's good keys of `keys`; computed when left out. */
  checked?: readonly CheckedKey[];
}

/** One key of one user file, as `sftpgw users keys` lists it. */
export interface KeyRow {
  user: string;
  file: string;
  /** Its index in the file's sshPublicKeys. */
  index: number;
  type: string;
  /** SHA256:… as ssh-keygen -lf prints it. */
  fingerprint: string;
  comment?: string;
  /** YYYY-MM-DD, the last valid UTC day. */
  expires?: string;
  /** Days from today to `expires` (negative once expired). */
  daysLeft?: number;
  state: KeyState;
}

/**
 * Every valid key of the users with its state on `today`, in user order then
 * file order. A key that does not parse has no fingerprint and no row: the
 * build refuses it (keys.ts says why).
 */
export function keysOf(
  users: readonly KeyHolder[],
  today: string,
  warningDays = DEFAULT_WARNING_DAYS,
): KeyRow[] {
  const rows: KeyRow[] = [];
  for (const u of users) {
    const checked = u.checked ?? checkKeyList(u.keys.map((k) => k.line)).keys;
    for (const c of checked) {
      const expires = u.keys[c.index]?.expires;
      const { state, daysLeft } = keyState(expires, today, warningDays);
      rows.push({
        user: u.name,
        file: u.file,
        index: c.index,
        type: c.type,
        fingerprint: c.fingerprint,
        ...(c.comment !== undefined ? { comment: c.comment } : {}),
        ...(expires !== undefined ? { expires, daysLeft } : {}),
        state,
      });
    }
  }
  return rows;
}
