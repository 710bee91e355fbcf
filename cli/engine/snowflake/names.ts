// Snowflake object names derived from the stack and the usernames, by ONE
// rule for both: upper-case the text and turn every character other than
// A-Z, 0-9 and _ into _ (a stack name's `-`, a username's `@ . -`). The
// result is an unquoted identifier exactly as Snowflake stores it (it folds
// unquoted names to upper case), so a worksheet finds the object with or
// without quotes. Two users whose names map to the same text (`a-b`, `a.b`,
// `A_B`) would share a stage and a pipe: refused.
// (https://docs.snowflake.com/en/sql-reference/identifiers-syntax)
import { invalidInput, usageError } from '../errors.js';

/** Snowflake's unquoted identifier (upper case, as it stores them). */
const UNQUOTED = /^[A-Z_][A-Z0-9_$]*$/;
/** Snowflake's longest identifier. */
const MAX_IDENTIFIER = 255;

/** The naming rule: upper case, anything but A-Z 0-9 _ becomes _. */
export function normalise(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** `name` as an identifier: bare when Snowflake would store it so, else double-quoted. */
export function identifier(name: string): string {
  if (name.length === 0 || name.length > MAX_IDENTIFIER)
    throw new Error(`identifier of ${name.length} characters (1–${MAX_IDENTIFIER})`);
  return UNQUOTED.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal (quotes and backslashes escaped). */
export function literal(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** The storage integration of a gateway: SFTPGW_<STACK>. */
export function integrationName(stackName: string): string {
  return identifier(`SFTPGW_${normalise(stackName)}`);
}

export interface UserObjects {
  user: string;
  stage: string;
  pipe: string;
}

/** Stage and pipe names per user, refusing two users that map to the same names. */
export function userObjects(stackName: string, users: readonly string[]): UserObjects[] {
  const base = `SFTPGW_${normalise(stackName)}`;
  const seen = new Map<string, string>();
  const out: UserObjects[] = [];
  for (const user of users) {
    const name = `${base}_${normalise(user)}`;
    const other = seen.get(name);
    if (other !== undefined)
      throw invalidInput(`users ${other} and ${user} would share Snowflake objects`, [
        {
          field: 'downstream.snowflake.users',
          message: `${other} and ${user} both become ${name}_STAGE and ${name}_PIPE (names are upper-cased, characters other than A-Z, 0-9 and _ become _)`,
          hint: 'load only one of them through Snowflake (list the users in downstream.snowflake.users)',
        },
      ]);
    seen.set(name, user);
    out.push({ user, stage: identifier(`${name}_STAGE`), pipe: identifier(`${name}_PIPE`) });
  }
  return out;
}

/**
 * A name given on the command line: one to `parts` parts
 * (database.schema.name), each bare or double-quoted. Anything else could
 * carry more SQL into the script, so it is refused.
 */
const PART = '(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"\\u0000-\\u001f]|"")+")';

export function isQualifiedName(text: string, parts = 3): boolean {
  return (
    text.length <= parts * (MAX_IDENTIFIER + 2) + parts - 1 &&
    new RegExp(`^${PART}(?:\\.${PART}){0,${parts - 1}}$`).test(text)
  );
}

/** Refuses a flag's value that is not a name of at most `parts` parts (exit 2, naming the flag). */
export function checkName(flag: string, value: string | undefined, parts: 1 | 3): void {
  if (value === undefined || isQualifiedName(value, parts)) return;
  throw usageError(
    `${flag} ${JSON.stringify(value)} is not a Snowflake ${parts === 1 ? 'identifier' : 'object name'}`,
    parts === 1
      ? 'give one name (letters, digits, _ and $, not starting with a digit); quote it with "" when it holds other characters'
      : 'give NAME, SCHEMA.NAME or DB.SCHEMA.NAME; quote a part with "" when it holds other characters',
  );
}
