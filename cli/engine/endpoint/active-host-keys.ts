// Which of a server's host keys partners see, for `sftpgw info`: the rule
// itself (the oldest key of each type is the active one) is
// cli/engine/host-keys/active.ts, shared with the deploy guard and
// `sftpgw host-keys`; this marks each listed key with its family and whether
// it is the active one of it, in ListHostKeys order.
import type { ServerHostKey } from '../../adapters/aws/transfer.js';
import { activeKeys, algorithmOf } from '../host-keys/active.js';

/** The key type Transfer Family picks the oldest of: RSA, ECDSA or ED25519 (else the type as listed). */
export const hostKeyFamily = algorithmOf;

export interface HostKeyState extends ServerHostKey {
  /** The key type it competes in: RSA, ECDSA or ED25519. */
  family: string;
  /** The one of its type partners see: the oldest by dateImported. */
  active: boolean;
}

/** The keys in ListHostKeys order, each with its family and whether it is the active one of it. */
export function activeHostKeys(keys: readonly ServerHostKey[]): HostKeyState[] {
  const active = new Set<unknown>(activeKeys(keys).values());
  return keys.map((k) => ({ ...k, family: algorithmOf(k.type), active: active.has(k) }));
}
