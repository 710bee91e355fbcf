// sftpgw deploy: build (or --template) → package → change set → guard →
// execute (--yes, a prompt on a terminal, or --no-execute for later) → watch.
// sftpgw deploy --execute NAME applies a change set left by --no-execute.
import { explainAwsError } from '../adapters/aws/clients.js';
import { deploy, executeExisting, type DeployResult, type Preview } from '../engine/deploy/deploy.js';
import { realClock } from '../engine/deploy/watch.js';
import { loadConfig } from '../engine/config/load.js';
import { usageError } from '../engine/errors.js';
import type { Reporter } from '../engine/reporter.js';
import { consoleReporter, useColor } from '../output.js';
import { formatPlan } from '../plan-text.js';
import { awsContext, parameters } from './aws-context.js';
import { prepare, type StackFlags } from './deploy-shared.js';
import { confirm, decision, interactive } from './prompt.js';

export interface DeployFlags extends StackFlags {
  yes?: boolean;
  /** false with --no-execute; a change set name with --execute NAME; true (commander's default) otherwise. */
  execute?: boolean | string;
  allowReplace: string[];
  allowUserMoves?: boolean;
  recreateFailed?: boolean;
  roleArn?: string;
  terminationProtection?: boolean;
}

export async function run(flags: DeployFlags): Promise<number> {
  const reporter = consoleReporter(flags);
  const color = useColor(flags);
  const show = (p: Preview): void => {
    process.stdout.write(formatPlan(`${p.changeSetType === 'CREATE' ? 'Creating' : 'Changes to'} ${p.stackName} (change set ${p.changeSetName}):`, p.plan, color) + '\n');
  };
  if (flags.yes && flags.execute === false) throw usageError('--yes and --no-execute contradict each other');
  const execute = decision(flags.yes, flags.execute === false);
  if (execute === 'no' && flags.execute !== false && typeof flags.execute !== 'string') {
    reporter.warn('not a terminal and no --yes: the change set is created and left for review (pass --yes to execute it, or --no-execute to say so)');
  }
  try {
    const result = typeof flags.execute === 'string'
      ? await executeNamed(flags, flags.execute, execute, reporter, show)
      : await buildAndDeploy(flags, execute, reporter, show);
    return report(result);
  } catch (err) {
    throw explainAwsError(err);
  }
}

async function buildAndDeploy(flags: DeployFlags, execute: 'yes' | 'ask' | 'no', reporter: Reporter, show: (p: Preview) => void): Promise<DeployResult> {
  const { input, ctx, template, children, deps, stackName } = await prepare(flags, reporter);
  const config = input.config;
  return deploy({
    stackName,
    template,
    parameters: parameters(config, flags.parameter),
    tags: config.tags,
    capabilities: config.deploy.capabilities,
    roleArn: flags.roleArn ?? config.deploy.roleArn ?? undefined,
    allowReplace: flags.allowReplace,
    children,
    allowUserMoves: flags.allowUserMoves ?? false,
    recreateFailed: flags.recreateFailed ? 'yes' : interactive() ? 'ask' : 'no',
    templatePrefix: ctx.prefix,
    execute,
    terminationProtection: flags.terminationProtection ?? config.deploy.terminationProtection,
  }, deps, show);
}

async function executeNamed(flags: DeployFlags, name: string, execute: 'yes' | 'ask' | 'no', reporter: Reporter, show: (p: Preview) => void): Promise<DeployResult> {
  if (flags.template) throw usageError('--execute applies an existing change set: --template does not go with it');
  const config = await loadConfig({ configFile: flags.config, env: flags.env }, reporter);
  const ctx = await awsContext(flags, config, reporter);
  const minutes = Number(flags.waitTimeout);
  return executeExisting(
    { stackName: flags.stackName ?? config.stackName, changeSetName: name, allowReplace: flags.allowReplace, execute: execute === 'no' ? 'yes' : execute, terminationProtection: flags.terminationProtection ?? config.deploy.terminationProtection },
    { cfn: ctx.cfn(), store: ctx.store, reporter, clock: { ...realClock, timeoutMs: minutes * 60_000 }, confirm },
    show,
  );
}

function report(result: DeployResult): number {
  switch (result.kind) {
    case 'no-changes':
      process.stdout.write(`no changes: ${result.stackName} is up to date (nothing executed; the empty change set was deleted)\n`);
      return 0;
    case 'pending':
      process.stdout.write(`change set ${result.changeSetName} is ready for review and was not executed.\napply it with: sftpgw deploy --execute ${result.changeSetName}${result.stackName ? ` --stack-name ${result.stackName}` : ''}\n`);
      return 0;
    case 'declined':
      process.stdout.write(`not executed: ${result.stackName} is unchanged\n`);
      return 1;
    case 'executed': {
      const outputs = Object.entries(result.outputs).sort(([a], [b]) => a.localeCompare(b));
      process.stdout.write(`${result.stackName}: ${result.status}\n${outputs.length ? `Outputs:\n${outputs.map(([k, v]) => `  ${k} = ${v}`).join('\n')}\n` : ''}`);
      return 0;
    }
  }
}
