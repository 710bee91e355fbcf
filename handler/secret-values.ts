// The secret values one invocation knows (a destination's private key,
// passphrase, password, and whatever a malformed secret held where a secret
// may hide), and their removal from text. Redaction works on plain strings —
// each string of a log record before it is serialized, each message before it
// is thrown — never on serialized JSON: in a JSON line a secret may appear
// escaped (a `"` becomes `\"`), and replacing inside the line breaks it when
// the secret looks like JSON (a password `{"time":"`) or like a common token
// (`info`, `2026`), which would rewrite the line's structure.
//
// Every length counts: a 2-character password is replaced like a long one.
// A secret equal to an ordinary word therefore redacts that word wherever it
// appears in a value; that costs readability, never structure or secrecy.
import { redactPrivateKeys } from '../shared/redact.js';

// The replacement must not itself contain a secret (a password "red" or "e"):
// the first of these that contains none is used; '' always qualifies.
const MARKERS = ['[redacted]', '[REDACTED]', '<redacted>', '***', '#', ''];

// PEM/OpenSSH body lines of at least this length are secrets on their own: a
// single line of a private key in an error message is key material.
const MIN_FRAGMENT = 16;

/** The forms in which a secret value can turn up in text. */
export function secretForms(value: string): string[] {
  const forms = [value];
  // As it appears inside a JSON text (an error that quotes the secret string).
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) forms.push(escaped);
  if (/[\r\n]/.test(value)) {
    const lines = value
      .split(/\r?\n|\r/)
      .map((l) => l.trim())
      .filter((l) => l.length >= MIN_FRAGMENT && !l.startsWith('-----'));
    forms.push(...lines);
    const body = lines.join('');
    if (body.length >= MIN_FRAGMENT) forms.push(body);
  }
  return forms;
}

export class SecretValues {
  /** Longest first: a short secret inside a long one must not leave the rest. */
  private values: string[] = [];
  private marker = MARKERS[0];

  /** Adds values (and their derived forms); empty strings are ignored. */
  add(values: Iterable<string>): void {
    const set = new Set(this.values);
    for (const v of values)
      if (typeof v === 'string' && v !== '') for (const f of secretForms(v)) set.add(f);
    this.values = [...set].sort((a, b) => b.length - a.length);
    this.marker = MARKERS.find((m) => !this.values.some((v) => m.includes(v))) ?? '';
  }

  get size(): number {
    return this.values.length;
  }

  /** True when any known secret occurs in the text. */
  occursIn(text: string): boolean {
    return this.values.some((v) => text.includes(v));
  }

  /** The text with private-key material and every known secret replaced. */
  redact(text: string): string {
    let out = redactPrivateKeys(text);
    if (this.values.length === 0) return out;
    // Replacing can join the text around a marker into a new occurrence
    // (secrets made of marker characters); repeat, and drop the marker
    // altogether if that does not settle. Removing strictly shortens the text,
    // so the last loop ends.
    for (let pass = 0; pass < 4 && this.occursIn(out); pass++) {
      for (const v of this.values) if (out.includes(v)) out = out.split(v).join(this.marker);
    }
    while (this.occursIn(out)) for (const v of this.values) out = out.split(v).join('');
    return out;
  }
}
