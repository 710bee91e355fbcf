// A jsonnet lexer, for what sftpgw reads in jsonnet text without running
// jsonnet: imports and std.thisFile (the bundler), the literals of a
// plain-data user file (users add --force), and whether one file's text
// leaves a string, text block, comment or bracket open (error reports).
//
// Why the last: user files are evaluated inlined into one snippet for speed
// (users/evaluate.ts). A string left open in one file runs on into the next
// file, and libjsonnet then reports an error there. Lexing each file on its
// own finds the file that does not close what it opens, in microseconds;
// running libjsonnet on each file alone costs ~25–130 ms a file.
//
// It follows the jsonnet 0.20 lexer (https://jsonnet.org/ref/spec.html,
// "Lexing"): strings with escapes (may span lines), verbatim strings @'…'
// with '' for ', text blocks |||…||| whose end is the first line indented
// less than the first, comments //, # and /* */ (not nested), identifiers,
// numbers, and operator runs. It never decides alone that a file is wrong:
// callers confirm with libjsonnet before naming a file.

export type TokenKind =
  | 'string'
  | 'verbatim'
  | 'textblock'
  | 'ident'
  | 'number'
  | 'punct'
  | 'operator';

export interface Token {
  kind: TokenKind;
  /** Offsets in the source: [start, end). */
  start: number;
  end: number;
}

export interface LexProblem {
  /** Offset where the construct that is not closed (or the stray character) starts. */
  offset: number;
  message: string;
}

export interface Lexed {
  tokens: Token[];
  /** The first lexical error; tokens stop there. */
  error?: LexProblem;
}

const PUNCT = new Set(['{', '}', '[', ']', '(', ')', ',', ';', '.']);
const OPERATOR_CHARS = '!$:~+-&|^=<>*/%';

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

export function lex(src: string): Lexed {
  const tokens: Token[] = [];
  const n = src.length;
  let i = 0;
  const fail = (offset: number, message: string): Lexed => ({ tokens, error: { offset, message } });
  while (i < n) {
    const c = src.charCodeAt(i);
    const ch = src[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#' || (ch === '/' && src[i + 1] === '/')) {
      const e = src.indexOf('\n', i);
      i = e < 0 ? n : e + 1;
      continue;
    }
    if (ch === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      if (e < 0) return fail(i, 'block comment /* is not closed with */');
      i = e + 2;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < n && src[j] !== ch) j += src[j] === '\\' ? 2 : 1;
      if (j >= n) return fail(i, `string starting with ${ch} is not closed`);
      tokens.push({ kind: 'string', start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (ch === '@') {
      const q = src[i + 1];
      if (q !== '"' && q !== "'") return fail(i, '@ must start a verbatim string (@\'…\' or @"…")');
      let j = i + 2;
      for (;;) {
        if (j >= n) return fail(i, `verbatim string starting with @${q} is not closed`);
        if (src[j] === q) {
          if (src[j + 1] === q) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      tokens.push({ kind: 'verbatim', start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (src.startsWith('|||', i)) {
      const end = textBlockEnd(src, i);
      if (typeof end !== 'number') return fail(i, end.message);
      tokens.push({ kind: 'textblock', start: i, end });
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      tokens.push({ kind: 'ident', start: i, end: j });
      i = j;
      continue;
    }
    if (isDigit(c)) {
      const m = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 64));
      const len = m ? m[0].length : 1;
      tokens.push({ kind: 'number', start: i, end: i + len });
      i += len;
      continue;
    }
    if (PUNCT.has(ch)) {
      tokens.push({ kind: 'punct', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (OPERATOR_CHARS.includes(ch)) {
      // Maximal munch, but a comment or text block starts a new token.
      let j = i + 1;
      while (
        j < n &&
        OPERATOR_CHARS.includes(src[j]) &&
        !src.startsWith('//', j) &&
        !src.startsWith('/*', j) &&
        !src.startsWith('|||', j)
      )
        j++;
      tokens.push({ kind: 'operator', start: i, end: j });
      i = j;
      continue;
    }
    return fail(i, `unexpected character ${JSON.stringify(ch)}`);
  }
  return { tokens };
}

/** End offset of the text block starting at `start` (at its |||), or why it is not one. */
function textBlockEnd(src: string, start: number): number | { message: string } {
  const n = src.length;
  let j = start + 3;
  while (src[j] === ' ' || src[j] === '\t') j++;
  if (src[j] === '\r') j++;
  if (src[j] !== '\n') return { message: 'text block ||| must be followed by a new line' };
  j++;
  // Blank lines before the first line belong to the block.
  while (src[j] === '\n' || (src[j] === '\r' && src[j + 1] === '\n')) j += src[j] === '\n' ? 1 : 2;
  let k = j;
  while (src[k] === ' ' || src[k] === '\t') k++;
  const indent = src.slice(j, k);
  if (indent === '') return { message: "text block's first line must be indented" };
  for (;;) {
    if (j >= n) return { message: 'text block ||| is not closed' };
    if (src.startsWith(indent, j)) {
      const e = src.indexOf('\n', j);
      if (e < 0) return { message: 'text block ||| is not closed' };
      j = e + 1;
      continue;
    }
    if (src[j] === '\n') {
      j++;
      continue;
    }
    if (src[j] === '\r' && src[j + 1] === '\n') {
      j += 2;
      continue;
    }
    while (src[j] === ' ' || src[j] === '\t') j++;
    if (src.startsWith('|||', j)) return j + 3;
    return {
      message:
        'text block ||| is not closed (a line indented less than its first line must be the closing |||)',
    };
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '/': '/',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** The value of a string, verbatim or text block token. */
export function stringValue(src: string, t: Token): string {
  const text = src.slice(t.start, t.end);
  if (t.kind === 'string') {
    return text
      .slice(1, -1)
      .replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (_m, e: string) =>
        e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
      );
  }
  if (t.kind === 'verbatim') {
    const q = text[1];
    return text
      .slice(2, -1)
      .split(q + q)
      .join(q);
  }
  if (t.kind === 'textblock') {
    const body = text.slice(text.indexOf('\n') + 1, text.lastIndexOf('\n') + 1);
    const indent = /^[ \t]*/.exec(body.replace(/^\r?\n+/, ''))![0];
    return body
      .split('\n')
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
  }
  throw new Error(`not a string token: ${t.kind}`);
}

const CLOSES: Record<string, string> = { '}': '{', ']': '[', ')': '(' };

/**
 * The first thing in a file's text that is left open or closed without being
 * opened: a string, text block or comment, or a bracket. Undefined when the
 * text closes everything it opens (it may still be wrong jsonnet).
 */
export function unclosedConstruct(src: string): LexProblem | undefined {
  const { tokens, error } = lex(src);
  if (error) return error;
  const open: Token[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    const ch = src[t.start];
    if (ch === '{' || ch === '[' || ch === '(') open.push(t);
    else if (ch in CLOSES) {
      const top = open.pop();
      if (!top || src[top.start] !== CLOSES[ch])
        return {
          offset: t.start,
          message: top
            ? `${ch} closes ${src[top.start]}`
            : `${ch} closes nothing that this file opened`,
        };
    }
  }
  const last = open.pop();
  return last ? { offset: last.start, message: `${src[last.start]} is not closed` } : undefined;
}

/** 1-based line and column of an offset. */
export function lineColumn(src: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
