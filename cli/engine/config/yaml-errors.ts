// YAML syntax errors in sftpgw.yaml, explained. The yaml parser's messages
// name its grammar ("Implicit keys need to be on a single line"), not the
// mistake, and anything left open (a quote, a `[`) is reported where the
// parser gave up: often the line after the mistake, or one past the end of
// the file. Each error the parser knows is turned into what is wrong, at the
// line and column where the mistake is (the opening quote, the mis-indented
// key), with that line shown.
import {
  isCollection,
  isPair,
  isScalar,
  visit,
  type Document,
  type LineCounter,
  type Node,
  type YAMLError,
} from 'yaml';
import type { Problem } from '../errors.js';

interface Source {
  text: string;
  lines: string[];
  counter: LineCounter;
  file: string;
  doc: Document;
}

/** One problem per line with a syntax error (a mistake makes the parser report several on one line). */
export function yamlSyntaxProblems(
  text: string,
  doc: Document,
  counter: LineCounter,
  file: string,
): Problem[] {
  const src: Source = { text, lines: text.split(/\r?\n/), counter, file, doc };
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const p = explain(e, src);
    if (!problems.some((q) => q.line === p.line)) problems.push(p);
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** An alias (`*name`) with no anchor (`&name`) before it; the parser leaves it for toJS to throw. */
export function unresolvedAliasProblem(
  text: string,
  doc: Document,
  counter: LineCounter,
  file: string,
): Problem | undefined {
  const src: Source = { text, lines: text.split(/\r?\n/), counter, file, doc };
  let found: Problem | undefined;
  visit(doc, {
    Alias(_k, node) {
      if (found || node.resolve(doc) !== undefined) return;
      found = problemAt(
        src,
        node.range?.[0] ?? 0,
        `*${node.source} names no anchor: there is no &${node.source} before it`,
        `define &${node.source} on the value to reuse (above this line), or write the value here`,
      );
    },
  });
  return found;
}

function explain(e: YAMLError, src: Source): Problem {
  const [start, end] = e.pos;
  const first = e.message.split('\n')[0];
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return problemAt(
        src,
        start,
        'a tab indents this line; YAML indents with spaces only',
        'replace the tab with spaces (two per level, like the rest of the file)',
      );
    case 'DUPLICATE_KEY':
      return duplicateKey(src, start);
    case 'MULTIPLE_DOCS':
      return problemAt(
        src,
        start,
        'a --- line starts a second YAML document; sftpgw.yaml is one document',
        'remove the --- line (environments go under environments:, in the same document)',
      );
    case 'MISSING_CHAR':
      if (/quote/.test(first)) return unclosedQuote(src, start);
      return keyRunsOn(src, start, end);
    case 'BAD_INDENT':
      if (/^Flow (sequence|map)/.test(first))
        return unclosedFlow(src, start, first.includes('sequence') ? '[' : '{');
      return misalignedKey(src, start);
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return keyRunsOn(src, start, end);
    default:
      return problemAt(
        src,
        start,
        `${first.replace(/\.$/, '')} (YAML syntax)`,
        'see https://yaml.org/spec/1.2.2/ or compare with the commented example sftpgw.yaml',
      );
  }
}

/** A problem at an offset, clamped to the last line with text (the parser reports unclosed things one past the end). */
function problemAt(
  src: Source,
  offset: number,
  message: string,
  hint?: string,
  field?: string,
): Problem {
  const lastText = src.text.replace(/\s+$/, '').length;
  const at = Math.max(0, Math.min(offset, Math.max(lastText - 1, 0)));
  const { line, col } = src.counter.linePos(at);
  return {
    file: src.file,
    line,
    column: col,
    ...(field ? { field } : {}),
    message,
    hint,
    excerpt: src.lines[line - 1] ?? '',
  };
}

/** The dotted key path of a node, from the pairs above it. */
function fieldOf(path: readonly unknown[]): string | undefined {
  const keys = path.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : '?'));
  return keys.length ? keys.join('.') : undefined;
}

function unclosedQuote(src: Source, errorAt: number): Problem {
  let node: Node | undefined;
  let field: string | undefined;
  visit(src.doc, {
    Scalar(_k, s, path) {
      if (
        !node &&
        (s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE') &&
        s.range?.[1] === errorAt
      ) {
        node = s;
        field = fieldOf(path);
      }
    },
  });
  const quote = (node as { type?: string } | undefined)?.type === 'QUOTE_SINGLE' ? "'" : '"';
  const start = node?.range?.[0] ?? errorAt;
  const toEnd = src.text.slice(errorAt).trim() === '';
  return problemAt(
    src,
    start,
    `the ${quote} opened here is never closed${toEnd && field ? `: everything after it, to the end of the file, became the value of ${field}` : ''}`,
    `end the value with ${quote} on the same line${quote === '"' ? ' (write \\" for a quote inside it)' : " (write '' for a quote inside it)"}`,
    field,
  );
}

function unclosedFlow(src: Source, errorAt: number, open: '[' | '{'): Problem {
  const close = open === '[' ? ']' : '}';
  // The flow collection the parser closed at the error, else the last one opened before it.
  let best: Node | undefined;
  let field: string | undefined;
  visit(src.doc, {
    Node(_k, n, path) {
      if (!isCollection(n) || !n.flow || !n.range || n.range[0] >= errorAt) return;
      if (
        !best ||
        n.range[1] === errorAt ||
        (best.range![1] !== errorAt && n.range[0] > best.range![0])
      ) {
        best = n;
        field = fieldOf(path);
      }
    },
  });
  return problemAt(
    src,
    best?.range?.[0] ?? errorAt,
    `the ${open} opened here is never closed`,
    `close it with ${close} on the same line, or write the ${open === '[' ? 'list as "- item" lines' : 'map as "key: value" lines'} below the key`,
    field,
  );
}

function duplicateKey(src: Source, at: number): Problem {
  let message = 'this key is written twice in the same map';
  let field: string | undefined;
  visit(src.doc, {
    Map(_k, map, path) {
      const dup = map.items.find((p) => isScalar(p.key) && p.key.range?.[0] === at);
      if (!dup || !isScalar(dup.key)) return;
      const name = String(dup.key.value);
      const earlier = map.items.find(
        (p) => p !== dup && isScalar(p.key) && String(p.key.value) === name,
      );
      const earlierLine =
        earlier && isScalar(earlier.key) && earlier.key.range
          ? src.counter.linePos(earlier.key.range[0]).line
          : undefined;
      message = `${name} is written twice in the same map${earlierLine ? ` (first on line ${earlierLine})` : ''}`;
      const parent = fieldOf([...path, map]);
      field = parent ? `${parent}.${name}` : name;
    },
  });
  return problemAt(src, at, message, 'keep one of them: the keys of one map must be unique', field);
}

const indentOf = (line: string) => /^ */.exec(line)![0].length;
const isContent = (line: string | undefined) =>
  line !== undefined && line.trim() !== '' && !line.trim().startsWith('#');

/** The nearest line above `line` (1-based) with something on it. */
function contentAbove(src: Source, line: number): number | undefined {
  for (let n = line - 1; n >= 1; n--) if (isContent(src.lines[n - 1])) return n;
  return undefined;
}

function misalignedKey(src: Source, at: number): Problem {
  const { line } = src.counter.linePos(at);
  const text = src.lines[line - 1] ?? '';
  const above = contentAbove(src, line);
  const want = above === undefined ? 0 : indentOf(src.lines[above - 1]);
  const have = indentOf(text);
  const what = text.trimStart().startsWith('- ') ? 'list item' : 'key';
  return problemAtLine(
    src,
    line,
    have + 1,
    `this ${what} is indented ${have} space${have === 1 ? '' : 's'}, the ${what} above it ${want}: the ${what}s of one ${what === 'key' ? 'map' : 'list'} must start in the same column`,
    `indent it by ${want} spaces like the line above (or like the ${what}s of the ${what === 'key' ? 'map' : 'list'} it belongs to)`,
  );
}

/**
 * The parser read a key that runs over several lines. Either a line is
 * indented under a key that already has a value (`domain: x` then a deeper
 * `hostedZoneId: …`), or a line has no `key: value` colon and ran into the
 * next one.
 */
function keyRunsOn(src: Source, start: number, end: number): Problem {
  const { line, col } = src.counter.linePos(start);
  const text = src.lines[line - 1] ?? '';
  const before = text.slice(0, col - 1);
  const owner = /^\s*(?:- )?([^\s#:][^#:]*?):\s+$/.exec(before);
  if (owner && text.slice(col - 1).trim() !== '') {
    const next = contentBelow(src, line, src.counter.linePos(Math.max(end - 1, start)).line);
    if (next !== undefined) {
      const key = owner[1].trim();
      return problemAtLine(
        src,
        next,
        indentOf(src.lines[next - 1]) + 1,
        `this line is indented under ${key} (line ${line}), which already has a value: a key holds a value or nested keys, not both`,
        `indent it like ${key} (${indentOf(text)} spaces) if it is a key of its own, or remove the value after "${key}:" to nest keys under it`,
      );
    }
  }
  if (text.trimStart().startsWith('- ')) return misalignedKey(src, start);
  const noSpace = /^\s*[^\s:#]+:[^\s]/.exec(text);
  return problemAtLine(
    src,
    line,
    indentOf(text) + 1,
    noSpace
      ? 'a colon here has no space after it, so this is not a "key: value" line and YAML runs it into the next line'
      : 'this line has no "key: value" colon, so YAML runs it into the next line',
    noSpace
      ? 'put a space after the colon (key: value)'
      : 'write key: value (a colon and a space), or indent the line under the key it continues',
  );
}

function contentBelow(src: Source, line: number, last: number): number | undefined {
  for (let n = line + 1; n <= Math.max(last, line + 1); n++)
    if (isContent(src.lines[n - 1])) return n;
  return undefined;
}

function problemAtLine(
  src: Source,
  line: number,
  column: number,
  message: string,
  hint: string,
): Problem {
  return { file: src.file, line, column, message, hint, excerpt: src.lines[line - 1] ?? '' };
}
