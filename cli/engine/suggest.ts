// "Did you mean …?" for misspelt names: fields, properties, enum values.

/** Case-insensitive edit distance. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (x[i - 1] === y[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[y.length];
}

/**
 * The closest candidate, when it is close enough to be a typo: at most
 * max(2, length / divisor) edits away.
 */
export function closest(
  word: string,
  candidates: readonly string[],
  divisor = 4,
): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / divisor))
    ? best
    : undefined;
}

/**
 * The name a misspelt one most likely meant: a candidate it is a prefix of
 * (or that is a prefix of it; `retention` → `retentionDays`, `alarmEmails` →
 * `alarmEmail`), from 4 characters on, else the closest typo.
 */
export function suggestName(
  word: string,
  candidates: readonly string[],
  divisor = 3,
): string | undefined {
  const lower = word.toLowerCase();
  const prefixed = candidates.find(
    (c) =>
      lower.length >= 4 && (c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase())),
  );
  return prefixed ?? closest(word, candidates, divisor);
}
