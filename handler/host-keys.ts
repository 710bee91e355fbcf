// Pinned remote host keys. TrustedHostKeys holds OpenSSH public key lines
// ("ssh-ed25519 AAAA… comment") or fingerprints as `ssh-keygen -lf` prints them
// ("SHA256:" + unpadded base64 of the key blob's SHA-256). There is no
// trust-on-first-use: a server whose key matches none is never talked to.
import ssh2 from 'ssh2';
import { fingerprint } from './fingerprint.js';

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export { fingerprint };

/**
 * The pinned fingerprints, the key type of each pin given as a key line (the
 * push offers only pinned types: host-key-algorithms.ts), or a message per
 * entry that is neither form (indexes are 0-based).
 */
export function parseTrustedHostKeys(entries: readonly string[]): { pins: Set<string>; types: Map<string, string>; problems: string[] } {
  const pins = new Set<string>();
  const types = new Map<string, string>();
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    const text = entry.trim();
    if (text.startsWith('SHA256:')) {
      if (FINGERPRINT.test(text)) pins.add(text);
      else problems.push(`TrustedHostKeys/${i}: a SHA256 fingerprint is "SHA256:" followed by 43 base64 characters (as ssh-keygen -lf prints it)`);
      return;
    }
    const parsed = ssh2.utils.parseKey(text);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || key === undefined) {
      problems.push(`TrustedHostKeys/${i}: neither an OpenSSH public key line nor a SHA256: fingerprint`);
    } else if (key.isPrivateKey()) {
      // Never echo it: this is the wrong kind of key in the wrong place.
      problems.push(`TrustedHostKeys/${i}: is a private key; pin the server's public host key (ssh-keyscan or ssh-keygen -lf)`);
    } else {
      const fp = fingerprint(key.getPublicSSH());
      pins.add(fp);
      types.set(fp, key.type);
    }
  });
  return { pins, types, problems };
}
