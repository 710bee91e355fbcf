// Which host-key algorithms a connection offers, chosen from the pinned keys.
//
// The server signs the key exchange with the key of the first algorithm in the
// CLIENT's list that it has a key for. ssh2 offers everything by default,
// ed25519 first, so a server holding ed25519 and RSA keys always answers with
// ed25519 and a pinned RSA key is never even looked at. A connection therefore
// offers only algorithms of pinned key types; a bare SHA256 fingerprint says
// nothing about its type, so for those every family is tried, one connection
// per family the server answers with (connectSftp in shared/sftp/connect.ts).
//
// RSA keys are offered with SHA-2 signatures only (rsa-sha2-512,
// rsa-sha2-256, RFC 8332). `ssh-rsa` — SHA-1 signatures — is never offered:
// the host-key signature is the only thing between a delivery and a
// man-in-the-middle, SHA-1 has practical chosen-prefix collisions, and
// OpenSSH stopped offering it by default in 8.8 (2021). Every OpenSSH since
// 7.2 (2016), ProFTPD 1.3.7+ and gesftpserver sign with SHA-2; a server that
// can only do SHA-1 is named as such in the error and by
// `sftpgw destinations test --scan`, never accepted. DSA (`ssh-dss`) likewise.

export interface HostKeyFamily {
  /** The key type of the public key blob (first field of a key line). */
  keyType: string;
  /** Signature algorithms offered for it, best first. */
  algorithms: readonly string[];
}

/** In preference order (what a fingerprint-only pin tries first). */
export const HOST_KEY_FAMILIES: readonly HostKeyFamily[] = [
  { keyType: 'ssh-ed25519', algorithms: ['ssh-ed25519'] },
  { keyType: 'ecdsa-sha2-nistp256', algorithms: ['ecdsa-sha2-nistp256'] },
  { keyType: 'ecdsa-sha2-nistp384', algorithms: ['ecdsa-sha2-nistp384'] },
  { keyType: 'ecdsa-sha2-nistp521', algorithms: ['ecdsa-sha2-nistp521'] },
  { keyType: 'ssh-rsa', algorithms: ['rsa-sha2-512', 'rsa-sha2-256'] },
];

/** Algorithms a server may offer that sftpgw never accepts (see above). */
export const REFUSED_ALGORITHMS = ['ssh-rsa', 'ssh-dss'] as const;

export function familyOf(keyType: string): HostKeyFamily | undefined {
  return HOST_KEY_FAMILIES.find((f) => f.keyType === keyType);
}

export function algorithmsOf(families: readonly HostKeyFamily[]): string[] {
  return families.flatMap((f) => f.algorithms);
}

export interface PinnedKeys {
  /** SHA256 fingerprints of every pinned key. */
  pins: ReadonlySet<string>;
  /** Key type of each pin given as a key line (fingerprint → type); bare fingerprints are absent. */
  types: ReadonlyMap<string, string>;
}

/** The families to try, best first, and pinned key types sftpgw never offers. */
export function candidateFamilies(pinned: PinnedKeys): {
  families: HostKeyFamily[];
  refusedTypes: string[];
} {
  const typed = new Set(pinned.types.values());
  const anyType = [...pinned.pins].some((fp) => !pinned.types.has(fp));
  return {
    families: HOST_KEY_FAMILIES.filter((f) => anyType || typed.has(f.keyType)),
    refusedTypes: [...typed].filter((t) => !familyOf(t)),
  };
}

/** "1 ssh-ed25519 key and 2 SHA256 fingerprints": what TrustedHostKeys pins, for messages. */
export function describePins(pinned: PinnedKeys): string {
  const counts = new Map<string, number>();
  for (const fp of pinned.pins) {
    const label = pinned.types.get(fp) ?? 'SHA256 fingerprint';
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const parts = [...counts].map(([label, n]) =>
    label === 'SHA256 fingerprint'
      ? `${n} SHA256 fingerprint${n > 1 ? 's' : ''}`
      : `${n} ${label} key${n > 1 ? 's' : ''}`,
  );
  return parts.length <= 1
    ? (parts[0] ?? 'nothing')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** True when the server can show its RSA key only with SHA-1 signatures. */
export function rsaOnlyWithSha1(offered: readonly string[]): boolean {
  return (
    offered.includes('ssh-rsa') && !familyOf('ssh-rsa')!.algorithms.some((a) => offered.includes(a))
  );
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return len > 0 && 4 + len <= blob.length ? blob.toString('latin1', 4, 4 + len) : 'unknown';
}
