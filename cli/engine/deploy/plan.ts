// What a change set will do, resource by resource, and what the replacement
// guard refuses. Replacement is worked out locally from the deployed and the
// new template with the registry schemas' create-only properties (moto gives
// no Replacement field, and AWS's is "Conditional" more often than not), and
// AWS's Replacement flag is honoured when it says True.
import { isDeepStrictEqual } from 'node:util';
import type { ChangeSetInfo } from '../../adapters/aws/cloudformation.js';
import type { CfnTemplate } from '../template/types.js';
import { typeInfo } from '../validate/resource-types.js';
import { templateDiff } from './template-diff.js';

/** Resources that hold data or identity partners depend on. */
export const STATEFUL_TYPES = new Set([
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Transfer::Server', // its endpoint is what every partner has configured
  'AWS::Transfer::User',
  'AWS::Logs::LogGroup',
  'AWS::SQS::Queue',
]);

export interface PlannedChange {
  action: 'add' | 'modify' | 'remove';
  logicalId: string;
  type: string;
  /** Replaced (a new physical resource) rather than updated in place. */
  replacement: boolean;
  /** AWS says the replacement depends on values known only at deploy time. */
  conditional: boolean;
  /** Why it is replaced, e.g. "BucketName is create-only". */
  why?: string;
  stateful: boolean;
  /** Transfer users: the SFTP user name (from the template). */
  userName?: string;
}

/** An SFTP user that would leave one stack for another (root or a child stack of users). */
export interface UserMove {
  userName: string;
  from: string;
  to: string;
}

export interface Plan {
  changes: PlannedChange[];
  /** Changes inside child stacks, per child (from the deployed and the new child templates). */
  nested?: Array<{ stack: string; changes: PlannedChange[] }>;
  /** Users that would move between stacks: refused unless allowed (see placement.ts). */
  moves?: UserMove[];
  /** userStacks changes (0 = users in the root). */
  placementChange?: { from: number; to: number };
  /** Stateful resources that would be replaced or deleted and were not allowed. */
  refused: PlannedChange[];
  /** SFTP users removed (their user file is gone): intended, listed prominently. */
  removedUsers: PlannedChange[];
}

function pointerGet(obj: unknown, pointer: string): unknown {
  let cur = obj;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Why the resource would be replaced going from `before` to `after`, if it would. */
export function replacementReason(before: { Type: string; Properties?: unknown }, after: { Type: string; Properties?: unknown }): string | undefined {
  if (before.Type !== after.Type) return `type changes from ${before.Type} to ${after.Type}`;
  const createOnly = typeInfo(after.Type)?.createOnly ?? [];
  const changed = createOnly.filter((p) => {
    const path = p.replace(/^\/properties/, '');
    return !isDeepStrictEqual(pointerGet(before.Properties ?? {}, path), pointerGet(after.Properties ?? {}, path));
  });
  if (changed.length === 0) return undefined;
  const names = changed.map((p) => p.replace(/^\/properties\//, '').replace(/\//g, '.'));
  return `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} create-only and ${names.length === 1 ? 'changes' : 'change'}`;
}

function userName(r: { Properties?: Record<string, unknown> } | undefined): string | undefined {
  const n = r?.Properties?.UserName;
  return typeof n === 'string' ? n : undefined;
}

const ACTION: Record<string, PlannedChange['action']> = { Add: 'add', Modify: 'modify', Remove: 'remove', Import: 'add', Dynamic: 'modify' };

export function planChanges(changeSet: ChangeSetInfo, deployed: CfnTemplate | undefined, next: CfnTemplate, allowReplace: ReadonlySet<string>): Plan {
  const changes: PlannedChange[] = changeSet.changes.map((c) => {
    const before = deployed?.Resources[c.logicalId];
    const after = next.Resources[c.logicalId];
    const type = c.resourceType || after?.Type || before?.Type || '';
    const why = c.action === 'Modify' && before && after ? replacementReason(before, after) : undefined;
    return {
      action: ACTION[c.action] ?? 'modify',
      logicalId: c.logicalId,
      type,
      replacement: c.action === 'Modify' && (why !== undefined || c.replacement === 'True'),
      conditional: c.action === 'Modify' && why === undefined && c.replacement === 'Conditional',
      why: why ?? (c.replacement === 'True' ? 'CloudFormation says it will be replaced' : undefined),
      stateful: STATEFUL_TYPES.has(type),
      userName: type === 'AWS::Transfer::User' ? userName(after ?? before) : undefined,
    };
  });
  // A template-level replacement CloudFormation folded into "Modify" without
  // listing (or a resource whose type changed) is still caught: every resource
  // in both templates is compared.
  if (deployed) {
    for (const [id, after] of Object.entries(next.Resources)) {
      const before = deployed.Resources[id];
      if (!before || changes.some((c) => c.logicalId === id)) continue;
      const why = replacementReason(before, after);
      if (why) changes.push({ action: 'modify', logicalId: id, type: after.Type, replacement: true, conditional: false, why, stateful: STATEFUL_TYPES.has(after.Type) });
    }
  }
  const removedUsers = changes.filter((c) => c.action === 'remove' && c.type === 'AWS::Transfer::User');
  const refused = changes.filter((c) => c.stateful && !allowReplace.has(c.logicalId)
    && (c.replacement || (c.action === 'remove' && c.type !== 'AWS::Transfer::User')));
  return { changes, refused, removedUsers };
}

/** The plan for a stack that does not exist yet: everything is added. */
export function creationPlan(next: CfnTemplate): Plan {
  return {
    changes: Object.entries(next.Resources).map(([id, r]) => ({
      action: 'add' as const, logicalId: id, type: r.Type, replacement: false, conditional: false, stateful: STATEFUL_TYPES.has(r.Type),
    })),
    refused: [],
    removedUsers: [],
  };
}

const ROOT = '(root stack)';

/** username → the stack that holds it: the root, or a child stack's logical id. */
export function usersByStack(root: CfnTemplate, children: Record<string, CfnTemplate>): Map<string, string> {
  const out = new Map<string, string>();
  const collect = (t: CfnTemplate, where: string) => {
    for (const r of Object.values(t.Resources ?? {})) if (r.Type === 'AWS::Transfer::User') {
      const n = userName(r as { Properties?: Record<string, unknown> });
      if (n) out.set(n, where);
    }
  };
  collect(root, ROOT);
  for (const [id, t] of Object.entries(children)) collect(t, id);
  return out;
}

function placementOf(t: CfnTemplate | undefined): number {
  const n = (t?.Metadata as { sftpgw?: { userStacks?: unknown } } | undefined)?.sftpgw?.userStacks;
  return typeof n === 'number' ? n : 0;
}

/**
 * Adds what happens inside child stacks to a plan: per-child changes (the
 * guard applies inside them too), users moving between stacks, and a change
 * of userStacks. Refusals of these are decided by the caller's allowMoves.
 */
export function withNestedChanges(plan: Plan, deployedRoot: CfnTemplate, deployedChildren: Record<string, CfnTemplate>, nextRoot: CfnTemplate, nextChildren: Record<string, CfnTemplate>, allowReplace: ReadonlySet<string>, allowMoves: boolean): Plan {
  const nested: Array<{ stack: string; changes: PlannedChange[] }> = [];
  for (const stack of [...new Set([...Object.keys(deployedChildren), ...Object.keys(nextChildren)])].sort()) {
    const before = deployedChildren[stack] ?? { Resources: {} };
    const after = nextChildren[stack] ?? { Resources: {} };
    const changes: PlannedChange[] = templateDiff(before, after).map((d) => {
      const r = (d.kind === 'removed' ? before.Resources[d.logicalId] : after.Resources[d.logicalId]) as { Type: string; Properties?: Record<string, unknown> };
      const why = d.kind === 'changed' ? replacementReason(before.Resources[d.logicalId], after.Resources[d.logicalId]) : undefined;
      return {
        action: d.kind === 'added' ? 'add' : d.kind === 'removed' ? 'remove' : 'modify',
        logicalId: d.logicalId,
        type: r.Type,
        replacement: why !== undefined,
        conditional: false,
        why,
        stateful: STATEFUL_TYPES.has(r.Type),
        userName: r.Type === 'AWS::Transfer::User' ? userName(r) : undefined,
      };
    });
    if (changes.length > 0) nested.push({ stack, changes });
  }
  const beforeUsers = usersByStack(deployedRoot, deployedChildren);
  const afterUsers = usersByStack(nextRoot, nextChildren);
  const moves = [...afterUsers].filter(([n, to]) => beforeUsers.has(n) && beforeUsers.get(n) !== to).map(([n, to]) => ({ userName: n, from: beforeUsers.get(n)!, to }));
  const movedNames = new Set(moves.map((m) => m.userName));
  const qualified = (stack: string, c: PlannedChange): PlannedChange => ({ ...c, logicalId: `${stack}/${c.logicalId}` });
  const inChildren = nested.flatMap((n) => n.changes.map((c) => qualified(n.stack, c)));
  const from = placementOf(deployedRoot);
  const to = placementOf(nextRoot);
  return {
    ...plan,
    nested,
    moves: allowMoves ? [] : moves,
    placementChange: from !== to && beforeUsers.size > 0 && !allowMoves ? { from, to } : undefined,
    refused: [...plan.refused, ...inChildren.filter((c) => c.stateful && !allowReplace.has(c.logicalId)
      && (c.replacement || (c.action === 'remove' && c.type !== 'AWS::Transfer::User')))],
    removedUsers: [...plan.removedUsers.filter((u) => !movedNames.has(u.userName ?? '')),
      ...inChildren.filter((c) => c.action === 'remove' && c.type === 'AWS::Transfer::User' && !movedNames.has(c.userName ?? ''))],
  };
}
