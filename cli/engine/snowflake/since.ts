// --refresh SINCE: a moment within the last 7 days, because ALTER PIPE ...
// REFRESH reaches only files staged within the last 7 days
// (https://docs.snowflake.com/en/user-guide/data-load-snowpipe-manage).
import { usageError } from '../errors.js';
import { REFRESH_DAYS } from './monitor-sql.js';

/** YYYY-MM-DD (UTC midnight), or a date-time with Z or a ±HH:MM offset. */
const SINCE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseSince(text: string, now: Date): Date {
  const hint = `give a date or an ISO 8601 time within the last ${REFRESH_DAYS} days, e.g. ${now.toISOString().slice(0, 10)} or ${now.toISOString().slice(0, 16)}Z`;
  const date = SINCE.test(text) ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text) : null;
  // Date also rolls 2024-02-31 over to March: the day must read back the same.
  if (!date || Number.isNaN(date.getTime()) || !sameDay(text, date))
    throw usageError(`--refresh ${JSON.stringify(text)} is not a date or an ISO 8601 time`, hint);
  if (date.getTime() > now.getTime()) throw usageError(`--refresh ${text} is in the future`, hint);
  if (now.getTime() - date.getTime() > REFRESH_DAYS * 24 * 3600 * 1000)
    throw usageError(
      `--refresh ${text} is more than ${REFRESH_DAYS} days ago: ALTER PIPE ... REFRESH reaches only files staged within the last ${REFRESH_DAYS} days`,
      'load older files with COPY INTO <table> FROM @<stage> by hand (docs/snowflake.md, "Files a pipe missed")',
    );
  return date;
}

/** The written day is the parsed one (in the written offset). */
function sameDay(text: string, date: Date): boolean {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const minutes = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
    : 0;
  return (
    new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 10) === text.slice(0, 10)
  );
}
