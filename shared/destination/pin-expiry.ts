// When a pinned destination host key stops being trusted. Partners rotate
// their host keys: the old pin gets an Expires date and the new key is pinned
// beside it. The rule is the one user keys follow (issue 25's contract):
// "today" is a UTC calendar date, and a pin with Expires D is trusted through
// D and not from D+1 (expired when today > D). Dates are YYYY-MM-DD strings,
// so comparing them as strings compares the days.
//
// Shared by the push function (shared/sftp/connect.ts), `destinations put`
// and `destinations list`: one rule everywhere.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD naming a real day (2027-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** The UTC calendar date of an instant. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Expired: the UTC date has passed (today > expires). */
export function pinExpired(expires: string, today: string): boolean {
  return today > expires;
}

/** Whole days from today to expires (0: its last trusted day is today; negative: expired). */
export function daysLeft(expires: string, today: string): number {
  return Math.round(
    (Date.parse(`${expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
}

export type PinState = 'ok' | 'expiring' | 'expired';

/**
 * expired: today > expires; expiring: its last trusted day is at most
 * `withinDays` days away (with 0: it is today); ok: otherwise, or no expiry.
 */
export function pinState(expires: string | undefined, today: string, withinDays: number): PinState {
  if (expires === undefined) return 'ok';
  if (pinExpired(expires, today)) return 'expired';
  return daysLeft(expires, today) <= withinDays ? 'expiring' : 'ok';
}
