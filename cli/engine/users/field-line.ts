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
