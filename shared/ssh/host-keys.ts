// Pinned remote host keys. TrustedHostKeys holds OpenSSH public key lines
// ("ssh-ed25519 AAAA… comment", also with the host field ssh-keyscan prints)
// or fingerprints as `ssh-keygen -lf` prints them ("SHA256:" + unpadded
// base64 of the key blob's SHA-256, alone or as the whole -lf line); the
// accepted text forms are in host-key-formats.ts. There is no
// trust-on-first-use: a server whose key matches none is never talked to.
import ssh2 from 'ssh2';
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
 * push offers only pinned types: host-key-algorithms.ts), or a message per
 * entry that is neither form (indexes are 0-based).
 */
export function parseTrustedHostKeys(entries: readonly string[]): {
  pins: Set<string>;
  types: Map<string, string>;
  problems: string[];
} {
  const pins = new Set<string>();
  const types = new Map<string, string>();
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    // Never echo it: this is the wrong kind of key in the wrong place.
    if (isPrivateKey(entry)) {
      problems.push(
        `TrustedHostKeys/${i}: is a private key; pin the server's public host key (ssh-keyscan or ssh-keygen -lf)`,
      );
      return;
    }
    for (const line of hostKeyLines(entry)) {
      if (line.kind === 'problem') {
        problems.push(`TrustedHostKeys/${i}: ${line.problem}`);
      } else if (line.kind === 'fingerprint') {
        pins.add(line.fingerprint);
      } else {
        const parsed = ssh2.utils.parseKey(line.text);
        const key = Array.isArray(parsed) ? parsed[0] : parsed;
        if (key instanceof Error || key === undefined || key.isPrivateKey()) {
          problems.push(
            `TrustedHostKeys/${i}: the key in it is not a valid OpenSSH public key (a truncated or altered line?)`,
          );
        } else {
          const fp = fingerprint(key.getPublicSSH());
          pins.add(fp);
          types.set(fp, key.type);
        }
      }
    }
  });
  return { pins, types, problems };
}
