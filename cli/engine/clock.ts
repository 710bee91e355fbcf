// The build's clock. Builds depend on the date since user keys carry an
// expiry (docs/keys.md#user-keys-lifetimes-and-expiry): "today" is a UTC
// calendar date, from --today, else the SFTPGW_TODAY variable, else the real
// UTC date. Goldens and diff-reproducibility tests pin it, so a build is
// the same on every day it is run with the same clock.
import { usageError } from './errors.js';

export const TODAY_VARIABLE = 'SFTPGW_TODAY';
export const TODAY_FLAG = '--today';

/** What says which day it is: the flag's value, the environment (process.env by default). */
export interface ClockOptions {
  /** --today YYYY-MM-DD */
  today?: string;
  environment?: Record<string, string | undefined>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * The text when it is a calendar date written YYYY-MM-DD (2027-02-30 is not:
 * a date that does not exist is refused, not rolled over), else undefined.
 */
export function calendarDate(text: string): string | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC maps years 0–99 to 1900–1999: set the year again to keep it.
  at.setUTCFullYear(y);
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d)
    return undefined;
  return text;
}

/** Why a date text is refused, for messages: "expected a date YYYY-MM-DD …". */
export function dateProblem(text: string): string {
  return DATE.test(text)
    ? `${JSON.stringify(text)} is not a day of the calendar`
    : `expected a UTC date written YYYY-MM-DD (e.g. 2027-03-31), not ${JSON.stringify(text)}`;
}

/** The real UTC date of `now`, as YYYY-MM-DD. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Today as YYYY-MM-DD: --today, else SFTPGW_TODAY, else the real UTC date. A
 * value that is not a calendar date is a usage error naming the flag or the
 * variable it came from.
 */
export function today(opts: ClockOptions = {}, now: () => Date = () => new Date()): string {
  if (opts.today !== undefined) {
    if (calendarDate(opts.today)) return opts.today;
    throw usageError(
      `${TODAY_FLAG}: ${dateProblem(opts.today)}`,
      `pass the UTC date to build as, e.g. ${TODAY_FLAG} ${utcDate(now())}, or leave it out for today`,
    );
  }
  const fromEnv = (opts.environment ?? process.env)[TODAY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (calendarDate(fromEnv)) return fromEnv;
    throw usageError(
      `${TODAY_VARIABLE}: ${dateProblem(fromEnv)}`,
      `set ${TODAY_VARIABLE}=YYYY-MM-DD (e.g. ${utcDate(now())}), or unset it for the real UTC date`,
    );
  }
  return utcDate(now());
}

/** The date as a Date at 00:00Z. */
export function dateAt(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD): 0 on the same day, negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateAt(to).getTime() - dateAt(from).getTime()) / DAY_MS);
}

/** The date `days` days after `date`. */
export function addDays(date: string, days: number): string {
  return utcDate(new Date(dateAt(date).getTime() + days * DAY_MS));
}
