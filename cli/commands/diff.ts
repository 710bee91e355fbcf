// sftpgw diff: what a deploy would change — CloudFormation's change set
// (created, read, deleted; never executed) and the local template diff.
// Exit 0 when nothing would change, EXIT.changes (3) otherwise.
import { explainAwsError } from '../adapters/aws/clients.js';
import { createPreview } from '../engine/deploy/deploy.js';
import { creationPlan, templateDiff } from '../engine/deploy/plan.js';
import { readTemplateText } from '../engine/template/read.js';
import { EXIT } from '../main.js';
import { consoleReporter, useColor } from '../output.js';
import { formatPlan } from '../plan-text.js';
import { parameters } from './aws-context.js';
import { prepare, type StackFlags } from './deploy-shared.js';

export async function run(flags: StackFlags): Promise<number> {
  const reporter = consoleReporter(flags);
  const color = useColor(flags);
  try {
    const { input, ctx, template, children, deps, stackName } = await prepare(flags, reporter);
    const stack = await deps.cfn.describeStack(stackName);
    if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
      // No change set for a stack that does not exist: creating one would leave an empty stack behind.
      process.stdout.write(formatPlan(`${stackName} does not exist yet; a deploy would create:`, creationPlan(template), color) + '\n');
      return EXIT.changes;
    }
    const preview = await createPreview({
      stackName, template, parameters: parameters(input.config, flags.parameter), tags: input.config.tags,
      capabilities: input.config.deploy.capabilities, roleArn: input.config.deploy.roleArn ?? undefined,
      allowReplace: [], recreateFailed: 'no', templatePrefix: ctx.prefix, children,
    }, deps, 'diff');
    const deployedText = await deps.cfn.getTemplate(stackName);
    const local = templateDiff(deployedText === undefined ? undefined : readTemplateText(deployedText, `the deployed template of ${stackName}`), template);
    if (preview) await deps.cfn.deleteChangeSet(stackName, preview.changeSetName).catch(() => undefined);
    if (!preview) {
      process.stdout.write(`no changes: ${stackName} is up to date\n`);
      return EXIT.ok;
    }
    process.stdout.write(formatPlan(`Changes a deploy would make to ${stackName}:`, preview.plan, color) + '\n');
    if (preview.plan.refused.length > 0) process.stdout.write(`  a deploy would refuse this without ${preview.plan.refused.map((c) => `--allow-replace ${c.logicalId}`).join(' ')}\n`);
    if ((preview.plan.moves?.length ?? 0) > 0 || preview.plan.placementChange) process.stdout.write('  a deploy would refuse this without --allow-user-moves (users would move between stacks)\n');
    if (local.length > 0) {
      process.stdout.write('Template diff (deployed → new):\n' + local.map((d) => `  ${d.kind === 'added' ? '+' : d.kind === 'removed' ? '-' : '~'} ${d.logicalId}${d.paths.length ? `: ${d.paths.join(', ')}` : ''}`).join('\n') + '\n');
    }
    return EXIT.changes;
  } catch (err) {
    throw explainAwsError(err);
  }
}
