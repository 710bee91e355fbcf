// Evaluates all user files with few jsonnet evaluations instead of one import
// per file.
//
// Why: libjsonnet re-desugars its standard library for every distinct file it
// imports (~3.5 MB, ~18 ms each), so a main file importing 1,000 user files
// takes 22.7 s and 3.8 GB, and 10,000 run out of memory (DESIGN.md §6). Here
// the user files' text is inlined into a few generated snippets ("chunks"),
// each a single object { "<username>": (<file text>), … }, evaluated
// concurrently (libjsonnet runs on the libuv pool). The snippet is evaluated
// as if it were a file in the users folder, so a user file's relative imports
// resolve exactly as they would on their own.
//
// Errors still name the user's own file and line: a line table maps snippet
// lines back to files, and the file the error points into is re-evaluated on
// its own to get libjsonnet's exact message for it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { invalidInput, SftpgwError, type Problem } from '../errors.js';
import { parseJsonnetError } from '../jsonnet-errors.js';
import { bundle, BundleError, evaluateBundle, type Bundle } from '../jsonnet-bundle.js';
import { looksLikePrivateKey } from './keys.js';
import type { UserFile } from './discover.js';

/** Users per chunk below which splitting is not worth another stdlib load. */
const MIN_CHUNK = 256;
/** libuv's default pool has 4 threads; more chunks only queue. */
export const MAX_CHUNKS = 4;

interface Chunk {
  code: string;
  filename: string;
  /** The chunk with the files its users import inlined (null when bundling failed). */
  bundled?: Bundle;
  bundleError?: BundleError;
  /** Per user: first snippet line of the file's text (1-based) and its line count. */
  spans: { file: UserFile; start: number; lines: number }[];
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
    spans.push({ file, start: line, lines });
    line += lines;
    parts.push('),');
    line += 1;
  }
  parts.push('}');
  return { code: parts.join('\n'), filename: path.join(dir, `.sftpgw-users-${index}.jsonnet`), spans };
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
    try {
      return { file, text: readFileSync(file.path, 'utf8') };
    } catch (err) {
      throw new SftpgwError('failed', `cannot read ${file.shown}: ${(err as Error).message}`, { cause: err });
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
  if (secretProblems.length > 0) throw invalidInput('user files contain private keys', secretProblems);

  const n = chunkCount(texts.length);
  const size = Math.ceil(texts.length / n);
  const chunks: Chunk[] = [];
  for (let i = 0; i < n; i++) chunks.push(makeChunk(texts.slice(i * size, (i + 1) * size), dir, i));

  for (const c of chunks) {
    try {
      c.bundled = bundle(c.code, c.filename, { jpath });
    } catch (err) {
      if (!(err instanceof BundleError)) throw err;
      c.bundleError = err;
    }
  }
  const results = await Promise.allSettled(chunks.map((c) => {
    if (c.bundleError) return Promise.reject(c.bundleError);
    // Locations in the chunk come back as chunk lines (the chunk is the
    // bundle's main file), which explainChunkError maps to user files.
    return evaluateBundle(jsonnet, c.bundled!, { jpath });
  }));
  const values = new Map<string, unknown>();
  const problems: Problem[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const r = results[i];
    const chunk = chunks[i];
    if (r.status === 'rejected') {
      problems.push(await explainChunkError(String((r.reason as Error)?.message ?? r.reason), chunk, jsonnet, jpath));
      continue;
    }
    const obj = JSON.parse(r.value) as Record<string, unknown>;
    const expected = new Set(chunk.spans.map((s) => s.file.name));
    for (const [name, value] of Object.entries(obj)) {
      if (!expected.has(name)) {
        // Only a user file whose text closes its own parenthesis can add a
        // field to the generated object; it cannot parse on its own.
        const culprit = await findUnparsable(chunk, jsonnet, jpath);
        problems.push({ file: culprit?.shown, message: `defines an extra user "${name}" by breaking out of its own object`, hint: 'a user file holds exactly one jsonnet expression: { sshPublicKeys: [...] }' });
      } else values.set(name, value);
    }
  }
  if (problems.length > 0) throw invalidInput(`${problems.length} user file${problems.length === 1 ? '' : 's'} could not be evaluated`, problems);
  return { values, texts: new Map(texts.map(({ file, text }) => [file.name, text])) };
}

/** Maps a chunk's error to the user file it comes from, with that file's own message. */
async function explainChunkError(text: string, chunk: Chunk, jsonnet: JsonnetEngine, jpath: string[]): Promise<Problem> {
  if (chunk.bundleError) {
    const e = chunk.bundleError;
    if (e.file === chunk.filename) {
      const span = chunk.spans.find((s) => e.line >= s.start && e.line < s.start + s.lines);
      if (span) return { file: span.file.shown, line: e.line - span.start + 1, message: e.message, hint: hintFor(e.message) };
    }
    return { file: e.file, line: e.line || undefined, message: e.message, hint: hintFor(e.message) };
  }
  const parsed = parseJsonnetError(text);
  const inChunk = parsed.locations.filter((l) => l.file === chunk.filename || path.resolve(l.file) === chunk.filename);
  for (const loc of inChunk) {
    const span = chunk.spans.find((s) => loc.line >= s.start && loc.line < s.start + s.lines)
      // A parse error is often reported on the line after a file (its closing paren).
      ?? chunk.spans.find((s) => loc.line === s.start + s.lines);
    if (!span) continue;
    try {
      await jsonnet.evaluateFile(span.file.path, { jpath });
    } catch (err) {
      const own = parseJsonnetError(String((err as Error).message));
      const ownLoc = own.locations.find((l) => path.resolve(l.file) === span.file.path);
      return { file: span.file.shown, line: ownLoc?.line, column: ownLoc?.column, message: own.message, hint: hintFor(own.message) };
    }
    // The file is fine alone, so the problem shows only in combination: report
    // the mapped location.
    return { file: span.file.shown, line: loc.line - span.start + 1, column: loc.column, message: parsed.message };
  }
  // Not in a user file (e.g. a helper it imports): report the engine's text
  // with the helper's own location.
  const other = parsed.locations.find((l) => !inChunk.includes(l));
  return { file: other?.file, line: other?.line, column: other?.column, message: parsed.message };
}

async function findUnparsable(chunk: Chunk, jsonnet: JsonnetEngine, jpath: string[]): Promise<UserFile | undefined> {
  for (const { file } of chunk.spans) {
    try {
      await jsonnet.evaluateFile(file.path, { jpath });
    } catch {
      return file;
    }
  }
  return undefined;
}

function hintFor(message: string): string | undefined {
  if (/couldn't open import|no match locally or in the Jsonnet library paths/i.test(message)) {
    return 'imports resolve beside the user file, then in libsonnet/; check the path';
  }
  if (/Unexpected end of file|expected .* but got|unexpected/i.test(message)) {
    return 'the file must hold one jsonnet object, e.g. { sshPublicKeys: [\'ssh-ed25519 AAAA… user@host\'] }';
  }
  return undefined;
}
