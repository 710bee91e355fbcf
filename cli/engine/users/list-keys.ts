// sftpgw users keys: every key of every user file with its state on the
// build's date, and which keys match what a scheduled pipeline asks
// (--expiring DAYS, --expired). The rows come from keysOf
// (./key-lifetimes.ts), where a key's state is decided for the build too;
// `--deployed` (comparing them with the deployed stack) adds to these rows.
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { today as clockToday } from '../clock.js';
import { loadConfig, type ConfigOptions } from '../config/load.js';
import type { Reporter } from '../reporter.js';
import { keysOf, type KeyRow } from './key-lifetimes.js';
import { readUsers } from './manage.js';

/** What the caller asks about; neither: list only. */
export interface KeyCondition {
  /** A key expires within this many days (from today, its last valid day counted; not yet expired). */
  expiring?: number;
  /** An expired key is still in a user file. */
  expired?: boolean;
}

export interface KeyListing {
  /** The UTC date the states are for. */
  today: string;
  /** users.keyExpiryWarningDays: the window of the `expiring` state. */
  warningDays: number;
  rows: KeyRow[];
  /** The rows that match the condition asked (empty when none was asked). */
  matching: KeyRow[];
}

/** True when the row matches the condition (either part of it). */
export function matchesCondition(row: KeyRow, c: KeyCondition): boolean {
  if (c.expired && row.state === 'expired') return true;
  if (c.expiring !== undefined && row.daysLeft !== undefined)
    return row.daysLeft >= 0 && row.daysLeft <= c.expiring;
  return false;
}

export async function listKeys(
  opts: ConfigOptions & KeyCondition,
  deps: { jsonnet: JsonnetEngine; reporter: Reporter },
): Promise<KeyListing> {
  const today = clockToday({ today: opts.today, environment: opts.environment });
  const config = await loadConfig(opts, deps.reporter);
  const users = await readUsers(config.usersDir, config.projectDir, deps.jsonnet);
  const warningDays = config.users.keyExpiryWarningDays;
  const rows = keysOf(
    users.map((u) => ({ name: u.name, file: u.file, keys: u.spec.keys, checked: u.checked })),
    today,
    warningDays,
  );
  return { today, warningDays, rows, matching: rows.filter((r) => matchesCondition(r, opts)) };
}
