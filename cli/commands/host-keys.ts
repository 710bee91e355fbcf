// sftpgw host-keys list / retire: flags → the deployed server (the stack's
// resources) → its host keys (Transfer ListHostKeys) → for retire, the plan
// (printed), the confirmation and DeleteHostKey.
import { cloudFormationClient, transferClient } from '../adapters/aws/clients.js';
import { sdkStackResources } from '../adapters/aws/stack-resources.js';
import { sdkTransfer } from '../adapters/aws/transfer.js';
import { loadConfig } from '../engine/config/load.js';
import { deployedParts } from '../engine/deployed-parts.js';
import { usageError } from '../engine/errors.js';
import { listHostKeys, planRetire, retire } from '../engine/host-keys/retire.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { listingText, retirePlanText } from '../host-keys-text.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter } from '../output.js';
import { hostKeysListDocument, hostKeysRetireDocument } from '../output-schemas/host-keys.js';
import { nodeVersionNote } from './aws-context.js';
import { confirm, decision } from './prompt.js';
import { configOptions } from './source-flags.js';

interface HostKeysFlags extends CommonFlags {
  region?: string;
  stackName?: string;
  output?: 'text' | 'json';
}

async function context(flags: HostKeysFlags) {
  const reporter = consoleReporter({ ...flags, quiet: flags.output === 'json' });
  const config = await loadConfig(configOptions(flags), reporter);
  nodeVersionNote(reporter);
  const settings = { region: flags.region ?? config.region ?? undefined, reporter };
  const parts = await deployedParts(
    sdkStackResources(cloudFormationClient(settings)),
    flags.stackName ?? config.stackName,
  );
  return { parts, transfer: sdkTransfer(await transferClient(settings)) };
}

export async function runList(flags: HostKeysFlags): Promise<ExitCode> {
  const { parts, transfer } = await context(flags);
  const listing = await listHostKeys(parts, transfer);
  process.stdout.write(
    flags.output === 'json'
      ? `${JSON.stringify(hostKeysListDocument(listing), null, 2)}\n`
      : listingText(listing),
  );
  return EXIT.ok;
}

export async function runRetire(
  flags: HostKeysFlags & { yes?: boolean; allowLastKey?: boolean },
  hostKeyId: string,
): Promise<ExitCode> {
  if (!/^hostkey-[0-9a-f]{17}$/.test(hostKeyId))
    throw usageError(
      `${hostKeyId}: expected a host key id, hostkey- and 17 hex digits`,
      'sftpgw host-keys list shows the ids',
    );
  const json = flags.output === 'json';
  const ask = decision(flags.yes, false);
  const { parts, transfer } = await context(flags);
  const plan = planRetire(await listHostKeys(parts, transfer), hostKeyId, {
    allowLastKey: flags.allowLastKey,
  });
  const print = (after?: Awaited<ReturnType<typeof retire>>) => {
    if (json)
      process.stdout.write(`${JSON.stringify(hostKeysRetireDocument(plan, after), null, 2)}\n`);
  };
  if (!json) process.stdout.write(retirePlanText(plan));
  if (ask === 'no') {
    print();
    throw usageError(
      `not a terminal and no --yes: host key ${hostKeyId} was not deleted`,
      'pass --yes to delete it',
    );
  }
  if (
    ask === 'ask' &&
    !(await confirm(`Delete host key ${hostKeyId} of ${plan.serverId}? It cannot be restored`))
  ) {
    print();
    process.stderr.write(`not deleted: ${plan.serverId} keeps its host keys\n`);
    return EXIT.failed;
  }
  const after = await retire(plan, parts, transfer);
  print(after);
  if (!json) {
    process.stdout.write(`deleted ${hostKeyId}.\n`);
    process.stdout.write(listingText(after));
  }
  return EXIT.ok;
}
