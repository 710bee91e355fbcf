// sftpgw deploy: flags → the engine's deploy flow (cli/engine/flows/deploy.ts:
// build or --template → package → change set → guard → execute → watch, or
// --execute NAME from the change set on) → the plan and the outcome.
import { formatDirectoryPlan } from '../directory-text.js';
import { deploy, type GatewayDeployResult, type Preview } from '../engine/flows/deploy.js';
import { usageError } from '../engine/errors.js';
import { consoleReporter, useColor } from '../output.js';
import { formatPlan } from '../plan-text.js';
import { stackAdapters, stackOptions, type StackFlags } from './stack-flags.js';
import { decision, interactive } from './prompt.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

export interface DeployFlags extends StackFlags {
  yes?: boolean;
  /** false with --no-execute; a change set name with --execute NAME; true (commander's default) otherwise. */
  execute?: boolean | string;
  allowReplace: string[];
  allowUserMoves?: boolean;
  allowEndpointChange?: boolean;
  allowHostKeyChange?: boolean;
  allowIdentityProviderChange?: boolean;
  recreateFailed?: boolean;
  replacePending?: boolean;
  roleArn?: string;
  terminationProtection?: boolean;
}

export async function run(flags: DeployFlags): Promise<ExitCode> {
  const reporter = consoleReporter(flags);
  const color = useColor(flags);
  const show = (p: Preview): void => {
    const what = `${p.changeSetType === 'CREATE' ? 'Creating' : 'Changes to'} ${p.stackName}`;
    process.stdout.write(
      formatPlan(`${what} (change set ${p.changeSetName}):`, p.plan, color) + '\n',
    );
  };
  if (flags.yes && flags.execute === false)
    throw usageError('--yes and --no-execute contradict each other');
  const existing = typeof flags.execute === 'string' ? flags.execute : undefined;
  if (existing !== undefined && flags.template)
    throw usageError('--execute applies an existing change set: --template does not go with it');
  if (existing !== undefined && flags.replacePending)
    throw usageError(
      '--execute runs a change set in review: --replace-pending (delete those before creating a new one) does not go with it',
    );
  const decided = decision(flags.yes, flags.execute === false);
  if (decided === 'no' && flags.execute !== false && existing === undefined) {
    reporter.warn(
      'not a terminal and no --yes: the change set is created and left for review (pass --yes to execute it, or --no-execute to say so)',
    );
  }
  const ask = (yes: boolean | undefined) => (yes ? 'yes' : interactive() ? 'ask' : 'no');
  const result = await deploy(
    {
      ...stackOptions(flags),
      // Naming a change set to execute is the decision, in CI too.
      execute: existing !== undefined && decided === 'no' ? 'yes' : decided,
      changeSetName: existing,
      allowReplace: flags.allowReplace,
      allowUserMoves: flags.allowUserMoves ?? false,
      allowEndpointChange: flags.allowEndpointChange ?? false,
      allowHostKeyChange: flags.allowHostKeyChange ?? false,
      allowIdentityProviderChange: flags.allowIdentityProviderChange ?? false,
      recreateFailed: ask(flags.recreateFailed),
      replacePending: ask(flags.replacePending),
      roleArn: flags.roleArn,
      terminationProtection: flags.terminationProtection,
    },
    stackAdapters(flags, reporter),
    {
      plan: show,
      directory: (d) => process.stdout.write(formatDirectoryPlan(d, color) + '\n'),
    },
  );
  return report(result);
}

function report(r: GatewayDeployResult): ExitCode {
  const code = reportStack(r);
  reportDirectory(r);
  return code;
}

/** After the stack's outcome: the directory's (lambda gateways). */
function reportDirectory({ result, directory }: GatewayDeployResult): void {
  if (result.kind === 'no-changes') return;
  if (directory?.uploaded)
    process.stdout.write(
      `directory uploaded: ${directory.plan.location ?? 'DirectoryBucket'}${directory.versionId ? ` version ${directory.versionId}` : ''} (${directory.plan.users} users, ${directory.plan.bytes} bytes)\n`,
    );
  else if (directory?.notUploaded)
    process.stdout.write(`directory not uploaded: ${directory.notUploaded}\n`);
}

function reportStack({ result, directory, switched }: GatewayDeployResult): ExitCode {
  if (switched)
    process.stdout.write(
      `staged and checked: ${switched.smoke.checks.map((c) => `${c.case} ${c.username}: ${c.detail}`).join('; ')}\n`,
    );
  // A user-only change: no change set, a new directory version.
  const noChangeSet =
    result.kind === 'no-changes' && result.skipped
      ? `template unchanged: no change set for ${result.stackName} (${result.skipped.detail})`
      : undefined;
  if (result.kind === 'no-changes' && directory?.uploaded) {
    process.stdout.write(
      `${noChangeSet ?? `no template changes: ${result.stackName} needed no change set (the empty one was deleted)`}\ndirectory uploaded: ${directory.plan.location ?? 'DirectoryBucket'}${directory.versionId ? ` version ${directory.versionId}` : ''} (${directory.plan.users} users, ${directory.plan.bytes} bytes)\n`,
    );
    return EXIT.ok;
  }
  if (result.kind === 'no-changes' && directory?.notUploaded) {
    process.stdout.write(
      `${noChangeSet ?? `${result.stackName}: the template is up to date (no change set)`}; the directory above was not uploaded: ${directory.notUploaded}\n`,
    );
    return directory.notUploaded === 'declined' ? EXIT.failed : EXIT.ok;
  }
  switch (result.kind) {
    case 'no-changes':
      process.stdout.write(
        result.skipped
          ? `no changes: ${result.stackName} is up to date\n${noChangeSet}\n`
          : `no changes: ${result.stackName} is up to date (nothing executed; the empty change set was deleted)\n`,
      );
      return EXIT.ok;
    case 'pending':
      process.stdout.write(
        `change set ${result.changeSetName} is ready for review and was not executed.\napply it with: sftpgw deploy --execute ${result.changeSetName}${result.stackName ? ` --stack-name ${result.stackName}` : ''}\n`,
      );
      return EXIT.ok;
    case 'declined':
      process.stdout.write(`not executed: ${result.stackName} is unchanged\n`);
      return EXIT.failed;
    case 'executed': {
      const outputs = Object.entries(result.outputs).sort(([a], [b]) => a.localeCompare(b));
      process.stdout.write(
        `${result.stackName}: ${result.status}\n${outputs.length ? `Outputs:\n${outputs.map(([k, v]) => `  ${k} = ${v}`).join('\n')}\n` : ''}`,
      );
      return EXIT.ok;
    }
  }
}
