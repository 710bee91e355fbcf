// Snowflake object names derived from the stack and the usernames, and
// identifiers quoted safely. Snowflake folds unquoted identifiers to upper
// case; a username may hold `@ . -`, which only a double-quoted identifier
// admits. Names are upper-cased so an unquoted reference in a worksheet finds
// the same object; `Acme` and `acme` would then collide, which is refused.
import { invalidInput } from '../errors.js';

/** Snowflake's unquoted identifier (upper case, as it stores them). */
const UNQUOTED = /^[A-Z_][A-Z0-9_$]*$/;
/** Snowflake's longest identifier. */
const MAX_IDENTIFIER = 255;

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

/** The storage integration of a gateway: SFTPGW_<STACK> (stack names are [A-Za-z0-9-]). */
export function integrationName(stackName: string): string {
  return `SFTPGW_${stackName.toUpperCase().replaceAll('-', '_')}`;
}

export interface UserObjects {
  user: string;
  stage: string;
  pipe: string;
}

/** Stage and pipe names per user, refusing two users that fold to the same name. */
export function userObjects(stackName: string, users: readonly string[]): UserObjects[] {
  const base = integrationName(stackName);
  const seen = new Map<string, string>();
  const out: UserObjects[] = [];
  for (const user of users) {
    const name = `${base}_${user.toUpperCase()}`;
    const other = seen.get(name);
    if (other !== undefined)
      throw invalidInput(`users ${other} and ${user} would share Snowflake objects`, [
        {
          field: 'downstream.snowflake.users',
          message: `${other} and ${user} differ only in case; Snowflake names are upper-cased (${name})`,
          hint: 'load only one of them through Snowflake (list the users in downstream.snowflake.users)',
        },
      ]);
    seen.set(name, user);
    out.push({ user, stage: identifier(`${name}_STAGE`), pipe: identifier(`${name}_PIPE`) });
  }
  return out;
}

/**
 * A table or file format name given on the command line: one to three parts
 * (database.schema.name), each bare or double-quoted. Anything else could
 * carry more SQL into the script, so it is refused.
 */
const PART = '(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"\\u0000-\\u001f]|"")+")';
const QUALIFIED = new RegExp(`^${PART}(?:\\.${PART}){0,2}$`);

export function isQualifiedName(text: string): boolean {
  return text.length <= 3 * (MAX_IDENTIFIER + 2) + 2 && QUALIFIED.test(text);
}
