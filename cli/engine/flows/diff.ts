// The diff flow: what a deploy would change — CloudFormation's change set
// (created, read, deleted; never executed) and the local template diff, old
// → new. A diff writes as little as it can (the merge-request job's
// credentials stay small): for a stack that does not exist, nothing at all;
// otherwise only what CloudFormation itself reads to preview the change —
// child templates and a root template over 51,200 bytes — never the handler code.
// A lambda gateway whose template, parameters and tags are the deployed ones
// makes no change set at all (unchanged-template.ts), as its deploy does.
import { type ChangeSetSkipped, createPreview, type Plan, type Preview } from '../deploy/deploy.js';
import { directoryLocation, directoryPlan } from '../deploy/gateway-deploy.js';
import { guard } from '../deploy/guard.js';
import { creationPlan } from '../deploy/plan.js';
import { identityProviderOf } from '../template/gateway-metadata.js';
import type { DirectoryPlan } from '../deploy/types.js';
import { readTemplateText } from '../template/read.js';
import { templateDiff, type TemplateDifference } from '../deploy/template-diff.js';
import { withAddressChecks } from '../endpoint/plan-checks.js';
import { parameters } from './aws.js';
import { packaged, prepare, type StackAdapters, type StackOptions } from './stack.js';

export type DiffResult =
  /** The stack does not exist: what a deploy would create (no change set made). */
  (
    | { stackName: string; exists: false; changed: true; plan: Plan }
    | { stackName: string; exists: true; changed: false }
    | {
        stackName: string;
        exists: true;
        changed: true;
        /** No change set when only the directory changes: an empty plan. */
        plan: Plan;
        templateDiff: TemplateDifference[];
      }
  ) & {
    /** A lambda gateway: its directory against the deployed object (docs/identity-provider.md). */
    directory?: DirectoryPlan;
    /** The stack exists and no change set was made: the template, parameters and tags are the deployed ones. */
    changeSetSkipped?: ChangeSetSkipped;
  };

export interface DiffOptions extends StackOptions {
  /** --allow-host-key-change: shown as allowed rather than refused. */
  allowHostKeyChange?: boolean;
  /** --allow-identity-provider-change: a switch shown as allowed rather than refused. */
  allowIdentityProviderChange?: boolean;
}

export async function diff(opts: DiffOptions, adapters: StackAdapters): Promise<DiffResult> {
  const prepared = await prepare(opts, adapters);
  const { input, ctx, deps, stackName } = prepared;
  const stack = await deps.cfn.describeStack(stackName);
  if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
    // No change set (it would leave an empty stack behind), and so nothing to upload.
    // The Elastic IPs it would allocate are checked against the quota all the same.
    const plan = await withAddressChecks(creationPlan(input.template), deps, {
      stackName,
      next: { root: input.template, children: {} },
    });
    const directory = input.directory
      ? await directoryPlan(undefined, {
          directory: input.directory.directory,
          directoryText: input.directory.text,
        })
      : undefined;
    return { stackName, exists: false, changed: true, plan, ...(directory ? { directory } : {}) };
  }
  // A lambda gateway's directory against the deployed object (read only).
  let directory: DirectoryPlan | undefined;
  if (input.directory) {
    const text = await deps.cfn.getTemplate(stackName);
    const deployedRoot =
      text === undefined
        ? undefined
        : readTemplateText(text, `the deployed template of ${stackName}`);
    const at = deployedRoot ? await directoryLocation(deps, stackName, deployedRoot) : undefined;
    directory = await directoryPlan(at ? ctx.directoryStore(at) : undefined, {
      directory: input.directory.directory,
      directoryText: input.directory.text,
    });
  }
  const withDirectory = directory ? { directory } : {};
  const { template, children } = await packaged(prepared, 'preview');
  const preview = await createPreview(
    {
      stackName,
      template,
      parameters: parameters(input.config, opts.parameters),
      tags: input.config.tags,
      capabilities: input.config.deploy.capabilities,
      roleArn: input.config.deploy.roleArn ?? undefined,
      allowReplace: [],
      allowHostKeyChange: opts.allowHostKeyChange ?? false,
      allowIdentityProviderChange: opts.allowIdentityProviderChange ?? false,
      recreateFailed: 'no',
      templatePrefix: ctx.prefix,
      children,
      // As the deploy of a lambda gateway: no change set for an unchanged template.
      skipWhenUnchanged: identityProviderOf(template) === 'lambda',
    },
    deps,
    'diff',
  );
  if ('noChanges' in preview) {
    const skipped = preview.skipped ? { changeSetSkipped: preview.skipped } : {};
    // The template is up to date; a directory that differs is still a change (exit 3).
    if (directory && !directory.unchanged)
      return {
        stackName,
        exists: true,
        changed: true,
        plan: guard({ changes: [] }, { allowReplace: [] }),
        templateDiff: [],
        directory,
        ...skipped,
      };
    return { stackName, exists: true, changed: false, ...withDirectory, ...skipped };
  }
  await deps.cfn.deleteChangeSet(stackName, preview.changeSetName).catch(() => undefined);
  deps.reporter.phase?.({ kind: 'local' });
  return {
    stackName,
    exists: true,
    changed: true,
    plan: preview.plan,
    templateDiff: templateDiffs(preview),
    ...withDirectory,
  };
}

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
