// sftpgw destinations list | remove: flags -> engine -> a line, a table or JSON;
// and what every destinations command shares: the config (read once), the
// secret prefix and the Secrets Manager store (put: destinations-put.ts,
// test: destinations-test.ts).
import { nodeVersionNote } from './aws-context.js';
import type { Phase, PhaseSink } from '../engine/phase.js';
import { sdkSecretStore } from '../adapters/aws/secrets.js';
import { loadConfig } from '../engine/config/load.js';
import type { ResolvedConfig } from '../engine/config/types.js';
import {
  checkKey,
  listDestinations,
  pinsNeedingAttention,
  RECOVERY_DAYS,
  removeDestination,
  type DestinationListing,
  type PinListing,
} from '../engine/destinations/destinations.js';
import { pinToday } from '../engine/destinations/pin-today.js';
import type { HostKeyUsed } from '../../shared/sftp/connect.js';
import { usageError } from '../engine/errors.js';
import type { CommonFlags } from '../options.js';
import { formatTable } from '../table-text.js';
import { consoleReporter } from '../output.js';
import { destinationsListDocument } from '../output-schemas/destinations.js';
import { confirm, decision } from './prompt.js';
import { defaultSecretPrefix } from '../../shared/gateway-names.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

export interface DestFlags extends CommonFlags {
  region?: string;
  output?: 'text' | 'json';
  /** Not a flag: where the engine's phases go (cli/program.ts adds it). */
  phases?: PhaseSink;
}

/** Where the engine's phases go: the interrupt line (cli/interrupt.ts). */
export const phases = (flags: DestFlags) => (p: Phase) => flags.phases?.(p);

export async function context(flags: DestFlags) {
  const reporter = consoleReporter(flags);
  const config: ResolvedConfig = await loadConfig(
    { configFile: flags.config, env: flags.env },
    reporter,
  );
  nodeVersionNote(reporter);
  const prefix = config.outbound?.secretPrefix ?? defaultSecretPrefix(config.stackName);
  return {
    config,
    prefix,
    store: sdkSecretStore(flags.region ?? config.region ?? undefined),
    reporter,
  };
}

/** "ssh-rsa SHA256:… (pin trusted through 2027-01-31 UTC)": the key a connection was made with. */
export function hostKeyText(k: HostKeyUsed): string {
  return `${k.type} ${k.fingerprint}${k.expires ? `, pin trusted through ${k.expires} UTC` : ''}`;
}

export async function runList(
  flags: DestFlags & { pins?: boolean; within?: number },
): Promise<ExitCode> {
  const { config, prefix, store } = await context(flags);
  // --within asks about pins, so it reads them too. The window defaults to
  // users.keyExpiryWarningDays: one setting for how early keys and pins warn.
  const window =
    flags.pins || flags.within !== undefined
      ? { today: pinToday(), withinDays: flags.within ?? config.users.keyExpiryWarningDays }
      : undefined;
  const list = await listDestinations(store, prefix, config.stackName, window);
  // With pins: exit 1 when one needs someone (expired, expiring, unreadable), for a scheduled job.
  const code = window && pinsNeedingAttention(list) > 0 ? EXIT.failed : EXIT.ok;
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify(destinationsListDocument(list), null, 2) + '\n');
    return code;
  }
  if (list.length === 0) {
    process.stdout.write(
      `no destinations under ${prefix}/ (create one with sftpgw destinations put)\n`,
    );
    return EXIT.ok;
  }
  process.stdout.write(
    formatTable(
      ['KEY', 'SECRET', 'LAST CHANGED', 'NOTE'],
      list.map((d) => [
        d.key,
        d.name,
        d.lastChanged?.toISOString().replace(/\.\d+Z$/, 'Z') ?? '-',
        d.tagged ? '' : 'NOT TAGGED for this gateway: the push function cannot read it',
      ]),
    ),
  );
  if (window) process.stdout.write(pinsText(list, window.withinDays));
  return code;
}

const PIN_STATE: Record<PinListing['state'], string> = {
  ok: 'ok',
  expiring: 'EXPIRING',
  expired: 'EXPIRED: not trusted',
};

/** The pins of every destination, then what needs doing. */
function pinsText(list: readonly DestinationListing[], withinDays: number): string {
  const rows = list.flatMap((d) =>
    d.pinsProblem
      ? [[d.key, '-', '-', `cannot read the pins: ${d.pinsProblem}`]]
      : (d.pins ?? []).map((p) => [
          d.key,
          `${p.type ?? 'fingerprint'} ${p.fingerprint}`,
          p.expires ?? 'never',
          p.state === 'ok'
            ? 'ok'
            : `${PIN_STATE[p.state]}${p.daysLeft !== undefined && p.daysLeft >= 0 ? ` (${p.daysLeft === 0 ? 'last day today' : `${p.daysLeft} days left`})` : ''}`,
        ]),
  );
  const out = ['', `host-key pins (expiring: trusted for at most ${withinDays} more days):`];
  out.push(formatTable(['KEY', 'PIN', 'EXPIRES', 'STATE'], rows).trimEnd());
  const allExpired = list.filter(
    (d) => d.pins && d.pins.length > 0 && d.pins.every((p) => p.state === 'expired'),
  );
  for (const d of allExpired)
    out.push(
      `destination ${d.key}: every pin expired, deliveries fail: pin the server's current key (sftpgw destinations test ${d.key} --scan, then sftpgw destinations put ${d.key} … --trusted-host-key …)`,
    );
  if (list.some((d) => !allExpired.includes(d) && d.pins?.some((p) => p.state !== 'ok')))
    out.push(
      "before a pin expires, pin the partner's new key beside it (sftpgw destinations put … --trusted-host-key NEW --trusted-host-key OLD --pin-expires DATE)",
    );
  return out.join('\n') + '\n';
}

export async function runRemove(
  flags: DestFlags & {
    recoveryWindowInDays: string;
    forceDeleteWithoutRecovery?: boolean;
    yes?: boolean;
  },
  key: string,
): Promise<ExitCode> {
  checkKey(key);
  const days = Number(flags.recoveryWindowInDays);
  if (!Number.isInteger(days) || days < RECOVERY_DAYS.min || days > RECOVERY_DAYS.max) {
    throw usageError(
      `--recovery-window-in-days ${flags.recoveryWindowInDays}: expected a whole number of days from ${RECOVERY_DAYS.min} to ${RECOVERY_DAYS.max}`,
      'or --force-delete-without-recovery to delete at once',
    );
  }
  // Decided before anything is sent: where nobody can answer, only --yes deletes.
  const ask = decision(flags.yes, false);
  if (ask === 'no')
    throw usageError(
      `not a terminal and no --yes: destination ${key} was not removed`,
      'pass --yes to remove it',
    );
  const { config, prefix, store } = await context(flags);
  const how = flags.forceDeleteWithoutRecovery ? { force: true as const } : { recoveryDays: days };
  const r = await removeDestination(
    store,
    { prefix, key, gateway: config.stackName, how },
    ask === 'yes' ? async () => true : confirm,
    phases(flags),
  );
  if (r === 'declined') {
    process.stderr.write(`not removed: destination ${key} is unchanged\n`);
    return EXIT.failed;
  }
  process.stderr.write(
    r.force
      ? `removed destination ${key}: secret ${r.name} is deleted (no recovery); files staged at ${key}/ are no longer delivered\n`
      : `removed destination ${key}: secret ${r.name} is deleted on ${r.deletionDate?.toISOString() ?? `in ${days} days`}; until then restore it with: aws secretsmanager restore-secret --secret-id ${r.name}\n`,
  );
  return EXIT.ok;
}
