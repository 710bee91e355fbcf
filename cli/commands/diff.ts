// sftpgw diff: what a deploy would change — CloudFormation's change set
// (created, read, deleted; never executed) and the local template diff.
// Exit 0 when nothing would change, EXIT.changes (3) otherwise.
import { explainAwsError } from '../adapters/aws/clients.js';
import { createPreview } from '../engine/deploy/deploy.js';
import { creationPlan, templateDiff } from '../engine/deploy/plan.js';
import { EXIT } from '../main.js';
import { consoleReporter, useColor } from '../output.js';
import { formatPlan } from '../plan-text.js';
import { parameters } from './aws-context.js';
import { prepare, type StackFlags } from './deploy-shared.js';

export async function run(flags: StackFlags & { output?: 'text' | 'json' }): Promise<number> {
  const json = flags.output === 'json';
  const reporter = consoleReporter({ ...flags, quiet: json });
  const color = useColor(flags);
  // --output json: one document on stdout, the same facts as the text.
  const emit = (doc: Record<string, unknown>, text: () => string): void => {
    process.stdout.write(json ? JSON.stringify({ stackName: flags.stackName, ...doc }, null, 2) + '\n' : text());
  };
  try {
    const { input, ctx, template, children, deps, stackName } = await prepare(flags, reporter);
    const stack = await deps.cfn.describeStack(stackName);
    if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
      // No change set for a stack that does not exist: creating one would leave an empty stack behind.
      const plan = creationPlan(template);
      emit({ stackName, exists: false, changed: true, plan }, () => formatPlan(`${stackName} does not exist yet; a deploy would create:`, plan, color) + '\n');
      return EXIT.changes;
    }
    const preview = await createPreview({
      stackName, template, parameters: parameters(input.config, flags.parameter), tags: input.config.tags,
      capabilities: input.config.deploy.capabilities, roleArn: input.config.deploy.roleArn ?? undefined,
      allowReplace: [], recreateFailed: 'no', templatePrefix: ctx.prefix, children,
    }, deps, 'diff');
    if (!preview) {
      emit({ stackName, exists: true, changed: false }, () => `no changes: ${stackName} is up to date\n`);
      return EXIT.ok;
    }
    await deps.cfn.deleteChangeSet(stackName, preview.changeSetName).catch(() => undefined);
    const plan = preview.plan;
    const local = templateDiff(preview.deployed, template);
    emit({ stackName, exists: true, changed: true, plan, templateDiff: local }, () => {
      let out = formatPlan(`Changes a deploy would make to ${stackName}:`, plan, color) + '\n';
      if (plan.refused.length > 0) out += `  a deploy would refuse this without ${plan.refused.map((c) => `--allow-replace ${c.logicalId}`).join(' ')}\n`;
      if ((plan.moves?.length ?? 0) > 0 || plan.placementChange) out += '  a deploy would refuse this without --allow-user-moves (users would move between stacks)\n';
      if (local.length > 0) out += 'Template diff (deployed → new):\n' + local.map((d) => `  ${d.kind === 'added' ? '+' : d.kind === 'removed' ? '-' : '~'} ${d.logicalId}${d.paths.length ? `: ${d.paths.join(', ')}` : ''}`).join('\n') + '\n';
      return out;
    });
    return EXIT.changes;
  } catch (err) {
    throw explainAwsError(err);
  }
}
