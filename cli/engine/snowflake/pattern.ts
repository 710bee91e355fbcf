// The PATTERN of every pipe: the ingest layout (<yyyy-mm-dd>/<upload-id>/<file>
// under the stage's ingest/<user>/), minus temporary upload names.
//
// Which regex dialect: Snowflake documents POSIX ERE (plus Perl's \d \s \w
// classes) for its regular expressions
// (https://docs.snowflake.com/en/sql-reference/functions-regexp); COPY INTO's
// PATTERN (https://docs.snowflake.com/en/sql-reference/sql/copy-into-table)
// names no other. POSIX ERE has no lookahead, so "not ending in .tmp" is
// spelled out as a union of what may come last. The pattern uses only what
// POSIX ERE, RE2 and JavaScript read alike (groups, bracket classes, {m,n},
// ?, *, +, |, ^, $; no backslash, no empty alternative), so it means the
// same whichever of them evaluates it; test/downstream/snowflake-pattern.test.ts runs
// it through GNU grep -E, test/downstream/snowflake-pattern.unit.test.ts through re2js
// and JavaScript.
//
// Anchored at both ends and led by an optional `(.*/)?`, it matches both the
// path relative to the stage (what Snowpipe applies a pipe's pattern to) and
// the full path of a bulk COPY.

/** Suffixes of names a client writes while it uploads (WinSCP .filepart, others .part, .tmp, ~). */
export const TEMPORARY_SUFFIXES = ['.filepart', '.part', '.tmp', '~'] as const;

/** Any character of a path segment. */
const CHAR = '[^/]';

/** One character, either case, as a bracket class ('.' literally). */
function letter(c: string): string {
  if (c === '.') return '[.]';
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return lo === up ? `[${c}]` : `[${lo}${up}]`;
}

/** A bracket class of every segment character but these (either case). */
function notOneOf(chars: string): string {
  const set = new Set<string>();
  for (const c of chars) {
    set.add(c.toLowerCase());
    set.add(c.toUpperCase());
  }
  // '.' and '~' need no escaping inside brackets; '/' is excluded always.
  return `[^/${[...set].join('')}]`;
}

/**
 * Segment text that does not end with `suffix` (case-insensitive): shorter
 * than it, or differing from it at some position i of its last |suffix|
 * characters (equal before i).
 */
function notEndingWith(suffix: string): string {
  const k = suffix.length;
  const alternatives = [`${CHAR}{0,${k - 1}}`];
  for (let i = 0; i < k; i++) {
    const same = [...suffix.slice(0, i)].map(letter).join('');
    const rest = k - i - 1;
    alternatives.push(
      `${CHAR}*${same}${notOneOf(suffix[i]!)}${rest > 0 ? `${CHAR}{${rest}}` : ''}`,
    );
  }
  return `(${alternatives.join('|')})`;
}

/**
 * A file name (one segment, at least one character) that ends in none of
 * TEMPORARY_SUFFIXES, case-insensitively. By its last character:
 *   not ~, p or t                          → fine;
 *   p: what precedes is not ".tm"          → not .tmp;
 *   t: what precedes is not "par"          → not .part, not .filepart; or
 *      it ends "part" and what precedes is
 *      not "." and not ".file"             → e.g. report-part, mypart.
 */
export function fileNamePattern(): string {
  const part = [...'part'].map(letter).join('');
  return `(${[
    `${CHAR}*${notOneOf('~pt')}`,
    `${notEndingWith('.tm')}${letter('p')}`,
    `${notEndingWith('par')}${letter('t')}`,
    `((${CHAR}*${notOneOf('.e')})|(${notEndingWith('.fil')}${letter('e')}))?${part}`,
  ].join('|')})`;
}

/** The ingest layout below a user's stage: <yyyy-mm-dd>/<upload-id>/<file>. */
export function ingestPattern(): string {
  return `^(.*/)?[0-9]{4}-[0-9]{2}-[0-9]{2}/${CHAR}+/${fileNamePattern()}$`;
}
