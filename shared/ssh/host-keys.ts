// Pinned remote host keys. TrustedHostKeys holds OpenSSH public key lines
// ("ssh-ed25519 AAAA… comment", also with the host field ssh-keyscan prints)
// or fingerprints as `ssh-keygen -lf` prints them ("SHA256:" + unpadded
// base64 of the key blob's SHA-256, alone or as the whole -lf line); the
// accepted text forms are in host-key-formats.ts. There is no
// trust-on-first-use: a server whose key matches none is never talked to.
// An entry may also be { Key, Expires }: the same text, trusted through the
// UTC date Expires (shared/destination/pin-expiry.ts).
import ssh2 from 'ssh2';
import type { TrustedHostKey } from '../destination/secret-schema.js';
import { isCalendarDate } from '../destination/pin-expiry.js';
import { fingerprint } from './fingerprint.js';
import { hostKeyLines } from './host-key-formats.js';

export { fingerprint };

function isPrivateKey(text: string): boolean {
  if (/PRIVATE KEY-----|PuTTY-User-Key-File/.test(text)) return true;
  const parsed = ssh2.utils.parseKey(text.trim());
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return !(key instanceof Error) && key !== undefined && key.isPrivateKey();
}

/**
 * The pinned fingerprints, the key type of each pin given as a key line (the
 * push offers only pinned types: host-key-algorithms.ts), the last trusted
 * UTC date of each pin that has one, or a message per entry that is neither
 * form (indexes are 0-based). A key pinned twice keeps the longer trust: no
 * expiry beats any date, a later date an earlier one.
 */
export function parseTrustedHostKeys(entries: readonly TrustedHostKey[]): {
  pins: Set<string>;
  types: Map<string, string>;
  expires: Map<string, string>;
  problems: string[];
} {
  const pins = new Set<string>();
  const types = new Map<string, string>();
  const expires = new Map<string, string>();
  const forever = new Set<string>();
  const problems: string[] = [];
  const pin = (fp: string, until: string | undefined) => {
    pins.add(fp);
    if (until === undefined) {
      forever.add(fp);
      expires.delete(fp);
    } else if (!forever.has(fp) && !((expires.get(fp) ?? '') > until)) {
      expires.set(fp, until);
    }
  };
  entries.forEach((entry, i) => {
    const text = typeof entry === 'string' ? entry : entry.Key;
    const where = typeof entry === 'string' ? `TrustedHostKeys/${i}` : `TrustedHostKeys/${i}/Key`;
    const until = typeof entry === 'string' ? undefined : entry.Expires;
    // The schema checked the form; a day that does not exist is caught here.
    if (until !== undefined && !isCalendarDate(until)) {
      problems.push(
        `TrustedHostKeys/${i}/Expires: is not a calendar date; write YYYY-MM-DD, the last UTC day the key is trusted (e.g. 2027-01-31)`,
      );
      return;
    }
    // Never echo it: this is the wrong kind of key in the wrong place.
    if (isPrivateKey(text)) {
      problems.push(
        `${where}: is a private key; pin the server's public host key (ssh-keyscan or ssh-keygen -lf)`,
      );
      return;
    }
    for (const line of hostKeyLines(text)) {
      if (line.kind === 'problem') {
        problems.push(`${where}: ${line.problem}`);
      } else if (line.kind === 'fingerprint') {
        pin(line.fingerprint, until);
      } else {
        const parsed = ssh2.utils.parseKey(line.text);
        const key = Array.isArray(parsed) ? parsed[0] : parsed;
        if (key instanceof Error || key === undefined || key.isPrivateKey()) {
          problems.push(
            `${where}: the key in it is not a valid OpenSSH public key (a truncated or altered line?)`,
          );
        } else {
          const fp = fingerprint(key.getPublicSSH());
          pin(fp, until);
          types.set(fp, key.type);
        }
      }
    }
  });
  return { pins, types, expires, problems };
}
