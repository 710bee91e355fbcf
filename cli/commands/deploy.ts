// sftpgw deploy: build (or --template) → package → change set → guard →
// execute (--yes, a prompt on a terminal, or --no-execute for later) → watch.
// sftpgw deploy --execute NAME applies a change set left by --no-execute:
// the same engine call from the change set on (plan, guard, execute).
import { deploy, type DeployResult, type Preview } from '../engine/deploy/deploy.js';
import { loadConfig } from '../engine/config/load.js';
import { usageError } from '../engine/errors.js';
import { consoleReporter, useColor } from '../output.js';
import { formatPlan } from '../plan-text.js';
import { awsContext, parameters } from './aws-context.js';
import { deployDeps, packaged, prepare, type StackFlags } from './deploy-shared.js';
import { decision, interactive } from './prompt.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

export interface DeployFlags extends StackFlags {
  yes?: boolean;
  /** false with --no-execute; a change set name with --execute NAME; true (commander's default) otherwise. */
  execute?: boolean | string;
  allowReplace: string[];
  allowUserMoves?: boolean;
  allowEndpointChange?: boolean;
  recreateFailed?: boolean;
  replacePending?: boolean;
  roleArn?: string;
  terminationProtection?: boolean;
}

export async function run(flags: DeployFlags): Promise<ExitCode> {
  const reporter = consoleReporter(flags);
  const color = useColor(flags);
  const show = (p: Preview): void => {
    process.stdout.write(
      formatPlan(
        `${p.changeSetType === 'CREATE' ? 'Creating' : 'Changes to'} ${p.stackName} (change set ${p.changeSetName}):`,
        p.plan,
        color,
      ) + '\n',
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
  // Naming a change set to execute is the decision, in CI too.
  const execute = existing !== undefined && decided === 'no' ? 'yes' : decided;
  const guard = {
    allowReplace: flags.allowReplace,
    allowUserMoves: flags.allowUserMoves ?? false,
    allowEndpointChange: flags.allowEndpointChange ?? false,
  };
  const common = { execute, ...guard };
  if (existing !== undefined) {
    // The apply job has the config only: no build, no template, nothing uploaded.
    const config = await loadConfig({ configFile: flags.config, env: flags.env }, reporter);
    const ctx = await awsContext(flags, config, reporter);
    return report(
      await deploy(
        {
          ...common,
          stackName: flags.stackName ?? config.stackName,
          changeSetName: existing,
          terminationProtection: flags.terminationProtection ?? config.deploy.terminationProtection,
        },
        deployDeps(ctx, flags, reporter),
        show,
      ),
    );
  }
  const prepared = await prepare(flags, reporter);
  const { template, children } = await packaged(prepared, 'deploy', reporter);
  const config = prepared.input.config;
  return report(
    await deploy(
      {
        ...common,
        stackName: prepared.stackName,
        template,
        children,
        parameters: parameters(config, flags.parameter),
        tags: config.tags,
        capabilities: config.deploy.capabilities,
        roleArn: flags.roleArn ?? config.deploy.roleArn ?? undefined,
        recreateFailed: flags.recreateFailed ? 'yes' : interactive() ? 'ask' : 'no',
        replacePending: flags.replacePending ? 'yes' : interactive() ? 'ask' : 'no',
        templatePrefix: prepared.ctx.prefix,
        terminationProtection: flags.terminationProtection ?? config.deploy.terminationProtection,
      },
      prepared.deps,
      show,
    ),
  );
}

function report(result: DeployResult): ExitCode {
  switch (result.kind) {
    case 'no-changes':
      process.stdout.write(
        `no changes: ${result.stackName} is up to date (nothing executed; the empty change set was deleted)\n`,
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
