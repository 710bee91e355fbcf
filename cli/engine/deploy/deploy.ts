// sftpgw deploy / diff: change sets that cannot destroy data by surprise.
//
//   a change set: created from a template —
//       stack state → (wait | recreate a failed creation | CREATE | UPDATE)
//       → stale sftpgw change sets deleted; one waiting for review is
//       refused, asked about or replaced (pending.ts) → change set created
//       (client token), waited for → "no changes" is success, the empty one deleted
//       — or, asked to (skipWhenUnchanged: a lambda gateway), none at all when
//       the template, parameters and tags are the deployed ones
//       (unchanged-template.ts): "template unchanged: no change set"
//     or one an earlier `--no-execute` left (`--execute NAME`), its templates
//       read back from CloudFormation (GetTemplate of the change set) and S3
//   → ONE plan (plan.ts): the deployed root and child templates against the
//     change set's, every change, replacement worked out locally, users moving
//   → ONE guard (guard.ts) → execute (yes / ask / leave for `--execute NAME`)
//   → watch events → outputs, or the root-cause events of a failure.
// Both ways into a change set meet in deploy(): the plan and the guard are
// the same code whichever way the change set came (as the AWS CDK's deploy
// checks and executes a change set it made or was handed). Throttled calls
// are retried by the CloudFormation client (cli/adapters/aws/retry.ts), not
// here. Each step is reported as a phase (reporter.phase, ../phase.ts): what
// stays behind in AWS if the run is interrupted there.
import { randomUUID } from 'node:crypto';
import type { ArtifactStore } from '../../adapters/aws/artifact-store.js';
import type {
  CloudFormationApi,
  ChangeSetInfo,
  ChangeSetSummary,
  StackInfo,
} from '../../adapters/aws/cloudformation.js';
import { SftpgwError, type Problem } from '../errors.js';
import { artifactKey, sha256, storeOnce } from '../package/package.js';
import type { Reporter } from '../reporter.js';
import type { AddressApi } from '../../adapters/aws/ec2.js';
import { withAddressChecks } from '../endpoint/plan-checks.js';
import type { TransferApi } from '../../adapters/aws/transfer.js';
import { withHostKeyFacts } from '../host-keys/plan-checks.js';
import type { SecretReader } from '../host-keys/secret-key.js';
import { readTemplateText } from '../template/read.js';
import type { CfnTemplate } from '../template/types.js';
import type { Phase } from '../phase.js';
import { changeSetCapabilities } from './capabilities.js';
import { deployBody, INLINE_TEMPLATE_LIMIT } from '../template/deploy-body.js';
import {
  changeSetsOf,
  clearChangeSets,
  describeChangeSet,
  OURS,
  type PendingDecision,
} from './pending.js';
import { guard, isRefused, refusal, type GuardOptions } from './guard.js';
import { planFacts } from './plan.js';
import { withRetainedIds } from './retained-ids.js';
import type { Plan, PlannedChange, StackTemplates } from './types.js';
import { isNoChangeReason, stackState, succeeded } from './stack-status.js';
import { type ChangeSetSkipped, unchangedTemplate } from './unchanged-template.js';
import { rootCauses, watchStack, type Clock } from './watch.js';

export { INLINE_TEMPLATE_LIMIT };

export type Decision = PendingDecision;

/** A change set to create from a template. */
export interface ChangeSetRequest extends GuardOptions {
  stackName: string;
  /** The packaged template (code locations filled in). */
  template: CfnTemplate;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  roleArn?: string;
  /** Delete and recreate a stack whose creation failed (ROLLBACK_COMPLETE). */
  recreateFailed: Decision;
  /**
   * Change sets of the stack waiting for review: delete them first ('yes',
   * --replace-pending), ask, or refuse ('no', the default). A deploy never
   * executes over them (CloudFormation would delete them).
   */
  replacePending?: Decision;
  /** Key prefix for templates over 51,200 bytes (uploaded to the store). */
  templatePrefix: string;
  /** Packaged child templates by the logical id of their stack: the guard looks inside them. */
  children?: Record<string, CfnTemplate>;
  /**
   * Make no change set for a stable stack whose deployed template,
   * parameters and tags are the ones this change set would carry
   * (unchanged-template.ts): a lambda gateway's user-only change
   * (docs/deploy.md#a-lambda-gateway-the-directory). Unset: always a change set.
   */
  skipWhenUnchanged?: boolean;
}

/** A change set an earlier `deploy --no-execute` left, to apply. */
export interface ExistingChangeSet extends GuardOptions {
  stackName: string;
  changeSetName: string;
}

export type DeployRequest = (ChangeSetRequest | ExistingChangeSet) & {
  execute: Decision;
  terminationProtection?: boolean;
};

/** Reads a template CloudFormation would read from a TemplateURL (a child stack's). */
export interface TemplateReader {
  read(url: string): Promise<string>;
}

export interface DeployDeps {
  cfn: CloudFormationApi;
  /** Needed for templates over 51,200 bytes. */
  store?: ArtifactStore;
  /** Reads child templates by URL, for a change set whose children are not at hand (`--execute NAME`). */
  templates?: TemplateReader;
  reporter: Reporter;
  clock: Clock;
  /** Asks the operator (only called for `ask`). */
  confirm(question: string): Promise<boolean>;
  /** EC2 and Service Quotas, made on first use: the partner notice and the Elastic IP quota. */
  addresses?: () => Promise<AddressApi>;
  /** Transfer Family and Secrets Manager, made on first use: the host keys before and after. */
  transfer?: () => Promise<TransferApi>;
  secrets?: () => Promise<SecretReader>;
}

export interface Preview {
  stackName: string;
  changeSetName: string;
  changeSetType: 'CREATE' | 'UPDATE';
  plan: Plan;
  /** The deployed templates (UPDATE), as read for the plan. */
  deployed?: StackTemplates;
  /** The change set's templates, as planned. */
  next: StackTemplates;
}

/** A change set, however it came: made by this run from a template, or left by an earlier one. */
interface ChangeSet {
  stackName: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  info: ChangeSetInfo;
  /** The templates it deploys, as far as they are at hand (the rest are read by URL). */
  next: { root?: CfnTemplate; children: Record<string, CfnTemplate> };
  /** Made by this run: deleted when refused or declined. */
  ours: boolean;
}

export type { ChangeSetSkipped };

export type DeployResult =
  | {
      kind: 'no-changes';
      stackName: string;
      /** Set when no change set was made at all (the template is the deployed one); absent: CloudFormation answered "no changes". */
      skipped?: ChangeSetSkipped;
    }
  | {
      kind: 'executed';
      stackName: string;
      status: string;
      plan: Plan;
      outputs: Record<string, string>;
    }
  | { kind: 'pending'; stackName: string; changeSetName: string; plan: Plan }
  | { kind: 'declined'; stackName: string; plan: Plan };

const failed = (message: string, hint?: string, problems?: Problem[]) =>
  new SftpgwError('failed', message, { hint, problems });

const phase = (deps: { reporter: Reporter }, p: Phase): void => deps.reporter.phase?.(p);

function changeSetName(): string {
  return `${OURS}-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
}

/** The stack, once no other operation runs on it; failed creations handled. */
async function readyStack(req: ChangeSetRequest, deps: DeployDeps): Promise<StackInfo | undefined> {
  const { cfn, reporter, clock } = deps;
  for (;;) {
    const stack = await cfn.describeStack(req.stackName);
    const state = stackState(stack?.status);
    if (state === 'busy') {
      reporter.progress(
        `stack ${req.stackName} is ${stack!.status} (another operation); waiting for it to finish`,
      );
      phase(deps, { kind: 'waiting', stackName: req.stackName, status: stack!.status });
      await watchStack(deps, req.stackName, { since: new Date(clock.now()) });
      phase(deps, { kind: 'local' });
      continue;
    }
    if (state === 'stuck') {
      throw failed(
        `stack ${req.stackName} is ${stack!.status}${stack!.statusReason ? `: ${stack!.statusReason}` : ''}`,
        stack!.status === 'UPDATE_ROLLBACK_FAILED'
          ? 'fix the cause, then continue the rollback (aws cloudformation continue-update-rollback) before deploying again'
          : 'it needs an operator: see its events in the CloudFormation console',
      );
    }
    if (state === 'rollback-complete') {
      const why = `stack ${req.stackName} is ROLLBACK_COMPLETE: its creation failed and CloudFormation can only delete it`;
      const go =
        req.recreateFailed === 'yes' ||
        (req.recreateFailed === 'ask' &&
          (await deps.confirm(`${why}. Delete it and create it again?`)));
      if (!go)
        throw failed(
          why,
          'run again with --recreate-failed to delete it and create it again (it holds no data: its creation never completed)',
        );
      reporter.progress(`${why}; deleting it to create it again`);
      const since = new Date(clock.now());
      phase(deps, { kind: 'deleting-stack', stackName: req.stackName });
      await cfn.deleteStack(req.stackName, req.roleArn);
      const { stack: after } = await watchStack(deps, req.stackName, { since });
      phase(deps, { kind: 'local' });
      if (after && stackState(after.status) !== 'absent')
        throw failed(
          `could not delete ${req.stackName}: it is ${after.status}`,
          'delete it in the CloudFormation console, then deploy again',
        );
      continue;
    }
    if (state === 'review') {
      // A stack shell from a CREATE change set never executed: no resources.
      // Its change sets in review are refused, asked about or replaced
      // (pending.ts) like an existing stack's; then the shell is removed and
      // the stack created afresh.
      await clearChangeSets(deps, req.stackName, req.replacePending ?? 'no');
      reporter.progress(
        `removing the empty REVIEW_IN_PROGRESS stack ${req.stackName} left by an earlier change set`,
      );
      const since = new Date(clock.now());
      phase(deps, { kind: 'deleting-stack', stackName: req.stackName });
      await cfn.deleteStack(req.stackName, req.roleArn);
      await watchStack(deps, req.stackName, { since });
      phase(deps, { kind: 'local' });
      continue;
    }
    return state === 'absent' ? undefined : stack;
  }
}

async function templateSource(
  req: ChangeSetRequest,
  deps: DeployDeps,
): Promise<{ templateBody?: string; templateUrl?: string }> {
  const body = deployBody(req.template);
  const bytes = Buffer.byteLength(body);
  if (bytes <= INLINE_TEMPLATE_LIMIT) return { templateBody: body };
  if (!deps.store) {
    throw failed(
      `the template is ${bytes} bytes; CloudFormation takes at most ${INLINE_TEMPLATE_LIMIT} inline`,
      'set artifacts.bucket in sftpgw.yaml or pass --s3-bucket: larger templates (up to 1 MB) are uploaded and passed by URL',
    );
  }
  const key = artifactKey(req.templatePrefix, `templates/${sha256(body)}.json`);
  phase(deps, { kind: 'upload', url: `s3://${deps.store.bucket}/${key}` });
  await storeOnce(deps.store, key, Buffer.from(body), 'application/json');
  phase(deps, { kind: 'local' });
  deps.reporter.progress(
    `template is ${bytes} bytes: passed by URL (s3://${deps.store.bucket}/${key})`,
  );
  return { templateUrl: deps.store.url(key) };
}

async function waitForChangeSet(
  deps: DeployDeps,
  stackName: string,
  name: string,
): Promise<ChangeSetInfo> {
  const { cfn, clock } = deps;
  const started = clock.now();
  for (;;) {
    const cs = await cfn.describeChangeSet(stackName, name);
    if (cs.status !== 'CREATE_PENDING' && cs.status !== 'CREATE_IN_PROGRESS') return cs;
    if (clock.now() - started > clock.timeoutMs)
      throw failed(
        `change set ${name} is still ${cs.status}`,
        'look at it in the CloudFormation console',
      );
    await clock.sleep(clock.pollMs);
  }
}

async function deployedTemplate(
  deps: DeployDeps,
  stackName: string,
  changeSetName?: string,
): Promise<CfnTemplate | undefined> {
  const text = await deps.cfn.getTemplate(stackName, changeSetName);
  if (text === undefined) return undefined;
  const template = readTemplateText(
    text,
    changeSetName ? `change set ${changeSetName}` : `the deployed template of ${stackName}`,
  );
  // AWS answers a change set's own template (GetTemplate with ChangeSetName).
  // moto ignores ChangeSetName: it answers the stack's current template, `{}`
  // for a stack that does not exist yet (REVIEW_IN_PROGRESS), where the plan
  // then rests on the change set's own list; test/deploy/deploy-engine.unit.test.ts plays
  // AWS's part for the rest.
  return { ...template, Resources: template.Resources ?? {} };
}

/** Nothing to change: CloudFormation said so (the empty change set deleted), or no change set was needed to know it. */
export interface NoChangeSet {
  noChanges: true;
  skipped?: ChangeSetSkipped;
}

/** The capabilities the change set carries: the configured ones, and what named IAM resources need. */
function capabilitiesOf(req: ChangeSetRequest): string[] {
  return changeSetCapabilities(req.capabilities, [
    req.template,
    ...Object.values(req.children ?? {}),
  ]);
}

/** skipWhenUnchanged: whether the stack already has what the change set would carry. */
async function skipChangeSet(
  req: ChangeSetRequest,
  stack: StackInfo,
  deps: DeployDeps,
): Promise<ChangeSetSkipped | undefined> {
  const decision = unchangedTemplate({
    template: req.template,
    deployedText: await deps.cfn.getTemplate(req.stackName),
    stack,
    parameters: req.parameters,
    tags: req.tags,
    capabilities: capabilitiesOf(req),
    ...(req.roleArn ? { roleArn: req.roleArn } : {}),
  });
  if (decision.unchanged) return decision.skipped;
  deps.reporter.debug(`a change set is needed for ${req.stackName}: ${decision.why}`);
  return undefined;
}

/** Creates a change set from the request's template; NoChangeSet when there is nothing to change (the empty one is deleted, or none was made). */
async function createChangeSet(
  req: ChangeSetRequest,
  deps: DeployDeps,
  purpose: 'deploy' | 'diff',
): Promise<ChangeSet | NoChangeSet> {
  const { cfn, reporter } = deps;
  const stack = await readyStack(req, deps);
  const type = stack ? 'UPDATE' : 'CREATE';
  // A diff leaves the stack's change sets alone (it deletes only its own).
  if (stack && purpose === 'deploy')
    await clearChangeSets(deps, req.stackName, req.replacePending ?? 'no');
  // After the gate above: a change set waiting for review is refused, asked
  // about or replaced whether or not this run needs one of its own.
  if (stack && req.skipWhenUnchanged) {
    const skipped = await skipChangeSet(req, stack, deps);
    if (skipped) {
      reporter.progress(
        `template unchanged: no change set for ${req.stackName} (${skipped.detail})`,
      );
      return { noChanges: true, skipped };
    }
  }
  const source = await templateSource(req, deps);
  const name = changeSetName();
  const asPhase = (state: 'creating' | 'review'): Phase => ({
    kind: 'change-set',
    stackName: req.stackName,
    changeSetName: name,
    state,
    made: purpose,
  });
  reporter.progress(
    `creating ${type === 'CREATE' ? 'a CREATE' : 'an UPDATE'} change set for ${req.stackName}`,
  );
  phase(deps, asPhase('creating'));
  await cfn.createChangeSet({
    stackName: req.stackName,
    changeSetName: name,
    changeSetType: type,
    ...source,
    parameters: req.parameters,
    tags: req.tags,
    capabilities: capabilitiesOf(req),
    roleArn: req.roleArn,
    clientToken: randomUUID(),
    description: `${OURS} ${purpose}`,
  });
  const info = await waitForChangeSet(deps, req.stackName, name);
  if (info.status === 'FAILED') {
    await cfn.deleteChangeSet(req.stackName, name).catch(() => undefined);
    phase(deps, { kind: 'local' });
    if (isNoChangeReason(info.statusReason)) return { noChanges: true };
    throw failed(
      `CloudFormation refused the change set for ${req.stackName}: ${info.statusReason ?? 'no reason given'}`,
    );
  }
  phase(deps, asPhase('review'));
  return {
    stackName: req.stackName,
    name,
    type,
    info,
    next: { root: req.template, children: req.children ?? {} },
    ours: true,
  };
}

/** A change set an earlier run left: checked to be executable; its templates are read back when planned. */
async function existingChangeSet(req: ExistingChangeSet, deps: DeployDeps): Promise<ChangeSet> {
  const info = await deps.cfn
    .describeChangeSet(req.stackName, req.changeSetName)
    .catch((err: Error) => {
      if (!/ChangeSetNotFound|does not exist/i.test(`${err.name} ${err.message}`)) throw err;
      return undefined;
    });
  if (!info) {
    // Name the ones that are there: the name may be mistyped, or the change
    // set gone (executing another one deletes it).
    const { pending } = await changeSetsOf(deps, req.stackName).catch(() => ({
      pending: [] as ChangeSetSummary[],
    }));
    throw failed(
      `no change set ${req.changeSetName} on stack ${req.stackName}`,
      `${
        pending.length > 0
          ? `waiting for review on ${req.stackName}: ${pending.map((c) => `${c.name} (${describeChangeSet(c)})`).join(', ')}`
          : `no change set waits for review on ${req.stackName}`
      }. sftpgw deploy --no-execute prints the name of the change set it leaves; a change set is gone once another one of the stack was executed (CloudFormation deletes the others)`,
    );
  }
  if (
    info.status !== 'CREATE_COMPLETE' ||
    (info.executionStatus !== undefined && info.executionStatus !== 'AVAILABLE')
  ) {
    throw failed(
      `change set ${req.changeSetName} cannot be executed: it is ${info.status}${info.executionStatus ? `/${info.executionStatus}` : ''}${info.statusReason ? ` (${info.statusReason})` : ''}`,
      'create a new one with sftpgw deploy --no-execute',
    );
  }
  const stack = await deps.cfn.describeStack(req.stackName);
  const type = stack !== undefined && stack.status !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
  phase(deps, {
    kind: 'change-set',
    stackName: req.stackName,
    changeSetName: req.changeSetName,
    state: 'review',
    made: 'earlier',
  });
  return {
    stackName: req.stackName,
    name: req.changeSetName,
    type,
    info,
    next: { children: {} },
    ours: false,
  };
}

/**
 * The child templates a root template names: those at hand, the others read
 * from their TemplateURL as CloudFormation will read them. The guard needs
 * every child: one it cannot read is an error, not a child left unchecked.
 */
async function childTemplates(
  root: CfnTemplate,
  atHand: Record<string, CfnTemplate>,
  deps: DeployDeps,
): Promise<Record<string, CfnTemplate>> {
  const out: Record<string, CfnTemplate> = {};
  for (const [id, r] of Object.entries(root.Resources)) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    if (atHand[id]) {
      out[id] = atHand[id];
      continue;
    }
    const url = (r.Properties as { TemplateURL?: unknown } | undefined)?.TemplateURL;
    if (typeof url !== 'string')
      throw failed(
        `${id}: its TemplateURL is not a plain URL, so the guard cannot look inside the child stack`,
        'give AWS::CloudFormation::Stack resources a literal TemplateURL (sftpgw package writes one)',
      );
    if (!deps.templates)
      throw failed(
        `${id}: cannot read its template ${url}`,
        'set artifacts.bucket in sftpgw.yaml or pass --s3-bucket',
      );
    out[id] = readTemplateText(await deps.templates.read(url), `the template of ${id} (${url})`);
  }
  return out;
}

/**
 * The plan of a change set, however it came: the deployed templates (root
 * and children) against the change set's. Used by deploy and diff alike.
 */
async function planChangeSet(
  deps: DeployDeps,
  cs: ChangeSet,
  options: GuardOptions,
): Promise<Preview> {
  const root = cs.next.root ??
    (await deployedTemplate(deps, cs.stackName, cs.name)) ?? { Resources: {} };
  // A creation has nothing to guard inside its children: they are read only for an update.
  const next: StackTemplates = {
    root,
    children:
      cs.type === 'UPDATE' ? await childTemplates(root, cs.next.children, deps) : cs.next.children,
  };
  let deployed: StackTemplates | undefined;
  if (cs.type === 'UPDATE') {
    const deployedRoot = (await deployedTemplate(deps, cs.stackName)) ?? { Resources: {} };
    deployed = {
      root: deployedRoot,
      children: await deployedChildren(deps, cs.stackName, deployedRoot),
    };
  }
  const facts = await withHostKeyFacts(
    await withRetainedIds(
      planFacts({ changeSet: cs.info, deployed, next }),
      deps.cfn,
      cs.stackName,
    ),
    deps,
    {
      stackName: cs.stackName,
      deployed,
      next,
    },
  );
  const plan = await withAddressChecks(guard(facts, options), deps, {
    stackName: cs.stackName,
    deployed,
    next,
  });
  return {
    stackName: cs.stackName,
    changeSetName: cs.name,
    changeSetType: cs.type,
    plan,
    deployed,
    next,
  };
}

/**
 * Creates a change set and works out what it does (sftpgw diff). Returns
 * NoChangeSet when there is nothing to change (the empty change set is
 * deleted, or, with skipWhenUnchanged, none was made).
 */
export async function createPreview(
  req: ChangeSetRequest,
  deps: DeployDeps,
  purpose: 'deploy' | 'diff',
): Promise<Preview | NoChangeSet> {
  const cs = await createChangeSet(req, deps, purpose);
  return 'noChanges' in cs ? cs : planOrDiscard(deps, cs, req);
}

/**
 * The plan of a change set; one this run made is deleted when planning
 * fails (a host key whose secret cannot be read, a child template that
 * cannot be read): the error's "nothing was changed" holds, and the next
 * deploy finds no change set waiting for review.
 */
async function planOrDiscard(
  deps: DeployDeps,
  cs: ChangeSet,
  options: GuardOptions,
): Promise<Preview> {
  try {
    return await planChangeSet(deps, cs, options);
  } catch (err) {
    if (cs.ours) {
      await deps.cfn.deleteChangeSet(cs.stackName, cs.name).catch(() => undefined);
      phase(deps, { kind: 'local' });
    }
    throw err;
  }
}

/** The deployed templates of the root's nested stacks, by logical id. */
async function deployedChildren(
  deps: DeployDeps,
  stackName: string,
  root: CfnTemplate,
): Promise<Record<string, CfnTemplate>> {
  const out: Record<string, CfnTemplate> = {};
  for (const [id, r] of Object.entries(root.Resources)) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    const physical = await deps.cfn.physicalId(stackName, id);
    if (!physical) continue;
    const text = await deps.cfn.getTemplate(physical);
    if (text !== undefined) out[id] = readTemplateText(text, `the deployed template of ${id}`);
  }
  return out;
}

async function executeAndWatch(
  deps: DeployDeps,
  req: { stackName: string; terminationProtection?: boolean },
  name: string,
  type: 'CREATE' | 'UPDATE',
  plan: Plan,
): Promise<DeployResult> {
  const { cfn, clock, reporter } = deps;
  // Clocks differ: take events from a minute back, minus those already there.
  const since = new Date(clock.now() - 60_000);
  const earlier = new Set(
    (await cfn.stackEvents(req.stackName, since).catch(() => [])).map((e) => e.id),
  );
  reporter.progress(`executing change set ${name}`);
  // From the call on, CloudFormation may be changing the stack: an
  // interruption stops the watching, not the update.
  phase(deps, { kind: 'executing', stackName: req.stackName, changeSetName: name, type });
  await cfn.executeChangeSet(req.stackName, name, randomUUID());
  const { stack, events } = await watchStack(deps, req.stackName, { since, earlier });
  const status = stack?.status ?? 'DELETE_COMPLETE';
  phase(deps, { kind: 'settled', stackName: req.stackName, status });
  if (!succeeded(status) || !stack) {
    const causes = rootCauses(events, req.stackName);
    throw failed(
      `deploying ${req.stackName} failed: the stack is ${status}`,
      status === 'ROLLBACK_COMPLETE'
        ? 'fix the cause, then deploy again with --recreate-failed (a failed creation can only be deleted)'
        : 'fix the cause and deploy again',
      causes.map((e) => ({
        field: e.logicalId,
        message: `${e.status}: ${e.reason ?? 'no reason given'}`,
      })),
    );
  }
  if (
    req.terminationProtection !== undefined &&
    stack.terminationProtection !== req.terminationProtection
  ) {
    await cfn.setTerminationProtection(req.stackName, req.terminationProtection!);
    reporter.progress(
      `termination protection ${req.terminationProtection ? 'enabled' : 'disabled'}`,
    );
  }
  return { kind: 'executed', stackName: req.stackName, status, plan, outputs: stack.outputs };
}

/**
 * sftpgw deploy, with a template (`deploy`) or a change set an earlier
 * `--no-execute` left (`deploy --execute NAME`): one path from the change set
 * on — plan, guard, execute — whichever way it came.
 */
export async function deploy(
  req: DeployRequest,
  deps: DeployDeps,
  show: (p: Preview) => void,
): Promise<DeployResult> {
  const cs =
    'changeSetName' in req
      ? await existingChangeSet(req, deps)
      : await createChangeSet(req, deps, 'deploy');
  if ('noChanges' in cs)
    return {
      kind: 'no-changes',
      stackName: req.stackName,
      ...(cs.skipped ? { skipped: cs.skipped } : {}),
    };
  const preview = await planOrDiscard(deps, cs, req);
  show(preview);
  const { plan } = preview;
  // A change set this run made goes when it is not executed; one an earlier
  // run left stays for its owner (run again with the --allow-* flags it needs).
  const discard = async () => {
    if (!cs.ours) return;
    await deps.cfn.deleteChangeSet(cs.stackName, cs.name).catch(() => undefined);
    phase(deps, { kind: 'local' });
  };
  if (isRefused(plan)) {
    await discard();
    throw refusal(plan, cs.stackName);
  }
  if (req.execute === 'no')
    return { kind: 'pending', stackName: cs.stackName, changeSetName: cs.name, plan };
  if (!cs.ours) await warnOthersGo(deps, cs);
  if (
    req.execute === 'ask' &&
    !(await deps.confirm(`Execute change set ${cs.name} on ${cs.stackName}?`))
  ) {
    await discard();
    return { kind: 'declined', stackName: cs.stackName, plan };
  }
  return executeAndWatch(deps, req, cs.name, cs.type, plan);
}

/** `--execute NAME`: the stack's other change sets in review go when it executes; say which. */
async function warnOthersGo(deps: DeployDeps, cs: ChangeSet): Promise<void> {
  const { pending } = await changeSetsOf(deps, cs.stackName).catch(() => ({
    pending: [] as ChangeSetSummary[],
  }));
  const others = pending.filter((c) => c.name !== cs.name && c.name !== cs.info.name);
  if (others.length > 0)
    deps.reporter.warn(
      `executing ${cs.name} makes CloudFormation delete the stack's other change sets waiting for review: ${others.map((c) => `${c.name} (${describeChangeSet(c)})`).join(', ')}`,
    );
}

export type { GuardOptions, Plan, PlannedChange, StackTemplates };
