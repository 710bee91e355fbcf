// Counts in messages: "1 user", "2 users", "0 entries". Every count sftpgw
// prints goes through here, so none says "1 users".

/** `n` and the noun in the number that fits: count(1, 'user') → "1 user"; count(2, 'entry', 'entries') → "2 entries". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
