// Which of a server's host keys partners see. Transfer Family presents, per
// key type, the OLDEST key: "The oldest key for each key type (RSA, ECDSA, or
// ED25519) is the active key for the server for that type"
// (https://docs.aws.amazon.com/transfer/latest/userguide/server-host-key-add.html).
// The types are families: every ECDSA curve (nistp256/384/521) is one type.
// Oldest is by DateImported (ListHostKeys). Two keys of a type imported at
// the same instant: the one ListHostKeys lists first counts as the active
// one (sftpgw's choice: AWS documents no tie-break; HostKey resources of one
// deploy never tie, each DependsOn the one before). A key without a date is
// never preferred to one with a date.
import type { ServerHostKey } from '../../adapters/aws/transfer.js';

/** The key type Transfer Family picks the oldest of: RSA, ECDSA or ED25519 (else the type as listed). */
export function hostKeyFamily(type: string): string {
  if (type === 'ssh-rsa' || type.startsWith('rsa-sha2-')) return 'RSA';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type === 'ssh-ed25519') return 'ED25519';
  return type;
}

export interface HostKeyState extends ServerHostKey {
  /** The key type it competes in: RSA, ECDSA or ED25519. */
  family: string;
  /** The one of its type partners see: the oldest by dateImported. */
  active: boolean;
}

/** The keys in ListHostKeys order, each with its family and whether it is the active one of it. */
export function activeHostKeys(keys: readonly ServerHostKey[]): HostKeyState[] {
  const time = (k: ServerHostKey) =>
    k.dateImported === undefined ? Number.POSITIVE_INFINITY : Date.parse(k.dateImported);
  const winner = new Map<string, number>();
  keys.forEach((k, i) => {
    const family = hostKeyFamily(k.type);
    const best = winner.get(family);
    // Strictly older wins; on a tie the one listed first stays.
    if (best === undefined || time(k) < time(keys[best])) winner.set(family, i);
  });
  return keys.map((k, i) => {
    const family = hostKeyFamily(k.type);
    return { ...k, family, active: winner.get(family) === i };
  });
}
