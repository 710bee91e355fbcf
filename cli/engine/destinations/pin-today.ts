// "Today" for destination pins in the CLI: SFTPGW_TODAY=YYYY-MM-DD (issue 25's
// shared clock variable, so tests and reproducible runs pin it), else the real
// UTC date. A stand-in for cli/engine/clock.ts (engineer 25a's `today()`,
// which also reads --today): the integrator may route this through it.
import { isCalendarDate, utcDate } from '../../../shared/destination/pin-expiry.js';
import { usageError } from '../errors.js';

export function pinToday(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const given = env.SFTPGW_TODAY;
  if (given === undefined || given === '') return utcDate(now);
  if (!isCalendarDate(given))
    throw usageError(
      'SFTPGW_TODAY is not a calendar date',
      'set it to YYYY-MM-DD (a UTC date, e.g. 2027-01-31) or unset it to use the real date',
    );
  return given;
}

/** The instant connect() judges pins by: 00:00 UTC of `today`. */
export const startOf = (today: string): Date => new Date(`${today}T00:00:00Z`);
