// Evaluates all user files with few jsonnet evaluations instead of one import
// per file.
//
// Why: libjsonnet re-desugars its standard library for every distinct file it
// imports (~3.5 MB, ~18 ms each), so a main file importing 1,000 user files
// takes 22.7 s and 3.8 GB, and 10,000 run out of memory (docs/benchmarks.md). Here
// the user files' text is inlined into a few generated snippets ("chunks"),
// each a single object { "<username>": (<file text>), … }, evaluated
// concurrently (libjsonnet runs on the libuv pool). The snippet is evaluated
// as if it were a file in the users folder, so a user file's relative imports
// resolve exactly as they would on their own.
//
// Errors still name the user's own file and line. A string, text block,
// comment or bracket one file leaves open runs on into the next file, and
// libjsonnet then reports an error there; so on a lex or parse error every
// file of the chunk is lexed on its own (jsonnet-lex.ts, microseconds a
// file), and the files that leave something open are evaluated alone to
// report libjsonnet's own message and line:column for them. Otherwise a line
// table maps snippet lines back to files, and the file the error points into
// is re-evaluated on its own to get libjsonnet's exact message for it.
//
// A file written as plain data (one literal object, the usual user file) is
// read without jsonnet (plain-data.ts): the same value, without libjsonnet's
// cost per file and per chunk.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { invalidInput, SftpgwError, type Problem } from '../errors.js';
import { displayPath } from '../paths.js';
import { parseJsonnetError } from '../jsonnet-errors.js';
import { unclosedConstruct } from '../jsonnet-lex.js';
import { bundle, BundleError, evaluateBundle, type Bundle } from '../jsonnet-bundle.js';
import { looksLikePrivateKey } from './keys.js';
import { readPlainData } from './plain-data.js';
import type { UserFile } from './discover.js';
import { count } from '../plural.js';

/** Users per chunk below which splitting is not worth another stdlib load. */
const MIN_CHUNK = 256;
/** libuv's default pool has 4 threads; more chunks only queue. */
export const MAX_CHUNKS = 4;

interface Span {
  file: UserFile;
  text: string;
  start: number;
  lines: number;
}

interface Chunk {
  code: string;
  filename: string;
  /** The chunk with the files its users import inlined (null when bundling failed). */
  bundled?: Bundle;
  bundleError?: BundleError;
  /** Per user: its text, the first snippet line of it (1-based) and its line count. */
  spans: Span[];
}

export function chunkCount(users: number): number {
  return Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(users / MIN_CHUNK)));
}

function makeChunk(files: { file: UserFile; text: string }[], dir: string, index: number): Chunk {
  const parts: string[] = ['{'];
  const spans: Chunk['spans'] = [];
  let line = 2; // next line number of the snippet
  for (const { file, text } of files) {
    parts.push(`${JSON.stringify(file.name)}: (`);
    line += 1;
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const lines = body.split('\n').length;
    parts.push(body);
    spans.push({ file, text, start: line, lines });
    line += lines;
    parts.push('),');
    line += 1;
  }
  parts.push('}');
  return {
    code: parts.join('\n'),
    filename: path.join(dir, `.sftpgw-users-${index}.jsonnet`),
    spans,
  };
}

export interface UserEvaluation {
  values: Map<string, unknown>;
  /** Source text of each user file, to point problems at a line. */
  texts: Map<string, string>;
}

export async function evaluateUserFiles(
  files: UserFile[],
  dir: string,
  jsonnet: JsonnetEngine,
  jpath: string[],
): Promise<UserEvaluation> {
  // Synchronous on purpose: fs.promises.readFile is four thread-pool round
  // trips a file (153 ms for 1,000 small files here, ~10 ms like this).
  const texts = files.map((file) => {
    if (file.text !== undefined) return { file, text: file.text };
    try {
      return { file, text: readFileSync(file.path, 'utf8') };
    } catch (err) {
      throw new SftpgwError('failed', `cannot read ${file.shown}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  });

  // Refuse private key material before jsonnet sees it: its parse errors may
  // quote the offending token.
  const secretProblems: Problem[] = texts
    .filter(({ text }) => looksLikePrivateKey(text))
    .map(({ file }) => ({
      file: file.shown,
      message: 'contains a PRIVATE key (not shown)',
      hint: 'put only public keys (the .pub file) in user files; treat the private key as exposed and have its owner make a new one — it may already be in Git history',
    }));
  if (secretProblems.length > 0)
    throw invalidInput('user files contain private keys', secretProblems);

  // Plain-data files are read here (plain-data.ts); only the others go to jsonnet.
  const plain = new Map<string, unknown>();
  const rest: typeof texts = [];
  for (const t of texts) {
    const v = readPlainData(t.text);
    if (v === undefined) rest.push(t);
    else plain.set(t.file.name, v);
  }
  const n = rest.length === 0 ? 0 : chunkCount(rest.length);
  const size = Math.ceil(rest.length / Math.max(n, 1));
  const chunks: Chunk[] = [];
  for (let i = 0; i < n; i++) chunks.push(makeChunk(rest.slice(i * size, (i + 1) * size), dir, i));

  for (const c of chunks) {
    try {
      c.bundled = bundle(c.code, c.filename, { jpath });
    } catch (err) {
      if (!(err instanceof BundleError)) throw err;
      c.bundleError = err;
    }
  }
  const results = await Promise.allSettled(
    chunks.map((c) => {
      if (c.bundleError) return Promise.reject(c.bundleError);
      // Locations in the chunk come back as chunk lines (the chunk is the
      // bundle's main file), which explainChunkError maps to user files.
      return evaluateBundle(jsonnet, c.bundled!, { jpath });
    }),
  );
  const evaluated = new Map<string, unknown>();
  const problems: Problem[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const r = results[i];
    const chunk = chunks[i];
    if (r.status === 'rejected') {
      problems.push(
        ...(await explainChunkError(
          String((r.reason as Error)?.message ?? r.reason),
          chunk,
          jsonnet,
          jpath,
        )),
      );
      continue;
    }
    const obj = JSON.parse(r.value) as Record<string, unknown>;
    const expected = new Set(chunk.spans.map((s) => s.file.name));
    for (const [name, value] of Object.entries(obj)) {
      if (!expected.has(name)) {
        // Only a user file whose text closes its own parenthesis can add a
        // field to the generated object; it cannot parse on its own.
        const culprit =
          (await filesNotParsingAlone(chunk, jsonnet, jpath))[0]?.file ??
          (await findUnparsable(chunk, jsonnet, jpath));
        problems.push({
          file: culprit,
          message: `defines an extra user "${name}" by breaking out of its own object`,
          hint: 'a user file holds exactly one jsonnet expression: { sshPublicKeys: [...] }',
        });
      } else evaluated.set(name, value);
    }
  }
  if (problems.length > 0)
    throw invalidInput(`${count(problems.length, 'user file')} could not be evaluated`, problems);
  // In file order, however each was read.
  const values = new Map<string, unknown>();
  for (const { file } of texts) {
    const name = file.name;
    if (plain.has(name)) values.set(name, plain.get(name));
    else if (evaluated.has(name)) values.set(name, evaluated.get(name));
  }
  return { values, texts: new Map(texts.map(({ file, text }) => [file.name, text])) };
}

/** Maps a chunk's error to the user files it comes from, with their own messages. */
async function explainChunkError(
  text: string,
  chunk: Chunk,
  jsonnet: JsonnetEngine,
  jpath: string[],
): Promise<Problem[]> {
  const parsed = parseJsonnetError(text);
  // A lex or parse error may have started in an earlier file than the one it
  // is reported in: find the files that do not parse on their own first.
  if (chunk.bundleError || parsed.kind === 'static') {
    const alone = await filesNotParsingAlone(chunk, jsonnet, jpath);
    if (alone.length > 0) return alone;
  }
  if (chunk.bundleError) {
    const e = chunk.bundleError;
    if (e.file === chunk.filename) {
      const span = chunk.spans.find((s) => e.line >= s.start && e.line < s.start + s.lines);
      if (span)
        return [
          {
            file: span.file.shown,
            line: e.line - span.start + 1,
            message: e.message,
            hint: hintFor(e.message),
          },
        ];
    }
    return [
      { file: e.file, line: e.line || undefined, message: e.message, hint: hintFor(e.message) },
    ];
  }
  const inChunk = parsed.locations.filter(
    (l) => l.file === chunk.filename || path.resolve(l.file) === chunk.filename,
  );
  for (const loc of inChunk) {
    const span =
      chunk.spans.find((s) => loc.line >= s.start && loc.line < s.start + s.lines) ??
      // A parse error is often reported on the line after a file (its closing paren).
      chunk.spans.find((s) => loc.line === s.start + s.lines);
    if (!span) continue;
    const own = await errorAlone(span, jsonnet, jpath);
    if (own) return [own];
    // The file is fine alone, so the problem shows only in combination: report
    // the mapped location.
    return [
      {
        file: span.file.shown,
        line: loc.line - span.start + 1,
        column: loc.column,
        message: parsed.message,
      },
    ];
  }
  // Not in a user file (e.g. a helper it imports): report the engine's text
  // with the helper's own location.
  const other = parsed.locations.find((l) => !inChunk.includes(l));
  return [{ file: other?.file, line: other?.line, column: other?.column, message: parsed.message }];
}

/** Files evaluated alone when looking for the ones that do not parse: enough to name every culprit of a bad commit. */
const MAX_SUSPECTS = 20;

/**
 * The chunk's files that do not parse on their own, each with libjsonnet's
 * message and line:column for it alone. Suspects are the files whose text
 * leaves something open (lexed, cheap); only they are evaluated.
 */
async function filesNotParsingAlone(
  chunk: Chunk,
  jsonnet: JsonnetEngine,
  jpath: string[],
): Promise<(Problem & { file: string })[]> {
  // The helpers the users import are inlined too: a string left open in one runs on as well.
  const helpers = (chunk.bundled?.files ?? []).map((file) => ({
    file: { name: '', path: file, shown: shownLike(chunk.spans[0]?.file, file) },
    text: readText(file),
    start: 0,
    lines: 0,
  }));
  const suspects = [...chunk.spans, ...helpers]
    .filter((s) => unclosedConstruct(s.text) !== undefined)
    .slice(0, MAX_SUSPECTS);
  const found = await Promise.all(suspects.map((s) => errorAlone(s, jsonnet, jpath, 'static')));
  return found.filter((p): p is Problem & { file: string } => p !== undefined);
}

/** libjsonnet's error for one user file evaluated on its own (optionally only a static one), or undefined. */
async function errorAlone(
  span: Span,
  jsonnet: JsonnetEngine,
  jpath: string[],
  only?: 'static',
): Promise<(Problem & { file: string }) | undefined> {
  try {
    // The text, not the file: users add checks a file before it is written.
    await jsonnet.evaluateSnippet(span.text, span.file.path, { jpath });
    return undefined;
  } catch (err) {
    const own = parseJsonnetError(String((err as Error).message));
    if (only && own.kind !== only) return undefined;
    const loc = own.locations.find((l) => path.resolve(l.file) === span.file.path);
    return {
      file: span.file.shown,
      line: loc?.line,
      column: loc?.column,
      message: own.message,
      hint: hintFor(own.message),
    };
  }
}

/** A helper's path shown the way the user files are (relative to the same folder). */
function shownLike(user: UserFile | undefined, file: string): string {
  if (!user || path.isAbsolute(user.shown)) return displayPath(file);
  return path.join(path.dirname(user.shown), path.relative(path.dirname(user.path), file));
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function findUnparsable(
  chunk: Chunk,
  jsonnet: JsonnetEngine,
  jpath: string[],
): Promise<string | undefined> {
  for (const span of chunk.spans)
    if (await errorAlone(span, jsonnet, jpath)) return span.file.shown;
  return undefined;
}

function hintFor(message: string): string | undefined {
  if (/couldn't open import|no match locally or in the Jsonnet library paths/i.test(message)) {
    return 'imports resolve beside the user file, then in libsonnet/; check the path';
  }
  if (/Unexpected end of file|expected .* but got|unexpected/i.test(message)) {
    return "the file must hold one jsonnet object, e.g. { sshPublicKeys: ['ssh-ed25519 AAAA… user@host'] }";
  }
  return undefined;
}
