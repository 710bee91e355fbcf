// CloudFormation logical ids for users. Logical ids are alphanumeric; usernames
// may also hold _ @ . -. A name that had to change gets 6 hex digits of the
// hash of the original, so "a.b" and "ab" stay distinct. Usernames that differ
// only in case are refused as duplicates, so capitalising the first letter is
// unambiguous. The id depends on the username alone: adding or removing a
// user never renames another.
import { createHash } from 'node:crypto';

export function userLogicalId(username: string): string {
  const alnum = username.replace(/[^A-Za-z0-9]/g, '');
  const base = 'User' + alnum.charAt(0).toUpperCase() + alnum.slice(1);
  return alnum === username
    ? base
    : base + createHash('sha256').update(username).digest('hex').slice(0, 6);
}
