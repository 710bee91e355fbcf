// After the pipes exist: what shows a pipe that fails (--check) and what
// loads what a pipe missed (--refresh SINCE).
// https://docs.snowflake.com/en/user-guide/data-load-snowpipe-ts (Troubleshooting Snowpipe)
// https://docs.snowflake.com/en/sql-reference/functions/system_pipe_status
// https://docs.snowflake.com/en/sql-reference/functions/copy_history
// https://docs.snowflake.com/en/sql-reference/functions/validate_pipe_load
// https://docs.snowflake.com/en/sql-reference/sql/alter-pipe (REFRESH)
// https://docs.snowflake.com/en/user-guide/data-load-snowpipe-manage (7 days)
import { literal, type UserObjects } from './names.js';
import { Script } from './script.js';
import { placeholderLines, type Session, TABLE_PLACEHOLDER, useSession } from './session-sql.js';

export interface MonitorSql {
  stackName: string;
  objects: readonly UserObjects[];
  session: Session;
  table?: string;
}

/** How far back --check looks, in hours (the functions keep 14 days). */
export const CHECK_HOURS = 24;
/** ALTER PIPE ... REFRESH reaches files staged within this many days. */
export const REFRESH_DAYS = 7;

export function checkSql(d: MonitorSql): Script {
  const since = `DATEADD(HOUR, -${CHECK_HOURS}, CURRENT_TIMESTAMP())`;
  const s = new Script();
  s.comment(
    `sftpgw ${d.stackName}: is Snowpipe loading? (the last ${CHECK_HOURS} hours; up to 14 days)`,
    '',
    'A file Snowpipe fails to load is recorded in the pipe and never retried, and',
    'nobody is told unless the pipes have an ERROR_INTEGRATION (--error-integration).',
    'Run this on a schedule (a Snowflake task or alert) or after an incident.',
    ...placeholderLines(d.session, d.table, null),
  );
  s.blank();
  useSession(s, d.session);
  s.blank();
  s.comment(
    'Per pipe: executionState RUNNING; lastReceivedMessageTimestamp recent when',
    'uploads happened (empty or old: the SNS subscription is gone, see',
    '--recreate-pipes); pendingFileCount; error.',
  );
  for (const o of d.objects) s.statement(`SELECT SYSTEM$PIPE_STATUS(${literal(o.pipe)})`);
  s.blank();
  s.comment(
    'Files that did not load (STATUS other than Loaded), with the first error.',
    'The table is a name here, not a string, while it is the placeholder.',
  );
  s.statement(`SELECT PIPE_NAME, FILE_NAME, STATUS, ROW_COUNT, ERROR_COUNT, FIRST_ERROR_MESSAGE, LAST_LOAD_TIME
  FROM TABLE(INFORMATION_SCHEMA.COPY_HISTORY(
    TABLE_NAME => ${d.table ? literal(d.table) : TABLE_PLACEHOLDER},
    START_TIME => ${since}))
  WHERE PIPE_NAME IN (${d.objects.map((o) => literal(o.pipe)).join(', ')})
    AND UPPER(STATUS) <> 'LOADED'
  ORDER BY LAST_LOAD_TIME DESC`);
  s.blank();
  s.comment('Per pipe: the errors of the files it tried to load.');
  for (const o of d.objects)
    s.statement(
      `SELECT * FROM TABLE(INFORMATION_SCHEMA.VALIDATE_PIPE_LOAD(PIPE_NAME => ${literal(o.pipe)}, START_TIME => ${since}))`,
    );
  return s;
}

export function refreshSql(d: MonitorSql & { since: Date }): Script {
  const since = `${d.since.toISOString().slice(0, 19)}+00:00`;
  const s = new Script();
  s.comment(
    `sftpgw ${d.stackName}: load what the pipes missed since ${since}`,
    '',
    `ALTER PIPE ... REFRESH queues the files staged within the last ${REFRESH_DAYS} days`,
    "that were modified after MODIFIED_AFTER; it checks the pipe's and the",
    "table's load history, so a file already loaded is not loaded twice (not so",
    'after --recreate-pipes: a recreated pipe has no history, so give the time',
    'the subscription was lost). Older files: COPY INTO the table by hand.',
    "No PREFIX: the date in a key is the upload's, and a scanned file reaches",
    "ingest/ later, so narrowing to PREFIX = '<yyyy-mm-dd>/' could miss it.",
    ...placeholderLines(d.session, null, null),
  );
  s.blank();
  useSession(s, d.session);
  s.blank();
  for (const o of d.objects)
    s.statement(`ALTER PIPE ${o.pipe} REFRESH MODIFIED_AFTER = ${literal(since)}`);
  return s;
}
