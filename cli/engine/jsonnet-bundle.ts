// Inlines every file a jsonnet program imports into one snippet.
//
// Why: libjsonnet re-desugars its standard library for every distinct file it
// evaluates, ~25 ms and ~3.5 MB each on these machines. The gateway template
// imports 11 libsonnet files, so each evaluation paid ~300 ms before doing
// any work; bundled, the same template evaluates in ~50 ms with identical
// output. Each imported file becomes a top-level local
//   local __sftpgw_import_3 = (<file text, its own imports rewritten>), …;
// so `$` inside it still means that file's outermost object, and every file
// is inlined once however often it is imported. Imports resolve as libjsonnet
// resolves them: beside the importing file, then each jpath folder in order.
// `std.thisFile` is replaced by the original file name. A line map turns
// locations in the bundle back into file:line for error messages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonnetEngine, JsonnetOptions } from '../adapters/jsonnet.js';
import { lex, stringValue, type Token as LexToken } from './jsonnet-lex.js';

export interface BundleSegment {
  file: string;
  /** First line of the file's text in the bundle (1-based). */
  start: number;
  lines: number;
}

export interface Bundle {
  code: string;
  /** Name to evaluate the bundle under (the main file's path). */
  filename: string;
  segments: BundleSegment[];
  /** Files inlined, in order. */
  files: string[];
}

export class BundleError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

type Token =
  | {
      kind: 'import';
      keyword: 'import' | 'importstr' | 'importbin';
      target: string;
      start: number;
      end: number;
      line: number;
    }
  | { kind: 'thisFile'; start: number; end: number };

/** Import expressions and std.thisFile in jsonnet source (not those in comments or strings). */
export function scanImports(src: string): Token[] {
  const { tokens: lexed } = lex(src);
  const tokens: Token[] = [];
  const text = (t: LexToken | undefined) => (t ? src.slice(t.start, t.end) : '');
  let line = 1;
  let counted = 0;
  const lineAt = (pos: number) => {
    for (let i = src.indexOf('\n', counted); i >= 0 && i < pos; i = src.indexOf('\n', i + 1))
      line++;
    counted = pos;
    return line;
  };
  for (let i = 0; i < lexed.length; i++) {
    const t = lexed[i];
    if (t.kind !== 'ident') continue;
    const word = text(t);
    if (
      (word === 'import' || word === 'importstr' || word === 'importbin') &&
      text(lexed[i - 1]) !== '.'
    ) {
      const s = lexed[i + 1];
      if (s && (s.kind === 'string' || s.kind === 'verbatim' || s.kind === 'textblock')) {
        tokens.push({
          kind: 'import',
          keyword: word,
          target: stringValue(src, s),
          start: t.start,
          end: s.end,
          line: lineAt(t.start),
        });
        i++;
      }
    } else if (word === 'std' && text(lexed[i + 1]) === '.' && text(lexed[i + 2]) === 'thisFile') {
      tokens.push({ kind: 'thisFile', start: t.start, end: lexed[i + 2].end });
      i += 2;
    }
  }
  return tokens;
}

export interface BundleOptions {
  jpath: string[];
  readFile?: (file: string) => string | undefined;
}

const defaultRead = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Bundles `mainText` (the text of `mainPath`, which need not exist on disk:
 * generated snippets pass a name in the folder their imports resolve from).
 */
export function bundle(mainText: string, mainPath: string, opts: BundleOptions): Bundle {
  const read = opts.readFile ?? defaultRead;
  const names = new Map<string, string>(); // absolute path -> local name
  const rewritten = new Map<string, string>(); // absolute path -> rewritten text
  const order: string[] = [];

  const resolve = (from: string, target: string, line: number): string => {
    const candidates = path.isAbsolute(target)
      ? [target]
      : [
          path.resolve(path.dirname(from), target),
          ...opts.jpath.map((d) => path.resolve(d, target)),
        ];
    for (const c of candidates) if (read(c) !== undefined) return c;
    throw new BundleError(
      from,
      line,
      `couldn't open import "${target}": no match locally or in the Jsonnet library paths (${opts.jpath.join(', ')})`,
    );
  };

  const rewrite = (text: string, file: string): string => {
    const tokens = scanImports(text);
    let out = '';
    let last = 0;
    for (const t of tokens) {
      out += text.slice(last, t.start);
      if (t.kind === 'thisFile') out += JSON.stringify(file);
      else {
        const target = resolve(file, t.target, t.line);
        const content = read(target)!;
        if (t.keyword === 'importstr') out += JSON.stringify(content);
        else if (t.keyword === 'importbin')
          out += JSON.stringify([...Buffer.from(content, 'latin1')]);
        else out += visit(target);
      }
      last = t.end;
    }
    return out + text.slice(last);
  };

  const visit = (file: string): string => {
    let name = names.get(file);
    if (name) return name;
    name = `__sftpgw_import_${names.size}`;
    names.set(file, name);
    rewritten.set(file, rewrite(read(file)!, file));
    order.push(file);
    return name;
  };

  const main = rewrite(mainText, mainPath);
  const parts: string[] = [];
  const segments: BundleSegment[] = [];
  let line = 1;
  if (order.length > 0) {
    parts.push('local');
    line += 1;
    order.forEach((file, idx) => {
      const text = rewritten.get(file)!.replace(/\n$/, '');
      parts.push(`${names.get(file)} = (`);
      line += 1;
      const lines = text.split('\n').length;
      parts.push(text);
      segments.push({ file, start: line, lines });
      line += lines;
      parts.push(idx === order.length - 1 ? ');' : '),');
      line += 1;
    });
  }
  parts.push(main);
  segments.push({ file: mainPath, start: line, lines: main.split('\n').length });
  return { code: parts.join('\n'), filename: mainPath, segments, files: order };
}

/** Maps a bundle line back to the file and line it came from. */
export function mapBundleLine(b: Bundle, line: number): { file: string; line: number } | undefined {
  for (const s of b.segments)
    if (line >= s.start && line < s.start + s.lines)
      return { file: s.file, line: line - s.start + 1 };
  return undefined;
}

/**
 * Rewrites `bundle:L:C` and `bundle:(L:C)-(L:C)` locations in jsonnet error
 * text to the original files (or with `map`, to whatever it says).
 */
export function mapBundleError(
  b: Bundle,
  text: string,
  map: (line: number) => { file: string; line: number } | undefined = (line) =>
    mapBundleLine(b, line),
): string {
  const esc = b.filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const to = (m: string, l: string, c: string) => {
    const at = map(Number(l));
    return at ? `${at.file}:${at.line}:${c}` : m;
  };
  return text
    .replace(
      new RegExp(`${esc}:\\((\\d+):(\\d+)\\)-\\((\\d+):(\\d+)\\)`, 'g'),
      (m, l: string, c: string) => to(m, l, c),
    )
    .replace(new RegExp(`${esc}:(\\d+):(\\d+)(-\\d+)?`, 'g'), (m, l: string, c: string) =>
      to(m, l, c),
    );
}

/** Evaluates a bundle; a failure's text names the original files and lines. */
export function evaluateBundle(
  jsonnet: JsonnetEngine,
  b: Bundle,
  opts: JsonnetOptions,
): Promise<string> {
  return jsonnet.evaluateSnippet(b.code, b.filename, opts).catch((e: Error) => {
    throw new Error(mapBundleError(b, String(e?.message ?? e)));
  });
}
