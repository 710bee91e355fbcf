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
  RECOVERY_DAYS,
  removeDestination,
} from '../engine/destinations/destinations.js';
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

export async function runList(flags: DestFlags): Promise<ExitCode> {
  const { config, prefix, store } = await context(flags);
  const list = await listDestinations(store, prefix, config.stackName);
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify(destinationsListDocument(list), null, 2) + '\n');
    return EXIT.ok;
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
  return EXIT.ok;
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
