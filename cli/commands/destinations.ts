// sftpgw destinations put | test | list: flags -> engine -> a line, a table or JSON.
// Secret material comes from files or stdin, never from a flag value, and is
// never printed.
import { nodeVersionNote } from './aws-context.js';
import type { Phase, PhaseSink } from '../engine/phase.js';
import { sdkSecretStore } from '../adapters/aws/secrets.js';
import { loadConfig } from '../engine/config/load.js';
import type { ResolvedConfig } from '../engine/config/types.js';
import {
  checkKey,
  listDestinations,
  putDestination,
  RECOVERY_DAYS,
  removeDestination,
  scanDestination,
  testDestination,
} from '../engine/destinations/destinations.js';
import { usageError } from '../engine/errors.js';
import type { CommonFlags } from '../options.js';
import { formatTable } from '../table-text.js';
import { consoleReporter } from '../output.js';
import { readInputFile } from './input-file.js';
import {
  destinationScanDocument,
  destinationsListDocument,
  destinationTestDocument,
} from '../output-schemas/destinations.js';
import { confirm, decision } from './prompt.js';
import type { DestinationSecret } from '../../shared/destination/secret-schema.js';
import {
  defaultSecretPrefix,
  destinationSecretName,
  GATEWAY_TAG,
} from '../../shared/gateway-names.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { count } from '../engine/plural.js';

interface DestFlags extends CommonFlags {
  region?: string;
  output?: 'text' | 'json';
  /** Not a flag: where the engine's phases go (cli/program.ts adds it). */
  phases?: PhaseSink;
}

/** Where the engine's phases go: the interrupt line (cli/interrupt.ts). */
const phases = (flags: DestFlags) => (p: Phase) => flags.phases?.(p);

async function context(flags: DestFlags) {
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

export async function runPut(
  flags: DestFlags & {
    host: string;
    port?: number;
    username: string;
    privateKeyFile?: string;
    passphraseFile?: string;
    passwordStdin?: boolean;
    trustedHostKey: string[];
    remoteDir: string;
    pattern: string;
    overwrite?: 'replace' | 'never';
    kmsKeyId?: string;
  },
  key: string,
): Promise<ExitCode> {
  checkKey(key);
  if (flags.privateKeyFile === '-' && flags.passwordStdin)
    throw usageError(
      '--private-key-file - and --password-stdin both want stdin: put the key in a file',
    );
  const port = flags.port;
  const secret: DestinationSecret = {
    Host: flags.host,
    ...(port !== undefined ? { Port: port } : {}),
    Username: flags.username,
    ...(flags.privateKeyFile
      ? { PrivateKey: readInputFile(flags.privateKeyFile, 'private key file') }
      : {}),
    ...(flags.passphraseFile
      ? { Passphrase: readInputFile(flags.passphraseFile, 'passphrase file').replace(/\r?\n$/, '') }
      : {}),
    ...(flags.passwordStdin
      ? { Password: readInputFile('-', 'password').replace(/\r?\n$/, '') }
      : {}),
    TrustedHostKeys: flags.trustedHostKey,
    RemoteDirectory: flags.remoteDir,
    FilePattern: flags.pattern,
    ...(flags.overwrite ? { Overwrite: flags.overwrite } : {}),
  };
  const { config, prefix, store } = await context(flags);
  const r = await putDestination(
    store,
    {
      prefix,
      key,
      gateway: config.stackName,
      secret,
      kmsKeyId: flags.kmsKeyId,
    },
    phases(flags),
  );
  process.stderr.write(
    `${r.created ? 'created' : 'updated'} destination ${key} (secret ${r.name}, tagged ${GATEWAY_TAG}=${config.stackName}); stage files at ${key}/<file>\n`,
  );
  return EXIT.ok;
}

export async function runTest(
  flags: DestFlags & { write?: boolean; scan?: boolean },
  key: string,
): Promise<ExitCode> {
  checkKey(key);
  const { prefix, store } = await context(flags);
  const name = destinationSecretName(prefix, key);
  if (flags.scan) {
    const r = await scanDestination(store, name);
    if (flags.output === 'json')
      process.stdout.write(JSON.stringify(destinationScanDocument(r), null, 2) + '\n');
    else {
      process.stdout.write(
        `host keys of ${r.host} (confirm them with the server's owner before pinning; nothing was trusted):\n`,
      );
      for (const k of r.keys) {
        const mark = !k.acceptable ? 'REFUSED   ' : k.pinned ? 'pinned    ' : 'NOT PINNED';
        process.stdout.write(
          `  ${mark}  ${k.type.padEnd(20)} ${k.fingerprint}${k.acceptable ? '' : '  (SHA-1 signatures only: sftpgw never accepts it)'}\n`,
        );
      }
      process.stdout.write(`  the server offers: ${r.offered.join(', ')}\n`);
    }
    // Exactly what a delivery accepts: a pinned key it may use.
    return r.keys.some((k) => k.pinned && k.acceptable) ? EXIT.ok : EXIT.failed;
  }
  const r = await testDestination(store, name, { write: Boolean(flags.write) }, phases(flags));
  if (flags.output === 'json')
    process.stdout.write(JSON.stringify(destinationTestDocument(r), null, 2) + '\n');
  else
    process.stdout.write(
      `ok: ${r.host} (pinned host key matched), ${r.remoteDirectory} lists ${count(r.entries, 'entry', 'entries')}${r.wrote ? '; a probe file was written, checked, renamed and removed' : ''}\n`,
    );
  return EXIT.ok;
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
