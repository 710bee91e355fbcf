// sftpgw diff: what a deploy would change — CloudFormation's change set
// (created, read, deleted; never executed) and the local template diff, old
// → new. Exit 0 when nothing would change, EXIT.changes (3) otherwise.
// A diff writes as little as it can (the merge-request job's credentials
// stay small): for a stack that does not exist, nothing at all; otherwise
// only what CloudFormation itself reads to preview the change — child
// templates and a root template over 51,200 bytes — never the handler code.
import { createPreview, type Preview } from '../engine/deploy/deploy.js';
import { creationPlan } from '../engine/deploy/plan.js';
import { withAddressChecks } from '../engine/endpoint/plan-checks.js';
import { templateDiff, type TemplateDifference } from '../engine/deploy/template-diff.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { consoleReporter, useColor } from '../output.js';
import { diffDocument } from '../output-schemas/diff.js';
import { formatPlan, formatTemplateDiff } from '../plan-text.js';
import { parameters } from './aws-context.js';
import { packaged, prepare, type StackFlags } from './deploy-shared.js';

/** The root's differences, then each child stack's (ids qualified `Child/Id`). */
function templateDiffs(preview: Preview): TemplateDifference[] {
  const deployed = preview.deployed;
  const children = [
    ...new Set([...Object.keys(deployed?.children ?? {}), ...Object.keys(preview.next.children)]),
  ].sort();
  return [
    ...templateDiff(deployed?.root, preview.next.root),
    ...children.flatMap((stack) =>
      templateDiff(
        deployed?.children[stack] ?? { Resources: {} },
        preview.next.children[stack] ?? { Resources: {} },
      ).map((d) => ({ ...d, logicalId: `${stack}/${d.logicalId}` })),
    ),
  ];
}

export async function run(flags: StackFlags & { output?: 'text' | 'json' }): Promise<ExitCode> {
  const json = flags.output === 'json';
  const reporter = consoleReporter({ ...flags, quiet: json });
  const color = useColor(flags);
  // --output json: one document on stdout, the same facts as the text.
  const emit = (doc: Parameters<typeof diffDocument>[0], text: () => string): void => {
    process.stdout.write(json ? JSON.stringify(diffDocument(doc), null, 2) + '\n' : text());
  };
  const prepared = await prepare(flags, reporter);
  const { input, ctx, deps, stackName } = prepared;
  const stack = await deps.cfn.describeStack(stackName);
  if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
    // No change set (it would leave an empty stack behind), and so nothing to upload.
    // The Elastic IPs it would allocate are checked against the quota all the same.
    const plan = await withAddressChecks(creationPlan(input.template), deps, {
      stackName,
      next: { root: input.template, children: {} },
    });
    emit(
      { stackName, exists: false, changed: true, plan },
      () =>
        formatPlan(`${stackName} does not exist yet; a deploy would create:`, plan, color) + '\n',
    );
    return EXIT.changes;
  }
  const { template, children } = await packaged(prepared, 'preview', reporter);
  const preview = await createPreview(
    {
      stackName,
      template,
      parameters: parameters(input.config, flags.parameter),
      tags: input.config.tags,
      capabilities: input.config.deploy.capabilities,
      roleArn: input.config.deploy.roleArn ?? undefined,
      allowReplace: [],
      recreateFailed: 'no',
      templatePrefix: ctx.prefix,
      children,
    },
    deps,
    'diff',
  );
  if (!preview) {
    emit(
      { stackName, exists: true, changed: false },
      () => `no changes: ${stackName} is up to date\n`,
    );
    return EXIT.ok;
  }
  await deps.cfn.deleteChangeSet(stackName, preview.changeSetName).catch(() => undefined);
  reporter.phase?.({ kind: 'local' });
  const plan = preview.plan;
  const local = templateDiffs(preview);
  emit({ stackName, exists: true, changed: true, plan, templateDiff: local }, () => {
    let out = formatPlan(`Changes a deploy would make to ${stackName}:`, plan, color) + '\n';
    if (plan.refused.length > 0)
      out += `  a deploy would refuse this without ${plan.refused.map((c) => `--allow-replace ${c.logicalId}`).join(' ')}\n`;
    if (plan.endpoint)
      out +=
        '  a deploy would refuse this without --allow-endpoint-change (the server stops; partners must be told the addresses above)\n';
    if (plan.addressQuota?.exceeded)
      out +=
        '  a deploy would refuse this: more Elastic IPs than the quota (sftpgw deploy says how to raise it)\n';
    if ((plan.moves?.length ?? 0) > 0 || plan.placementChange)
      out +=
        '  a deploy would refuse this without --allow-user-moves (users would move between stacks)\n';
    if (local.length > 0) out += formatTemplateDiff(local, color) + '\n';
    return out;
  });
  return EXIT.changes;
}
