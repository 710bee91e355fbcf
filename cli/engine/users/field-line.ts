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
 * (one line however the entry is laid out), else the sshPublicKeys field's.
 */
export function keyEntryLine(text: string | undefined, keyLine: string): number | undefined {
  if (!text) return undefined;
  const blob = keyLine.trim().split(/\s+/)[1];
  const at = blob ? text.indexOf(blob) : -1;
  if (at < 0) return fieldLine(text, 'sshPublicKeys');
  return text.slice(0, at).split('\n').length;
}
