// What a change set will do, resource by resource: the facts the guard
// (guard.ts) judges. Replacement is worked out locally from the deployed and
// the new template with the registry schemas' create-only properties (moto
// gives no Replacement field, and AWS's is "Conditional" more often than
// not), and AWS's Replacement flag is honoured when it says True.
import { isDeepStrictEqual } from 'node:util';
import type { ChangeSetInfo, ResourceChange } from '../../adapters/aws/cloudformation.js';
import type { CfnTemplate } from '../template/types.js';
import { typeInfo } from '../validate/resource-types.js';
import {
  endpointChangeReason,
  isServerAddress,
  SERVER_TYPE,
  vpcSwitchOf,
} from '../endpoint/server-endpoint.js';
import { KEEP_GENERATED_KEY } from '../config/gateway-bucket.js';
import {
  type GatewayIds,
  gatewayIds,
  IDS_WITHOUT_METADATA,
  idsOfChange,
} from '../template/gateway-metadata.js';
import { guard, isStateful } from './guard.js';
import { identityProviderSwitch } from './identity-switch.js';
import { templateDiff } from './template-diff.js';
import type { Plan, PlanFacts, PlannedChange, RetainedResource, StackTemplates } from './types.js';

export type {
  Plan,
  PlanFacts,
  PlacementChange,
  PlannedChange,
  RetainedResource,
  StackTemplates,
  UserMove,
} from './types.js';

type Resource = CfnTemplate['Resources'][string];

function pointerGet(obj: unknown, pointer: string): unknown {
  let cur = obj;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Why the resource would be replaced going from `before` to `after`, if it would. */
export function replacementReason(
  before: { Type: string; Properties?: unknown },
  after: { Type: string; Properties?: unknown },
): string | undefined {
  if (before.Type !== after.Type) return `type changes from ${before.Type} to ${after.Type}`;
  const createOnly = typeInfo(after.Type)?.createOnly ?? [];
  const changed = createOnly.filter((p) => {
    const path = p.replace(/^\/properties/, '');
    return !isDeepStrictEqual(
      pointerGet(before.Properties ?? {}, path),
      pointerGet(after.Properties ?? {}, path),
    );
  });
  if (changed.length === 0) return undefined;
  const names = changed.map((p) => p.replace(/^\/properties\//, '').replace(/\//g, '.'));
  return `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} create-only and ${names.length === 1 ? 'changes' : 'change'}`;
}

function userName(r: { Properties?: unknown } | undefined): string | undefined {
  const n = (r?.Properties as Record<string, unknown> | undefined)?.UserName;
  return typeof n === 'string' ? n : undefined;
}

/** One resource's change, from its templates before and after (and what CloudFormation says, when it says). */
export interface ChangeFacts {
  action: PlannedChange['action'];
  logicalId: string;
  /** Absent when added. */
  before?: Resource;
  /** Absent when removed. */
  after?: Resource;
  /** CloudFormation's resource type, when the change set lists the change. */
  resourceType?: string;
  /** CloudFormation's Replacement ('True' | 'False' | 'Conditional'), when it says. */
  replacement?: string;
  /** The gateway's logical ids, from the templates' Metadata.sftpgw (idsOfChange); absent: none written. */
  ids?: GatewayIds;
  /** The physical id CloudFormation's change set gives, when it gives one. */
  physicalId?: string;
}

/**
 * A deletion CloudFormation turns into "remove from the stack, keep in the
 * account": the deployed template's DeletionPolicy is Retain or
 * RetainExceptOnCreate. The policy "also applies to stack update operations
 * that lead to resources being deleted from stacks", e.g. a resource removed
 * from the template, and not to resources replaced during an update
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html);
 * RetainExceptOnCreate deletes only when the operation that created the
 * resource rolls back, which a later update is not. The deployed template's
 * policy is the one that counts (the new template no longer has the
 * resource); UpdateReplacePolicy is about replacements only. A policy written
 * as an intrinsic function is not read: the deletion stays guarded.
 */
function retainedOnDeletion(f: ChangeFacts): RetainedResource | undefined {
  if (f.action !== 'remove') return undefined;
  const policy = f.before?.DeletionPolicy;
  if (policy !== 'Retain' && policy !== 'RetainExceptOnCreate') return undefined;
  return { deletionPolicy: policy, ...(f.physicalId ? { physicalId: f.physicalId } : {}) };
}

/**
 * Why the change takes the SFTP server offline and changes what partners
 * allow-list (its endpoint, its Elastic IPs), or undefined.
 */
function endpointImpact(f: ChangeFacts, type: string, replaced: boolean): string | undefined {
  // A server replaced or deleted is the stateful rule's (--allow-replace Server).
  if (type === SERVER_TYPE)
    return f.action === 'modify' && !replaced && f.before && f.after
      ? endpointChangeReason(f.before, f.after)
      : undefined;
  if (isServerAddress(f.logicalId, type, f.ids)) {
    if (f.action === 'remove')
      return 'the Elastic IP leaves the server (it is retained in the account, unused)';
    if (replaced) return 'the Elastic IP is replaced: the server gets a new address';
  }
  return undefined;
}

/**
 * A gateway bucket CloudFormation named, about to get the default name
 * (downstream turned on, or sftpgw updated): BucketName is create-only, so
 * the bucket would be replaced. sftpgw.yaml keeps the deployed one.
 */
function keepAdvice(f: ChangeFacts, type: string): string | undefined {
  const bucket = f.ids?.bucket ?? IDS_WITHOUT_METADATA.bucket;
  if (type !== 'AWS::S3::Bucket' || f.logicalId !== bucket) return undefined;
  const named = (r: Resource | undefined) =>
    (r?.Properties as Record<string, unknown> | undefined)?.BucketName !== undefined;
  if (named(f.before) || !named(f.after)) return undefined;
  return `its deployed name was generated by CloudFormation; keep it: set ${KEEP_GENERATED_KEY}: true in sftpgw.yaml (better: the deployed name, from the stack output BucketName, so the ingest topic policy names the bucket), then build and deploy again`;
}

/** The one place a PlannedChange is made. */
export function plannedChange(f: ChangeFacts): PlannedChange {
  const type = f.resourceType || f.after?.Type || f.before?.Type || '';
  const modified = f.action === 'modify';
  const why = modified && f.before && f.after ? replacementReason(f.before, f.after) : undefined;
  const change: PlannedChange = {
    action: f.action,
    logicalId: f.logicalId,
    type,
    replacement: modified && (why !== undefined || f.replacement === 'True'),
    conditional: modified && why === undefined && f.replacement === 'Conditional',
    why: why ?? (f.replacement === 'True' ? 'CloudFormation says it will be replaced' : undefined),
    stateful: isStateful(type),
    userName: type === 'AWS::Transfer::User' ? userName(f.after ?? f.before) : undefined,
  };
  const keep = change.replacement ? keepAdvice(f, type) : undefined;
  if (keep !== undefined) change.keep = keep;
  const endpoint = endpointImpact(f, type, change.replacement);
  if (endpoint !== undefined) change.endpoint = endpoint;
  const vpcSwitch =
    endpoint !== undefined && type === SERVER_TYPE ? vpcSwitchOf(f.before, f.after) : undefined;
  if (vpcSwitch !== undefined) change.vpcSwitch = vpcSwitch;
  const retained = retainedOnDeletion(f);
  if (retained !== undefined) change.retained = retained;
  // Absent, not undefined: a plan is printed as JSON and compared as data.
  if (change.why === undefined) delete change.why;
  if (change.userName === undefined) delete change.userName;
  return change;
}

const ACTION: Record<string, PlannedChange['action']> = {
  Add: 'add',
  Modify: 'modify',
  Remove: 'remove',
  Import: 'add',
  Dynamic: 'modify',
};

function fromChangeSet(
  c: ResourceChange,
  deployed: CfnTemplate | undefined,
  next: CfnTemplate,
  ids: GatewayIds,
): PlannedChange {
  return plannedChange({
    action: ACTION[c.action] ?? 'modify',
    logicalId: c.logicalId,
    before: deployed?.Resources[c.logicalId],
    after: next.Resources[c.logicalId],
    resourceType: c.resourceType,
    replacement: c.replacement,
    ids,
    physicalId: c.physicalId || undefined,
  });
}

/** A child stack's changes, from its deployed and new templates (CloudFormation lists none inside child stacks). */
function childChanges(before: CfnTemplate, after: CfnTemplate, ids: GatewayIds): PlannedChange[] {
  return templateDiff(before, after).map((d) =>
    plannedChange({
      action: d.kind === 'added' ? 'add' : d.kind === 'removed' ? 'remove' : 'modify',
      logicalId: d.logicalId,
      before: before.Resources[d.logicalId],
      after: after.Resources[d.logicalId],
      ids,
    }),
  );
}

export const ROOT = '(root stack)';

/** username → the stack that holds it: the root, or a child stack's logical id. */
export function usersByStack(t: StackTemplates): Map<string, string> {
  const out = new Map<string, string>();
  const collect = (template: CfnTemplate, where: string) => {
    for (const r of Object.values(template.Resources ?? {}))
      if (r.Type === 'AWS::Transfer::User') {
        const n = userName(r);
        if (n) out.set(n, where);
      }
  };
  collect(t.root, ROOT);
  for (const [id, child] of Object.entries(t.children)) collect(child, id);
  return out;
}

function placementOf(t: CfnTemplate | undefined): number {
  const n = (t?.Metadata as { sftpgw?: { userStacks?: unknown } } | undefined)?.sftpgw?.userStacks;
  return typeof n === 'number' ? n : 0;
}

export interface PlanInput {
  /** The change set as CloudFormation describes it. */
  changeSet: Pick<ChangeSetInfo, 'changes'>;
  /** An update: the deployed templates. Absent for a creation. */
  deployed?: StackTemplates;
  /** The templates the change set deploys. */
  next: StackTemplates;
}

/**
 * What a change set does. A creation: the change set's list. An update also:
 * replacements CloudFormation folded into "Modify" without listing them (every
 * resource in both templates is compared), what happens inside child stacks,
 * users moving between stacks, and a change of userStacks.
 */
export function planFacts({ changeSet, deployed, next }: PlanInput): PlanFacts {
  const ids = idsOfChange(deployed?.root, next.root);
  const changes = changeSet.changes.map((c) => fromChangeSet(c, deployed?.root, next.root, ids));
  if (!deployed) return { changes };
  for (const [id, after] of Object.entries(next.root.Resources)) {
    const before = deployed.root.Resources[id];
    if (!before || changes.some((c) => c.logicalId === id)) continue;
    const change = plannedChange({ action: 'modify', logicalId: id, before, after, ids });
    if (change.replacement) changes.push(change);
  }
  const nested: Array<{ stack: string; changes: PlannedChange[] }> = [];
  for (const stack of [
    ...new Set([...Object.keys(deployed.children), ...Object.keys(next.children)]),
  ].sort()) {
    const inChild = childChanges(
      deployed.children[stack] ?? { Resources: {} },
      next.children[stack] ?? { Resources: {} },
      ids,
    );
    if (inChild.length > 0) nested.push({ stack, changes: inChild });
  }
  const beforeUsers = usersByStack(deployed);
  const afterUsers = usersByStack(next);
  const moves = [...afterUsers]
    .filter(([n, to]) => beforeUsers.has(n) && beforeUsers.get(n) !== to)
    .map(([n, to]) => ({ userName: n, from: beforeUsers.get(n)!, to }));
  const from = placementOf(deployed.root);
  const to = placementOf(next.root);
  const identity = identityProviderSwitch(deployed, next, beforeUsers, afterUsers);
  const facts: PlanFacts = {
    changes,
    nested,
    moves,
    // A switch of the identity provider removes (or creates) the user
    // resources: userStacks changing with it moves no one.
    placementChange: from !== to && beforeUsers.size > 0 && !identity ? { from, to } : undefined,
  };
  if (identity) facts.identityProvider = identity;
  return facts;
}

/** The plan for a stack that does not exist yet (diff): everything is added, nothing to guard. */
export function creationPlan(next: CfnTemplate): Plan {
  const changes = Object.entries(next.Resources).map(([id, r]) =>
    plannedChange({ action: 'add', logicalId: id, after: r, ids: gatewayIds(next) }),
  );
  return guard({ changes }, { allowReplace: [] });
}
