// sftpgw diff: flags → the engine's diff flow (cli/engine/flows/diff.ts) →
// the plan and the local template diff, as text or --output json. Exit 0
// when nothing would change, EXIT.changes (3) otherwise.
import { formatDirectoryPlan } from '../directory-text.js';
import { hostKeyRefused, identityProviderRefused } from '../engine/deploy/guard.js';
import { diff, type DiffResult } from '../engine/flows/diff.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { consoleReporter, useColor } from '../output.js';
import { diffDocument } from '../output-schemas/diff.js';
import { formatPlan, formatTemplateDiff } from '../plan-text.js';
import { stackAdapters, stackOptions, type StackFlags } from './stack-flags.js';

export async function run(
  flags: StackFlags & {
    output?: 'text' | 'json';
    allowHostKeyChange?: boolean;
    allowIdentityProviderChange?: boolean;
  },
): Promise<ExitCode> {
  const json = flags.output === 'json';
  const reporter = consoleReporter({ ...flags, quiet: json });
  const result = await diff(
    {
      ...stackOptions(flags),
      allowHostKeyChange: flags.allowHostKeyChange ?? false,
      allowIdentityProviderChange: flags.allowIdentityProviderChange ?? false,
    },
    stackAdapters(flags, reporter),
  );
  // --output json: one document on stdout, the same facts as the text.
  process.stdout.write(
    json ? JSON.stringify(diffDocument(result), null, 2) + '\n' : diffText(result, useColor(flags)),
  );
  return result.changed ? EXIT.changes : EXIT.ok;
}

function diffText(result: DiffResult, color: boolean): string {
  const { stackName } = result;
  const directory = result.directory ? formatDirectoryPlan(result.directory, color) + '\n' : '';
  if (!result.exists)
    return (
      formatPlan(`${stackName} does not exist yet; a deploy would create:`, result.plan, color) +
      '\n' +
      directory
    );
  const skipped = result.changeSetSkipped
    ? `template unchanged: no change set for ${stackName} (${result.changeSetSkipped.detail})\n`
    : '';
  if (!result.changed) return `no changes: ${stackName} is up to date\n${skipped}`;
  const { plan, templateDiff: local } = result;
  let out =
    plan.changes.length === 0 && result.directory
      ? `No template changes to ${stackName} (no change set): only the directory\n${skipped}`
      : formatPlan(`Changes a deploy would make to ${stackName}:`, plan, color) + '\n';
  out += directory;
  if (plan.refused.length > 0)
    out += `  a deploy would refuse this without ${plan.refused.map((c) => `--allow-replace ${c.logicalId}`).join(' ')}\n`;
  if (plan.endpoint)
    out +=
      '  a deploy would refuse this without --allow-endpoint-change (the server stops; partners must be told the addresses above)\n';
  if (plan.addressQuota?.exceeded)
    out +=
      '  a deploy would refuse this: more Elastic IPs than the quota (sftpgw deploy says how to raise it)\n';
  if (hostKeyRefused(plan))
    out +=
      '  a deploy would refuse this without --allow-host-key-change (partners must pin the host keys above first)\n';
  if (identityProviderRefused(plan))
    out +=
      "  a deploy would refuse this without --allow-identity-provider-change (the server's identity provider switches; see the plan above)\n";
  if ((plan.moves?.length ?? 0) > 0 || plan.placementChange)
    out +=
      '  a deploy would refuse this without --allow-user-moves (users would move between stacks)\n';
  if (local.length > 0) out += formatTemplateDiff(local, color) + '\n';
  return out;
}
