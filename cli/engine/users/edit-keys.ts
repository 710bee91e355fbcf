// users add --force: a user's keys replaced in the text of its file, and
// nothing else touched. Only a file that is plain data (the format sftpgw
// writes: one object of literals; comments and layout anywhere) is edited,
// and only the text of its sshPublicKeys array changes. A file that computes
// its value (local, import, a helper's function, +, self, …) is never
// rewritten: writing its value back as literals would drop the helper, its
// imports and every comment.
import { lex, lineColumn, stringValue, type Token } from '../jsonnet-lex.js';
import type { UserKey } from './spec.js';

/** A jsonnet single-quoted string. */
export const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A key as sftpgw writes it: its line, or { key: '<line>', expires: 'YYYY-MM-DD' } when it has an expiry. */
export function keyText(key: string | UserKey): string {
  if (typeof key === 'string') return quote(key);
  if (key.expires === undefined) return quote(key.line);
  return `{ key: ${quote(key.line)}, expires: ${quote(key.expires)} }`;
}

/** Key list lines as sftpgw writes them, at `indent` (the line of the field). */
export function keyListText(
  keys: readonly (string | UserKey)[],
  indent: string,
  oneLine = false,
): string {
  if (oneLine) return `[${keys.map(keyText).join(', ')}]`;
  return ['[', ...keys.map((k) => `${indent}  ${keyText(k)},`), `${indent}]`].join('\n');
}

export type KeyEdit = { ok: true; text: string } | { ok: false; reason: string; line?: number };

class NotPlain extends Error {
  constructor(
    readonly token: Token | undefined,
    what: string,
  ) {
    super(what);
  }
}

interface Field {
  name: string;
  key: Token;
  /** Token index range of the value: [first, last]. */
  first: number;
  last: number;
}

/** Parses a plain-data jsonnet value starting at token `i`; returns the index after it. */
function parseValue(src: string, tokens: Token[], i: number, fields?: Field[]): number {
  const t = tokens[i];
  const text = t ? src.slice(t.start, t.end) : '';
  if (!t) throw new NotPlain(undefined, 'it ends early');
  if (t.kind === 'string' || t.kind === 'verbatim' || t.kind === 'textblock' || t.kind === 'number')
    return i + 1;
  if (t.kind === 'ident' && (text === 'true' || text === 'false' || text === 'null')) return i + 1;
  if (t.kind === 'operator' && text === '-' && tokens[i + 1]?.kind === 'number') return i + 2;
  if (text === '[') {
    let j = i + 1;
    while (src.slice(tokens[j]?.start, tokens[j]?.end) !== ']') {
      j = parseValue(src, tokens, j);
      const sep = tokens[j] && src.slice(tokens[j].start, tokens[j].end);
      if (sep === ',') j++;
      else if (sep !== ']')
        throw new NotPlain(tokens[j], `it has ${describe(src, tokens[j])} in a list`);
    }
    return j + 1;
  }
  if (text === '{') {
    let j = i + 1;
    const seen = new Set<string>();
    while (src.slice(tokens[j]?.start, tokens[j]?.end) !== '}') {
      const key = tokens[j];
      if (!key || !(key.kind === 'ident' || key.kind === 'string' || key.kind === 'verbatim'))
        throw new NotPlain(key, `it has ${describe(src, key)} where a field name belongs`);
      const name = key.kind === 'ident' ? src.slice(key.start, key.end) : stringValue(src, key);
      const colon = tokens[j + 1];
      // `::` (hidden), `+:` (merge) and `name(…)` (a method) compute; a plain field is `name: value`.
      if (!colon || src.slice(colon.start, colon.end) !== ':')
        throw new NotPlain(
          colon ?? key,
          `its field ${name} is ${describe(src, colon)}, not "${name}: value"`,
        );
      if (seen.has(name)) throw new NotPlain(key, `it sets ${name} twice`);
      seen.add(name);
      const end = parseValue(src, tokens, j + 2);
      fields?.push({ name, key, first: j + 2, last: end - 1 });
      j = end;
      const sep = tokens[j] && src.slice(tokens[j].start, tokens[j].end);
      if (sep === ',') j++;
      else if (sep !== '}')
        throw new NotPlain(tokens[j], `it has ${describe(src, tokens[j])} after field ${name}`);
    }
    return j + 1;
  }
  throw new NotPlain(t, `it computes its value (${describe(src, t)})`);
}

function describe(src: string, t: Token | undefined): string {
  if (!t) return 'the end of the file';
  const text = src.slice(t.start, t.end);
  return t.kind === 'ident' || t.kind === 'operator' || t.kind === 'punct'
    ? `"${text}" at line ${lineColumn(src, t.start).line}`
    : `a ${t.kind} at line ${lineColumn(src, t.start).line}`;
}

/** First line of the text holding something that looks like a public key (base64 of a key blob). */
function keyLine(src: string): number | undefined {
  const m = /AAAA[A-Za-z0-9+/]{16,}/.exec(src);
  return m ? lineColumn(src, m.index).line : undefined;
}

/** The outermost object's fields of a plain-data user file, or why it is not plain data. */
function plainFields(
  src: string,
):
  | { ok: true; tokens: Token[]; fields: Field[] }
  | { ok: false; reason: string; line?: number; token?: Token } {
  const { tokens, error } = lex(src);
  if (error)
    return {
      ok: false,
      reason: `it is not valid jsonnet (${error.message})`,
      line: lineColumn(src, error.offset).line,
    };
  const fields: Field[] = [];
  try {
    if (tokens.length === 0 || src.slice(tokens[0].start, tokens[0].end) !== '{')
      throw new NotPlain(tokens[0], `it computes its value (${describe(src, tokens[0])})`);
    const end = parseValue(src, tokens, 0, fields);
    if (end !== tokens.length)
      throw new NotPlain(
        tokens[end],
        `it continues after its object (${describe(src, tokens[end])})`,
      );
  } catch (err) {
    if (!(err instanceof NotPlain)) throw err;
    return { ok: false, reason: err.message, token: err.token };
  }
  // `fields` holds the outermost object's fields only (nested values are parsed without it).
  return { ok: true, tokens, fields };
}

/**
 * The text of a user file with its sshPublicKeys list replaced by `keys`, or
 * why the file is not plain data (then it must be edited by hand).
 */
export function replaceKeyList(src: string, keys: readonly (string | UserKey)[]): KeyEdit {
  const parsed = plainFields(src);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, line: parsed.line ?? keyLine(src) };
  const { tokens, fields } = parsed;
  const field = fields.find(
    (f) =>
      f.name === 'sshPublicKeys' && src.slice(tokens[f.first].start, tokens[f.first].end) === '[',
  );
  if (!field) return { ok: false, reason: 'it has no sshPublicKeys list', line: keyLine(src) };
  const open = tokens[field.first];
  const close = tokens[field.last];
  const lineStart = src.lastIndexOf('\n', field.key.start) + 1;
  const indent = /^[ \t]*/.exec(src.slice(lineStart))![0];
  const oneLine = !src.slice(open.start, close.end).includes('\n');
  return {
    ok: true,
    text: src.slice(0, open.start) + keyListText(keys, indent, oneLine) + src.slice(close.end),
  };
}

/**
 * The text of a plain-data user file with the top-level field `name` set to
 * the jsonnet literal `value`: its value replaced where the file has the
 * field, else a line added after the last field, in the file's layout (its
 * indent; one line stays one line; a comment ending the last field's line
 * stays on that line). Nothing else changes.
 */
export function setTopField(src: string, name: string, value: string): KeyEdit {
  const parsed = plainFields(src);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, line: parsed.line };
  const { tokens, fields } = parsed;
  const existing = fields.find((f) => f.name === name);
  if (existing) {
    const first = tokens[existing.first];
    const last = tokens[existing.last];
    return { ok: true, text: src.slice(0, first.start) + value + src.slice(last.end) };
  }
  const close = tokens[tokens.length - 1];
  const last = fields.at(-1);
  if (!last) {
    // `{}` or `{ }`: the field goes inside.
    return {
      ok: true,
      text: `${src.slice(0, close.start)}${name}: ${value}${src.slice(close.start)}`,
    };
  }
  const afterValue = tokens[last.last + 1];
  const comma = afterValue && src.slice(afterValue.start, afterValue.end) === ',';
  let at = comma ? afterValue.end : tokens[last.last].end;
  const oneLine = !src.slice(tokens[0].start, close.end).includes('\n');
  if (oneLine)
    return {
      ok: true,
      text: `${src.slice(0, at)}${comma ? ' ' : ', '}${name}: ${value}${comma ? ',' : ''}${src.slice(at)}`,
    };
  const lineStart = src.lastIndexOf('\n', last.key.start) + 1;
  const indent = /^[ \t]*/.exec(src.slice(lineStart))![0];
  // A comment closing the last field's line stays with that field (after its comma).
  const eol = src.indexOf('\n', at);
  if (
    comma &&
    eol >= 0 &&
    eol < close.start &&
    /^[ \t]*((\/\/|#)[^\n]*)?$/.test(src.slice(at, eol))
  )
    at = eol;
  return {
    ok: true,
    text: `${src.slice(0, at)}${comma ? '' : ','}\n${indent}${name}: ${value}${comma ? ',' : ''}${src.slice(at)}`,
  };
}
