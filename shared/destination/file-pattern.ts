// FilePattern: an RE2 regular expression that must match the WHOLE file name.
//
// Why RE2 (re2js, a pure-JavaScript port that bundles into the function):
// a JavaScript RegExp backtracks, so `([A-Za-z0-9]+[-_]?)+\.csv` never returns
// on a 46-character name that does not match, and a synchronous match cannot
// be interrupted by any deadline: the function hangs to its timeout on every
// retry. RE2 matches in time linear in the name's length for any pattern; the
// price is RE2's syntax (no backreferences, no lookahead or lookbehind).
//
// Why RE2's own full match (matches()) and not a wrapper like `^(?:…)$`: a
// pattern such as `never)|(?:xyz` closes the wrapper's group and turns the
// anchors into alternatives. RE2 anchors both ends itself, and that pattern is
// simply invalid (an unbalanced parenthesis).
//
// Problems never quote the pattern: a secret (or a pasted private key) in the
// wrong field must not reach a log line or an error.
import { RE2JS, RE2JSException } from 're2js';

export interface FilePattern {
  /** True when the pattern matches the whole file name. */
  matches(fileName: string): boolean;
}

export type CompiledPattern = { ok: true; pattern: FilePattern } | { ok: false; problem: string };

// re2js's syntax errors, by their fixed description; anything else is reported
// without detail (a description is never interpolated with the pattern, but we
// print only what we know).
const DESCRIPTIONS = new Set([
  'invalid character class range',
  'invalid escape sequence',
  'invalid named capture',
  'invalid or unsupported Perl syntax',
  'invalid nested repetition operator',
  'invalid repeat count',
  'missing closing ]',
  'missing closing )',
  'missing argument to repetition operator',
  'trailing backslash at end of expression',
  'duplicate capture group name',
  'unexpected )',
  'expression nests too deeply',
  'expression too large',
]);

/** What the JavaScript syntax the pattern probably used is, in RE2 terms. */
function hint(source: string): string | undefined {
  if (/\(\?<?[=!]/.test(source)) return 'lookahead and lookbehind are not supported by RE2';
  if (/\\[1-9]|\\k</.test(source)) return 'backreferences are not supported by RE2';
  if (/\\u[0-9A-Fa-f{]/.test(source)) return 'write a code point as \\x{…}, not \\u…';
  if (/\\Z/.test(source)) return 'use $ or \\z for the end of the name';
  return undefined;
}

export function compileFilePattern(source: string): CompiledPattern {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    // Any failure (not only RE2JSException) is the pattern's: never a crash.
    const description =
      err instanceof RE2JSException
        ? (err as { getDescription?: () => string }).getDescription?.()
        : undefined;
    const detail = [
      description && DESCRIPTIONS.has(description) ? description : undefined,
      hint(source),
    ]
      .filter(Boolean)
      .join('; ');
    return { ok: false, problem: `not a valid RE2 pattern${detail ? ` (${detail})` : ''}` };
  }
  return { ok: true, pattern: { matches: (name: string) => re.matches(name) } };
}
