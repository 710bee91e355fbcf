// sftpgw deploy / diff: change sets that cannot destroy data by surprise.
//
//   stack state → (wait | recreate a failed creation | CREATE | UPDATE)
//   → stale sftpgw change sets deleted → change set created (client token),
//     waited for → "no changes" is success, the empty change set deleted
//   → plan: every change, replacement worked out locally, guard refusals
//   → execute (yes / ask / leave for `--execute NAME`) → watch events
//   → outputs, or the root-cause events of a failure.
import { randomUUID } from 'node:crypto';
import type { ArtifactStore } from '../../adapters/aws/artifact-store.js';
import type { CloudFormationApi, ChangeSetInfo, StackInfo } from '../../adapters/aws/cloudformation.js';
import { SftpgwError, type Problem } from '../errors.js';
import { artifactKey, sha256, storeOnce } from '../package/package.js';
import type { Reporter } from '../reporter.js';
import { readTemplateText } from '../template/read.js';
import type { CfnTemplate } from '../template/types.js';
import { planChanges, withNestedChanges, type Plan, type PlannedChange } from './plan.js';
import { isNoChangeReason, stackState, succeeded } from './stack-status.js';
import { rootCauses, unthrottled, watchStack, type Clock } from './watch.js';

/** CloudFormation's limit for a template passed inline (TemplateBody). */
export const INLINE_TEMPLATE_LIMIT = 51_200;
const OURS = 'sftpgw';

export type Decision = 'yes' | 'ask' | 'no';

export interface ChangeSetRequest {
  stackName: string;
  /** The packaged template (code locations filled in). */
  template: CfnTemplate;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  roleArn?: string;
  /** Logical ids the guard lets be replaced or deleted. */
  allowReplace: string[];
  /** Delete and recreate a stack whose creation failed (ROLLBACK_COMPLETE). */
  recreateFailed: Decision;
  /** Key prefix for templates over 51,200 bytes (uploaded to the store). */
  templatePrefix: string;
  /** Packaged child templates by the logical id of their stack: the guard looks inside them. */
  children?: Record<string, CfnTemplate>;
  /** Let users move between stacks (a userStacks change). */
  allowUserMoves?: boolean;
}

export interface DeployRequest extends ChangeSetRequest {
  execute: Decision;
  terminationProtection?: boolean;
}

export interface DeployDeps {
  cfn: CloudFormationApi;
  /** Needed for templates over 51,200 bytes. */
  store?: ArtifactStore;
  reporter: Reporter;
  clock: Clock;
  /** Asks the operator (only called for `ask`). */
  confirm(question: string): Promise<boolean>;
}

export interface Preview {
  stackName: string;
  changeSetName: string;
  changeSetType: 'CREATE' | 'UPDATE';
  plan: Plan;
  /** The deployed root template (UPDATE), as read for the plan. */
  deployed?: CfnTemplate;
}

export type DeployResult =
  | { kind: 'no-changes'; stackName: string }
  | { kind: 'executed'; stackName: string; status: string; plan: Plan; outputs: Record<string, string> }
  | { kind: 'pending'; stackName: string; changeSetName: string; plan: Plan }
  | { kind: 'declined'; stackName: string; plan: Plan };

const failed = (message: string, hint?: string, problems?: Problem[]) => new SftpgwError('failed', message, { hint, problems });

function changeSetName(): string {
  return `${OURS}-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
}

/** The stack, once no other operation runs on it; failed creations handled. */
async function readyStack(req: ChangeSetRequest, deps: DeployDeps): Promise<StackInfo | undefined> {
  const { cfn, reporter, clock } = deps;
  for (;;) {
    const stack = await unthrottled(clock, reporter, () => cfn.describeStack(req.stackName));
    const state = stackState(stack?.status);
    if (state === 'busy') {
      reporter.progress(`stack ${req.stackName} is ${stack!.status} (another operation); waiting for it to finish`);
      await watchStack(cfn, req.stackName, new Date(clock.now()), clock, reporter);
      continue;
    }
    if (state === 'stuck') {
      throw failed(`stack ${req.stackName} is ${stack!.status}${stack!.statusReason ? `: ${stack!.statusReason}` : ''}`,
        stack!.status === 'UPDATE_ROLLBACK_FAILED'
          ? 'fix the cause, then continue the rollback (aws cloudformation continue-update-rollback) before deploying again'
          : 'it needs an operator: see its events in the CloudFormation console');
    }
    if (state === 'rollback-complete') {
      const why = `stack ${req.stackName} is ROLLBACK_COMPLETE: its creation failed and CloudFormation can only delete it`;
      const go = req.recreateFailed === 'yes' || (req.recreateFailed === 'ask' && (await deps.confirm(`${why}. Delete it and create it again?`)));
      if (!go) throw failed(why, 'run again with --recreate-failed to delete it and create it again (it holds no data: its creation never completed)');
      reporter.progress(`${why}; deleting it to create it again`);
      const since = new Date(clock.now());
      await unthrottled(clock, reporter, () => cfn.deleteStack(req.stackName, req.roleArn));
      const { stack: after } = await watchStack(cfn, req.stackName, since, clock, reporter);
      if (after && stackState(after.status) !== 'absent') throw failed(`could not delete ${req.stackName}: it is ${after.status}`, 'delete it in the CloudFormation console, then deploy again');
      continue;
    }
    if (state === 'review') {
      // A stack shell from a CREATE change set never executed (ours, left by
      // --no-execute or an interrupted run): no resources. Clean it up and
      // create afresh, unless someone else's change set waits on it.
      await deleteStaleChangeSets(deps, req.stackName);
      const others = (await unthrottled(clock, reporter, () => cfn.listChangeSets(req.stackName)))
        .filter((c) => (c.stackName === undefined || c.stackName === req.stackName) && c.executionStatus === 'AVAILABLE');
      if (others.length > 0) {
        throw failed(`stack ${req.stackName} is REVIEW_IN_PROGRESS with change set ${others.map((c) => c.name).join(', ')} waiting, not made by sftpgw`, 'execute or delete it first');
      }
      reporter.progress(`removing the empty REVIEW_IN_PROGRESS stack ${req.stackName} left by an earlier change set`);
      const since = new Date(clock.now());
      await unthrottled(clock, reporter, () => cfn.deleteStack(req.stackName, req.roleArn));
      await watchStack(cfn, req.stackName, since, clock, reporter);
      continue;
    }
    return state === 'absent' ? undefined : stack;
  }
}

async function templateSource(req: ChangeSetRequest, deps: DeployDeps): Promise<{ templateBody?: string; templateUrl?: string }> {
  const body = JSON.stringify(req.template);
  const bytes = Buffer.byteLength(body);
  if (bytes <= INLINE_TEMPLATE_LIMIT) return { templateBody: body };
  if (!deps.store) {
    throw failed(`the template is ${bytes} bytes; CloudFormation takes at most ${INLINE_TEMPLATE_LIMIT} inline`, 'set artifacts.bucket in sftpgw.yaml or pass --s3-bucket: larger templates (up to 1 MB) are uploaded and passed by URL');
  }
  const key = artifactKey(req.templatePrefix, `templates/${sha256(body)}.json`);
  await storeOnce(deps.store, key, Buffer.from(body), 'application/json');
  deps.reporter.progress(`template is ${bytes} bytes: passed by URL (s3://${deps.store.bucket}/${key})`);
  return { templateUrl: deps.store.url(key) };
}

async function waitForChangeSet(deps: DeployDeps, stackName: string, name: string): Promise<ChangeSetInfo> {
  const { cfn, clock, reporter } = deps;
  const started = clock.now();
  for (;;) {
    const cs = await unthrottled(clock, reporter, () => cfn.describeChangeSet(stackName, name));
    if (cs.status !== 'CREATE_PENDING' && cs.status !== 'CREATE_IN_PROGRESS') return cs;
    if (clock.now() - started > clock.timeoutMs) throw failed(`change set ${name} is still ${cs.status}`, 'look at it in the CloudFormation console');
    await clock.sleep(clock.pollMs);
  }
}

async function deployedTemplate(deps: DeployDeps, stackName: string, changeSetName?: string): Promise<CfnTemplate | undefined> {
  const text = await unthrottled(deps.clock, deps.reporter, () => deps.cfn.getTemplate(stackName, changeSetName));
  if (text === undefined) return undefined;
  const template = readTemplateText(text, changeSetName ? `change set ${changeSetName}` : `the deployed template of ${stackName}`);
  // moto answers `{}` for the change set of a stack that does not exist yet
  // (REVIEW_IN_PROGRESS): the plan then rests on the change set's own list.
  return { ...template, Resources: template.Resources ?? {} };
}

/** Change sets this tool left behind (a superseded --no-execute, an interrupted run). */
async function deleteStaleChangeSets(deps: DeployDeps, stackName: string): Promise<void> {
  const sets = await unthrottled(deps.clock, deps.reporter, () => deps.cfn.listChangeSets(stackName));
  // Only this stack's (moto lists every stack's), and none already executed.
  const stale = sets.filter((c) => c.description?.startsWith(OURS) && (c.stackName === undefined || c.stackName === stackName)
    && c.executionStatus !== 'EXECUTE_COMPLETE' && c.executionStatus !== 'EXECUTE_IN_PROGRESS');
  for (const s of stale) {
    deps.reporter.progress(`deleting stale change set ${s.name}`);
    await unthrottled(deps.clock, deps.reporter, () => deps.cfn.deleteChangeSet(stackName, s.name));
  }
}

/**
 * Creates a change set and works out what it does. Returns undefined when
 * there is nothing to change (the empty change set is deleted).
 */
export async function createPreview(req: ChangeSetRequest, deps: DeployDeps, purpose: 'deploy' | 'diff'): Promise<Preview | undefined> {
  const { cfn, reporter, clock } = deps;
  const stack = await readyStack(req, deps);
  const changeSetType = stack ? 'UPDATE' : 'CREATE';
  if (stack && purpose === 'deploy') await deleteStaleChangeSets(deps, req.stackName);
  const source = await templateSource(req, deps);
  const name = changeSetName();
  reporter.progress(`creating ${changeSetType === 'CREATE' ? 'a CREATE' : 'an UPDATE'} change set for ${req.stackName}`);
  await unthrottled(clock, reporter, () => cfn.createChangeSet({
    stackName: req.stackName,
    changeSetName: name,
    changeSetType,
    ...source,
    parameters: req.parameters,
    tags: req.tags,
    capabilities: req.capabilities,
    roleArn: req.roleArn,
    clientToken: randomUUID(),
    description: `${OURS} ${purpose}`,
  }));
  const cs = await waitForChangeSet(deps, req.stackName, name);
  if (cs.status === 'FAILED') {
    await unthrottled(clock, reporter, () => cfn.deleteChangeSet(req.stackName, name)).catch(() => undefined);
    if (isNoChangeReason(cs.statusReason)) return undefined;
    throw failed(`CloudFormation refused the change set for ${req.stackName}: ${cs.statusReason ?? 'no reason given'}`);
  }
  const deployed = changeSetType === 'UPDATE' ? await deployedTemplate(deps, req.stackName) : undefined;
  let plan = planChanges(cs, deployed, req.template, new Set(req.allowReplace));
  if (deployed) {
    plan = withNestedChanges(plan, deployed, await deployedChildren(deps, req.stackName, deployed), req.template, req.children ?? {}, new Set(req.allowReplace), req.allowUserMoves ?? false);
  }
  return { stackName: req.stackName, changeSetName: name, changeSetType, plan, deployed };
}

/** The deployed templates of the root's nested stacks, by logical id. */
async function deployedChildren(deps: DeployDeps, stackName: string, root: CfnTemplate): Promise<Record<string, CfnTemplate>> {
  const out: Record<string, CfnTemplate> = {};
  for (const [id, r] of Object.entries(root.Resources)) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    const physical = await unthrottled(deps.clock, deps.reporter, () => deps.cfn.physicalId(stackName, id));
    if (!physical) continue;
    const text = await unthrottled(deps.clock, deps.reporter, () => deps.cfn.getTemplate(physical));
    if (text !== undefined) out[id] = readTemplateText(text, `the deployed template of ${id}`);
  }
  return out;
}

/** Whether the guard refuses the plan. */
export function isRefused(plan: Plan): boolean {
  return plan.refused.length > 0 || (plan.moves?.length ?? 0) > 0 || plan.placementChange !== undefined;
}

export function refusal(plan: Plan, stackName: string): SftpgwError {
  const moves = plan.moves ?? [];
  if (plan.refused.length === 0 && (moves.length > 0 || plan.placementChange)) {
    const p = plan.placementChange;
    return failed(`refused: the change to ${stackName} would move ${moves.length} SFTP user${moves.length === 1 ? '' : 's'} between stacks${p ? ` (userStacks ${p.from || 'unset'} → ${p.to || 'unset'})` : ''}`,
      'a Transfer user moved between stacks is created in the new stack while the old one still holds its name: the deploy fails or the user is dropped. Nothing was changed. To change the layout on purpose, follow "Many users" in the README (two deploys) and pass --allow-user-moves',
      moves.slice(0, 10).map((m) => ({ field: m.userName, message: `${m.from} → ${m.to}` })).concat(moves.length > 10 ? [{ field: '…', message: `and ${moves.length - 10} more` }] : []));
  }
  return failed(`refused: the change to ${stackName} would replace or delete ${plan.refused.length} stateful resource${plan.refused.length === 1 ? '' : 's'}`,
    `nothing was changed. If this is intended, allow each one: ${plan.refused.map((c) => `--allow-replace ${c.logicalId}`).join(' ')}`,
    plan.refused.map((c) => ({ field: c.logicalId, message: `${c.type} would be ${c.action === 'remove' ? 'deleted' : `replaced (${c.why})`}` })));
}

async function executeAndWatch(deps: DeployDeps, req: { stackName: string; terminationProtection?: boolean }, name: string, plan: Plan): Promise<DeployResult> {
  const { cfn, clock, reporter } = deps;
  // Clocks differ: take events from a minute back, minus those already there.
  const since = new Date(clock.now() - 60_000);
  const earlier = new Set((await unthrottled(clock, reporter, () => cfn.stackEvents(req.stackName, since).catch(() => []))).map((e) => e.id));
  reporter.progress(`executing change set ${name}`);
  await unthrottled(clock, reporter, () => cfn.executeChangeSet(req.stackName, name, randomUUID()));
  const { stack, events } = await watchStack(cfn, req.stackName, since, clock, reporter, earlier);
  const status = stack?.status ?? 'DELETE_COMPLETE';
  if (!succeeded(status) || !stack) {
    const causes = rootCauses(events, req.stackName);
    throw failed(`deploying ${req.stackName} failed: the stack is ${status}`,
      status === 'ROLLBACK_COMPLETE' ? 'fix the cause, then deploy again with --recreate-failed (a failed creation can only be deleted)' : 'fix the cause and deploy again',
      causes.map((e) => ({ field: e.logicalId, message: `${e.status}: ${e.reason ?? 'no reason given'}` })));
  }
  if (req.terminationProtection !== undefined && stack.terminationProtection !== req.terminationProtection) {
    await unthrottled(clock, reporter, () => cfn.setTerminationProtection(req.stackName, req.terminationProtection!));
    reporter.progress(`termination protection ${req.terminationProtection ? 'enabled' : 'disabled'}`);
  }
  return { kind: 'executed', stackName: req.stackName, status, plan, outputs: stack.outputs };
}

export async function deploy(req: DeployRequest, deps: DeployDeps, show: (p: Preview) => void): Promise<DeployResult> {
  const preview = await createPreview(req, deps, 'deploy');
  if (!preview) return { kind: 'no-changes', stackName: req.stackName };
  show(preview);
  const { plan, changeSetName: name } = preview;
  if (isRefused(plan)) {
    await unthrottled(deps.clock, deps.reporter, () => deps.cfn.deleteChangeSet(req.stackName, name)).catch(() => undefined);
    throw refusal(plan, req.stackName);
  }
  if (req.execute === 'no') return { kind: 'pending', stackName: req.stackName, changeSetName: name, plan };
  if (req.execute === 'ask' && !(await deps.confirm(`Execute change set ${name} on ${req.stackName}?`))) {
    await unthrottled(deps.clock, deps.reporter, () => deps.cfn.deleteChangeSet(req.stackName, name)).catch(() => undefined);
    return { kind: 'declined', stackName: req.stackName, plan };
  }
  return executeAndWatch(deps, req, name, plan);
}

/** `sftpgw deploy --execute NAME`: apply a change set an earlier --no-execute left, guard included. */
export async function executeExisting(
  req: { stackName: string; changeSetName: string; allowReplace: string[]; execute: Decision; terminationProtection?: boolean },
  deps: DeployDeps,
  show: (p: Preview) => void,
): Promise<DeployResult> {
  const cs = await unthrottled(deps.clock, deps.reporter, () => deps.cfn.describeChangeSet(req.stackName, req.changeSetName)).catch((err: Error) => {
    throw failed(`no change set ${req.changeSetName} on stack ${req.stackName}: ${err.message}`, 'sftpgw deploy --no-execute prints the name of the change set it leaves');
  });
  if (cs.status !== 'CREATE_COMPLETE' || (cs.executionStatus !== undefined && cs.executionStatus !== 'AVAILABLE')) {
    throw failed(`change set ${req.changeSetName} cannot be executed: it is ${cs.status}${cs.executionStatus ? `/${cs.executionStatus}` : ''}${cs.statusReason ? ` (${cs.statusReason})` : ''}`, 'create a new one with sftpgw deploy --no-execute');
  }
  const stack = await unthrottled(deps.clock, deps.reporter, () => deps.cfn.describeStack(req.stackName));
  const isUpdate = stack !== undefined && stack.status !== 'REVIEW_IN_PROGRESS';
  const next = await deployedTemplate(deps, req.stackName, req.changeSetName);
  const deployed = isUpdate ? await deployedTemplate(deps, req.stackName) : undefined;
  const plan = planChanges(cs, deployed, next ?? { Resources: {} }, new Set(req.allowReplace));
  show({ stackName: req.stackName, changeSetName: req.changeSetName, changeSetType: isUpdate ? 'UPDATE' : 'CREATE', plan });
  if (isRefused(plan)) throw refusal(plan, req.stackName);
  if (req.execute === 'ask' && !(await deps.confirm(`Execute change set ${req.changeSetName} on ${req.stackName}?`))) {
    return { kind: 'declined', stackName: req.stackName, plan };
  }
  return executeAndWatch(deps, req, req.changeSetName, plan);
}

export type { PlannedChange };
