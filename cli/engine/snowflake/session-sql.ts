// What every post-deploy script starts with: the database and schema the
// stages and pipes live in (flags, or placeholders Snowflake refuses to run),
// and, with --role, the grants that role needs and the switch to it, so the
// objects are owned by it.
import { INGEST_PREFIX } from '../downstream/users.js';
import type { Script } from './script.js';

export const DATABASE_PLACEHOLDER = '<database>';
export const SCHEMA_PLACEHOLDER = '<schema>';
export const TABLE_PLACEHOLDER = '<target_table>';
export const FILE_FORMAT_PLACEHOLDER = '<file_format_options>';

export interface Session {
  /** Checked names (or undefined for the placeholders). */
  database?: string;
  schema?: string;
  /** The role that owns the stages and pipes; undefined: the admin's current role. */
  role?: string;
}

export function ingestUrl(bucket: string, user: string): string {
  return `s3://${bucket}/${INGEST_PREFIX}${user}/`;
}

/**
 * Comment lines naming the placeholders left in a script. `table` and
 * `fileFormat`: the checked name, undefined (the placeholder is used) or
 * null (the script does not use it).
 */
export function placeholderLines(
  s: Session,
  table: string | undefined | null,
  fileFormat: string | undefined | null,
): string[] {
  const lines: string[] = [];
  if (!s.database)
    lines.push(
      `  ${DATABASE_PLACEHOLDER}: the database of the stages and pipes (or --database NAME)`,
    );
  if (!s.schema) lines.push(`  ${SCHEMA_PLACEHOLDER}: their schema (or --schema NAME)`);
  if (table === undefined)
    lines.push(`  ${TABLE_PLACEHOLDER}: the table each pipe loads into (or --table NAME)`);
  if (fileFormat === undefined)
    lines.push(`  ${FILE_FORMAT_PLACEHOLDER}: the format of the files (or --file-format NAME)`);
  if (lines.length === 0) return [];
  return [
    '',
    'Placeholders to replace before running (Snowflake refuses them as written):',
    ...lines,
  ];
}

/** USE DATABASE and USE SCHEMA, then (with a role) USE ROLE: the objects' place and owner. */
export function useSession(script: Script, s: Session, grants?: (role: string) => void): void {
  script.statement(`USE DATABASE ${s.database ?? DATABASE_PLACEHOLDER}`);
  script.statement(`USE SCHEMA ${s.schema ?? SCHEMA_PLACEHOLDER}`);
  if (s.role) {
    grants?.(s.role);
    script.statement(`USE ROLE ${s.role}`);
  }
}
