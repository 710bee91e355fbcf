// Where a field is written in a user file, for messages that point at its line.

/**
 * The line where a top-level field is written, when the file spells it out
 * (values come from jsonnet, so this is a search of the text, not a map).
 */
export function fieldLine(text: string | undefined, field: string): number | undefined {
  if (!text) return undefined;
  const name = field.replace(/[.[].*$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|[\\s{,])['"]?${name}['"]?\\s*\\+?:`);
  const i = text.split('\n').findIndex((l) => re.test(l));
  return i < 0 ? undefined : i + 1;
}

/**
 * The line of a user file holding a key: where its base64 part is written
 * (one line however the entry is laid out; `occurrence` > 0 for a key written
 * again, a duplicate), else the sshPublicKeys field's.
 */
export function keyEntryLine(
  text: string | undefined,
  keyLine: string,
  occurrence = 0,
): number | undefined {
  if (!text) return undefined;
  const blob = keyLine.trim().split(/\s+/)[1];
  let at = -1;
  if (blob && blob.length >= 16)
    for (let n = 0; n <= occurrence; n++) {
      const next = text.indexOf(blob, at + 1);
      if (next < 0) break;
      at = next;
    }
  if (at < 0) return fieldLine(text, 'sshPublicKeys');
  return text.slice(0, at).split('\n').length;
}

/**
 * The line of `sshPublicKeys[i]…` in a user file whose evaluated value is
 * `value`: the line its key text is on, when the file writes it out.
 */
export function keyFieldLine(
  text: string | undefined,
  value: unknown,
  field: string,
): number | undefined {
  const m = /^sshPublicKeys\[(\d+)\]/.exec(field);
  const keys = (value as { sshPublicKeys?: unknown } | undefined)?.sshPublicKeys;
  if (!m || !Array.isArray(keys)) return fieldLine(text, field);
  const lineOf = (k: unknown) =>
    typeof k === 'string'
      ? k
      : typeof (k as { key?: unknown } | null)?.key === 'string'
        ? (k as { key: string }).key
        : undefined;
  const i = Number(m[1]);
  const line = lineOf(keys[i]);
  if (line === undefined) return fieldLine(text, field);
  const blob = line.trim().split(/\s+/)[1];
  const earlier = keys.slice(0, i).filter((k) => lineOf(k)?.trim().split(/\s+/)[1] === blob).length;
  return keyEntryLine(text, line, earlier);
}
