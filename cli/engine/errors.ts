// Typed errors. The engine throws these; only cli/report-error.ts prints them and maps
// their kind to an exit code. A problem always says where (file, line, field)
// and, where we know it, what to do.
import type { Finding } from './validate/finding.js';

export interface Problem {
  /** File the problem is in, relative to the working directory when possible. */
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path of the offending field, e.g. `sshPublicKeys[1]` or `environments.prod.tags`. */
  field?: string;
  message: string;
  /** What to do about it. */
  hint?: string;
  /** The offending line as written in the file (shown under the message, a caret at `column`). */
  excerpt?: string;
}

export type ErrorKind =
  /** The command line itself is wrong (exit 2). */
  | 'usage'
  /** Input files are invalid (exit 1). */
  | 'invalid-input'
  /** The work failed for another reason (exit 1). */
  | 'failed';

export class SftpgwError extends Error {
  readonly kind: ErrorKind;
  readonly problems: Problem[];
  readonly hint?: string;
  /** Validation findings behind the error (printed grouped by resource). */
  readonly findings?: Finding[];

  constructor(
    kind: ErrorKind,
    message: string,
    opts: { problems?: Problem[]; hint?: string; cause?: unknown; findings?: Finding[] } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SftpgwError';
    this.kind = kind;
    this.problems = opts.problems ?? [];
    this.hint = opts.hint;
    this.findings = opts.findings;
  }
}

export function usageError(message: string, hint?: string): SftpgwError {
  return new SftpgwError('usage', message, { hint });
}

export function invalidInput(message: string, problems: Problem[], hint?: string): SftpgwError {
  return new SftpgwError('invalid-input', message, { problems, hint });
}

/** `file:line:col` (the parts that are known). */
export function formatLocation(p: Pick<Problem, 'file' | 'line' | 'column'>): string {
  if (!p.file) return '';
  let s = p.file;
  if (p.line !== undefined) {
    s += `:${p.line}`;
    if (p.column !== undefined) s += `:${p.column}`;
  }
  return s;
}

export function formatProblem(p: Problem): string {
  const where = formatLocation(p);
  const field = p.field ? `${p.field}: ` : '';
  const head = where ? `${where}: ${field}${p.message}` : `${field}${p.message}`;
  const excerpt = p.excerpt === undefined ? '' : `\n${formatExcerpt(p.excerpt, p.line, p.column)}`;
  return p.hint ? `${head}${excerpt}\n    → ${p.hint}` : `${head}${excerpt}`;
}

/** `  12 | the line` and a caret under the column; tabs shown as \t so they can be seen. */
function formatExcerpt(text: string, line: number | undefined, column: number | undefined): string {
  const gutter = line === undefined ? '' : String(line);
  const shown = text.replace(/\t/g, '\\t');
  const out = [`    ${gutter} | ${shown}`];
  if (column !== undefined) {
    // the caret under the same character, counting a tab as the two characters shown
    const before = text.slice(0, column - 1).replace(/\t/g, '\\t');
    out.push(`    ${' '.repeat(gutter.length)} | ${' '.repeat(before.length)}^`);
  }
  return out.join('\n');
}
