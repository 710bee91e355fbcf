// Reads a user file written as plain data without running jsonnet.
//
// Why: almost every user file is one literal object ({ sshPublicKeys: [...],
// homeDirectory: '...' }). libjsonnet spends ~70 µs a file on those (plus
// ~25 ms of standard library per chunk): 0.7 s of CPU at 10,000 users, and
// four jsonnet evaluations at 1,000. Reading the literal here takes a few
// microseconds and gives the value jsonnet gives.
//
// Only a strict subset is read: objects with identifier or quoted field
// names and a single `:`, arrays, strings without escapes or line breaks,
// true, false, null, small non-negative integers, comments and trailing
// commas. Anything else (an import, a local, `+:`, `::`, an escape, a
// duplicate field, a keyword as a field name, a non-ASCII field name…) makes
// readPlainData return undefined and the file goes to jsonnet, which also
// gives every error its message and line. Fields come out sorted, as
// jsonnet's output orders them.

/** Not a value: the text is not in the plain-data subset. */
const NOT_PLAIN = Symbol('not plain');

/** Words libjsonnet refuses as an unquoted field name. */
const KEYWORDS = new Set([
  'assert',
  'else',
  'error',
  'false',
  'for',
  'function',
  'if',
  'import',
  'importstr',
  'importbin',
  'in',
  'local',
  'null',
  'tailstrict',
  'then',
  'self',
  'super',
  'true',
]);

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

/** The value of a plain-data jsonnet text, or undefined when jsonnet must evaluate it. */
export function readPlainData(src: string): unknown {
  const n = src.length;
  let i = 0;

  /** Skips white space and comments; false on a block comment left open. */
  const skip = (): boolean => {
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === 32 || c === 10 || c === 9 || c === 13) i++;
      else if (c === 35 || (c === 47 && src.charCodeAt(i + 1) === 47)) {
        const e = src.indexOf('\n', i);
        i = e < 0 ? n : e + 1;
      } else if (c === 47 && src.charCodeAt(i + 1) === 42) {
        const e = src.indexOf('*/', i + 2);
        if (e < 0) return false;
        i = e + 2;
      } else break;
    }
    return true;
  };

  const string = (): string | typeof NOT_PLAIN => {
    const q = src.charCodeAt(i);
    const start = i + 1;
    for (let j = start; j < n; j++) {
      const c = src.charCodeAt(j);
      if (c === q) {
        i = j + 1;
        return src.slice(start, j);
      }
      if (c === 92 || c === 10 || c === 13) return NOT_PLAIN;
    }
    return NOT_PLAIN;
  };

  const value = (depth: number): unknown => {
    if (depth > 32 || !skip() || i >= n) return NOT_PLAIN;
    const c = src.charCodeAt(i);
    if (c === 39 || c === 34) return string();
    if (c === 123) return object(depth);
    if (c === 91) return array(depth);
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      i = j;
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      return NOT_PLAIN;
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      // 0, or no leading zero; at most 15 digits (exact as a double); not a
      // fraction, exponent or identifier-like run.
      const next = src.charCodeAt(j);
      if ((c === 48 && j > i + 1) || j - i > 15 || next === 46 || isIdentPart(next))
        return NOT_PLAIN;
      const v = Number(src.slice(i, j));
      i = j;
      return v;
    }
    return NOT_PLAIN;
  };

  /** After an element: `,` (then maybe the closer) or the closer. True when the closer was read. */
  const afterElement = (closer: number): boolean | typeof NOT_PLAIN => {
    if (!skip()) return NOT_PLAIN;
    const c = src.charCodeAt(i);
    if (c === closer) {
      i++;
      return true;
    }
    if (c !== 44) return NOT_PLAIN;
    i++;
    if (!skip()) return NOT_PLAIN;
    if (src.charCodeAt(i) === closer) {
      i++;
      return true;
    }
    return false;
  };

  const array = (depth: number): unknown => {
    i++; // [
    const out: unknown[] = [];
    if (!skip()) return NOT_PLAIN;
    if (src.charCodeAt(i) === 93) {
      i++;
      return out;
    }
    for (;;) {
      const v = value(depth + 1);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out.push(v);
      const done = afterElement(93);
      if (done === NOT_PLAIN) return NOT_PLAIN;
      if (done) return out;
    }
  };

  const object = (depth: number): unknown => {
    i++; // {
    const fields: [string, unknown][] = [];
    const seen = new Set<string>();
    if (!skip()) return NOT_PLAIN;
    if (src.charCodeAt(i) !== 125) {
      for (;;) {
        if (!skip()) return NOT_PLAIN;
        const c = src.charCodeAt(i);
        let name: string | typeof NOT_PLAIN;
        if (c === 39 || c === 34) name = string();
        else if (isIdentStart(c)) {
          let j = i + 1;
          while (j < n && isIdentPart(src.charCodeAt(j))) j++;
          name = src.slice(i, j);
          i = j;
          if (KEYWORDS.has(name)) return NOT_PLAIN;
        } else return NOT_PLAIN;
        // ASCII names only (jsonnet sorts by code point, JS by UTF-16 unit);
        // __proto__ would not be an own property when assigned.
        if (name === NOT_PLAIN || !/^[\x20-\x7e]*$/.test(name) || name === '__proto__')
          return NOT_PLAIN;
        if (seen.has(name)) return NOT_PLAIN;
        seen.add(name);
        if (!skip()) return NOT_PLAIN;
        // Exactly ':' — not '::' (hidden), ':::' nor '+:'.
        if (src.charCodeAt(i) !== 58 || src.charCodeAt(i + 1) === 58) return NOT_PLAIN;
        i++;
        const v = value(depth + 1);
        if (v === NOT_PLAIN) return NOT_PLAIN;
        fields.push([name, v]);
        const done = afterElement(125);
        if (done === NOT_PLAIN) return NOT_PLAIN;
        if (done) break;
      }
    } else i++;
    fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: Record<string, unknown> = {};
    for (const [k, v] of fields) out[k] = v;
    return out;
  };

  const v = value(0);
  if (v === NOT_PLAIN || !skip() || i !== n) return undefined;
  return v;
}
