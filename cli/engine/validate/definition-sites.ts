// Where a resource's logical id is defined in the jsonnet that renders the
// gateway, for findings on resources the libraries (or a gateway
// repository's own templates) make. Evaluated jsonnet keeps no source
// positions, so this reads the text: every string literal, and every field
// name, of the files the gateway is rendered from (comments skipped by
// ../jsonnet-lex.ts), and finds the one that spells the id:
//
//   exact     'IngestTopic' in an ids table, 'GatewayBucket' given to
//             bucket.new, `AuditRole: {...}` in templates/gateway.jsonnet
//   prefixed  ids made by appending data to a literal: 'AlarmEmail' + the
//             address's hash, 'ServerAddress' + 1, 'GatewayBucket' +
//             'Policy' (the id's own part is where that bucket is made)
//
// An id spelled in several places (AlarmTopic: alarms.topic's default,
// gateway.libsonnet's call, outbound's own ids) is placed in the file that
// also spells the resource's Type (the file that builds it), then in
// sftpgw's own files before the repository's (a repository that patches a
// shipped resource by its id spells it too). Still spelled in two files: no
// place, rather than a wrong one.
import { readFileSync } from 'node:fs';
import { lex, stringValue } from '../jsonnet-lex.js';

export interface DefinitionFile {
  /** Absolute path, read when the first finding needs it. */
  file: string;
  /** How findings show it (relative to the working directory when inside it). */
  shown: string;
  /** sftpgw's own file, or one of the gateway repository (its templates/, its libsonnet/). */
  origin: 'shipped' | 'repository';
}

export interface DefinitionSite {
  file: string;
  line: number;
}

interface Spelling {
  value: string;
  line: number;
}

interface Scanned {
  def: DefinitionFile;
  spellings: Spelling[];
  values: Set<string>;
}

interface Place {
  scanned: Scanned;
  line: number;
}

/** Logical ids are alphanumeric; a prefix worth matching starts with a capital. */
const ID_PART = /^[A-Z][A-Za-z0-9]*$/;
/** What data appends to a prefix: a number, or a lower-case hash (std.md5). */
const DATA_SUFFIX = /^[0-9a-f]+$/;

export type DefinitionLookup = (id: string, type: string | undefined) => DefinitionSite | undefined;

export function definitionSites(files: readonly DefinitionFile[]): DefinitionLookup {
  let places: Map<string, Place[]> | undefined;
  const cache = new Map<string, DefinitionSite | undefined>();
  return (id, type) => {
    const key = `${id}\0${type ?? ''}`;
    if (!cache.has(key)) {
      places ??= index(files.flatMap((f) => scan(f) ?? []));
      cache.set(key, lookup(places, id, type));
    }
    return cache.get(key);
  };
}

/** Every spelled value -> where it is spelled, in file order. */
function index(scanned: Scanned[]): Map<string, Place[]> {
  const out = new Map<string, Place[]>();
  for (const s of scanned)
    for (const { value, line } of s.spellings) {
      const at = out.get(value);
      if (at) at.push({ scanned: s, line });
      else out.set(value, [{ scanned: s, line }]);
    }
  return out;
}

function lookup(
  places: Map<string, Place[]>,
  id: string,
  type: string | undefined,
): DefinitionSite | undefined {
  let found = places.get(id) ?? [];
  // Else the longest literal the id starts with whose remainder is data or
  // another literal ('Policy', 'Alias').
  for (let k = id.length - 1; found.length === 0 && k > 1; k--) {
    const prefix = id.slice(0, k);
    const rest = id.slice(k);
    if (
      places.has(prefix) &&
      ID_PART.test(prefix) &&
      (DATA_SUFFIX.test(rest) || (ID_PART.test(rest) && places.has(rest)))
    )
      found = places.get(prefix)!;
  }
  if (found.length === 0) return undefined;
  found = narrow(found, (p) => type !== undefined && p.scanned.values.has(type));
  found = narrow(found, (p) => p.scanned.def.origin === 'shipped');
  if (new Set(found.map((p) => p.scanned)).size !== 1) return undefined;
  return { file: found[0].scanned.def.shown, line: found[0].line };
}

/** The candidates that pass, or all of them when none does. */
function narrow<T>(xs: T[], keep: (x: T) => boolean): T[] {
  const kept = xs.filter(keep);
  return kept.length > 0 ? kept : xs;
}

/** Every string literal and field name of a file, with its line; none for a file that cannot be read or lexed. */
function scan(def: DefinitionFile): Scanned | undefined {
  let src: string;
  try {
    src = readFileSync(def.file, 'utf8');
  } catch {
    return undefined;
  }
  const { tokens } = lex(src);
  const spellings: Spelling[] = [];
  // Tokens come in order: count lines as they pass.
  let line = 1;
  let counted = 0;
  const lineOf = (offset: number) => {
    for (let j = src.indexOf('\n', counted); j >= 0 && j < offset; j = src.indexOf('\n', j + 1)) {
      line++;
      counted = j + 1;
    }
    return line;
  };
  for (const [i, t] of tokens.entries()) {
    let value: string | undefined;
    if (t.kind === 'string' || t.kind === 'verbatim') value = stringValue(src, t);
    else if (t.kind === 'ident') {
      // A field name: `AuditRole: {`, `AuditRole+:`, `AuditRole::`.
      const next = tokens[i + 1];
      if (next?.kind === 'operator' && /^\+?:{1,3}$/.test(src.slice(next.start, next.end)))
        value = src.slice(t.start, t.end);
    }
    if (value !== undefined) spellings.push({ value, line: lineOf(t.start) });
  }
  return { def, spellings, values: new Set(spellings.map((s) => s.value)) };
}
