// Which host key a Transfer Family server presents for each algorithm: the
// OLDEST key of that algorithm (by DateImported). "The oldest key for each
// key type (RSA, ECDSA, or ED25519) is the active key for the server for that
// type" — https://docs.aws.amazon.com/transfer/latest/userguide/server-host-key-add.html
// The key the service generated for the server is older than any imported
// one, so an imported key of its algorithm becomes active only once the
// generated one is deleted (sftpgw host-keys retire). Pure: no AWS here.

/** A host key of the server, as ListHostKeys lists it (or as a deploy will add it). */
export interface HostKeyEntry {
  /** hostkey-…; absent for a key a deploy is about to import. */
  id?: string;
  /** ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, … */
  type: string;
  /** SHA256:…, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  description?: string;
  /** When it was added to the server; absent: the service did not say (taken as oldest). */
  dateImported?: Date;
  /** The stack's HostKey resource that holds it (its logical id), if any. */
  logicalId?: string;
  /** A key a deploy is about to import: newer than every key the server has. */
  importedByDeploy?: boolean;
  /** Where a key to import comes from: its secret's name or ARN (never its value). */
  secretId?: string;
}

/** RSA, ECDSA or ED25519 (the names `ssh-keygen -lf` prints); the type itself for anything else. */
export function algorithmOf(type: string): string {
  if (type === 'ssh-rsa' || type.startsWith('rsa-')) return 'RSA';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type === 'ssh-ed25519') return 'ED25519';
  return type;
}

/**
 * Oldest first: by DateImported, a key without a date first (the service's
 * own key may come without one), keys a deploy imports last; the list order
 * between equals (keys a deploy imports are listed in creation order).
 */
export function byAge(keys: readonly HostKeyEntry[]): HostKeyEntry[] {
  const time = (k: HostKeyEntry) =>
    k.importedByDeploy
      ? Number.POSITIVE_INFINITY
      : (k.dateImported?.getTime() ?? Number.NEGATIVE_INFINITY);
  return keys
    .map((k, i) => ({ k, i }))
    .sort((a, b) => (time(a.k) === time(b.k) ? a.i - b.i : time(a.k) < time(b.k) ? -1 : 1))
    .map(({ k }) => k);
}

/** The active key of each algorithm, by algorithm name, sorted by name. */
export function activeKeys(keys: readonly HostKeyEntry[]): Map<string, HostKeyEntry> {
  const out = new Map<string, HostKeyEntry>();
  for (const k of byAge(keys)) {
    const a = algorithmOf(k.type);
    if (!out.has(a)) out.set(a, k);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** What partners see for one algorithm before and after a change; undefined: no key of it. */
export interface AlgorithmChange {
  algorithm: string;
  before?: HostKeyEntry;
  after?: HostKeyEntry;
}

/**
 * The algorithms whose active key differs between two sets of keys: a
 * different key, a new algorithm (clients that prefer it switch to a key
 * they never pinned), or an algorithm gone (its clients switch to another).
 */
export function activeChanges(
  before: readonly HostKeyEntry[],
  after: readonly HostKeyEntry[],
): AlgorithmChange[] {
  const a = activeKeys(before);
  const b = activeKeys(after);
  return [...new Set([...a.keys(), ...b.keys()])]
    .sort()
    .filter((alg) => a.get(alg)?.fingerprint !== b.get(alg)?.fingerprint)
    .map((algorithm) => ({
      algorithm,
      ...(a.has(algorithm) ? { before: a.get(algorithm) } : {}),
      ...(b.has(algorithm) ? { after: b.get(algorithm) } : {}),
    }));
}
