// `destinations put --trusted-host-key KEY --pin-expires DATE`: the dates
// paired with the keys they follow (cli/program.ts keeps the command line's
// order: OptionDef.qualifies), made into TrustedHostKeys entries.
import { isCalendarDate, pinExpired } from '../../../shared/destination/pin-expiry.js';
import type { TrustedHostKey } from '../../../shared/destination/secret-schema.js';
import type { Qualifier } from '../../options.js';
import { usageError } from '../errors.js';

/**
 * Each --pin-expires to the --trusted-host-key right before it. Refused: one
 * before any key, two for one key, a date that is not a day, and a date
 * already past (the function would never trust that pin: leave it out).
 */
export function pinsWithExpiry(
  keys: readonly string[],
  expiries: readonly Qualifier[],
  today: string,
): TrustedHostKey[] {
  const byKey = new Map<number, string>();
  for (const q of expiries) {
    if (q.after === 0)
      throw usageError(
        '--pin-expires must follow the --trusted-host-key it applies to',
        'write --trusted-host-key "ssh-ed25519 AAAA…" --pin-expires 2027-01-31',
      );
    const which = `--trusted-host-key #${q.after}`;
    if (byKey.has(q.after))
      throw usageError(`${which} is followed by two --pin-expires`, 'give each key one date');
    if (!isCalendarDate(q.value))
      throw usageError(
        `--pin-expires of ${which} is not a calendar date`,
        'write YYYY-MM-DD, the last UTC day the key is trusted (e.g. 2027-01-31)',
      );
    if (pinExpired(q.value, today))
      throw usageError(
        `--pin-expires of ${which} is ${q.value}, already past (today is ${today} UTC): deliveries would never trust that pin`,
        'give a date from today on, or leave that key out',
      );
    byKey.set(q.after, q.value);
  }
  return keys.map((key, i) => {
    const expires = byKey.get(i + 1);
    return expires === undefined ? key : { Key: key, Expires: expires };
  });
}
