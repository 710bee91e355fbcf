// The deploy guard: every rule about what a deploy refuses, in one place.
// deploy and diff plan a change set (plan.ts), then judge it here; the
// engine (deploy.ts) refuses before executing, and deletes a change set it
// made when refused.
//
//   replacing or deleting a stateful resource   refused unless --allow-replace ID
//                                                (ID of a child stack's resource: Child/Id)
//   removing an SFTP user (its user file gone)  listed, never refused
//   a user moving between stacks                refused unless --allow-user-moves
//   userStacks changing while users exist       refused unless --allow-user-moves
//   anything else (adds, in-place updates,
//   replacing stateless resources)              allowed
import { SftpgwError, type Problem } from '../errors.js';
import type { Plan, PlanFacts, PlannedChange } from './types.js';

/** Resources that hold data or identity partners depend on. */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Transfer::Server', // its endpoint is what every partner has configured
  'AWS::Transfer::User',
  'AWS::Logs::LogGroup',
  'AWS::SQS::Queue',
]);

export function isStateful(type: string): boolean {
  return STATEFUL_TYPES.has(type);
}

/** What the guard lets through. */
export interface GuardOptions {
  /** Logical ids the guard lets be replaced or deleted (`Child/Id` inside a child stack). */
  allowReplace: readonly string[];
  /** Let users move between stacks (a userStacks change). */
  allowUserMoves?: boolean;
}

const isUser = (c: PlannedChange) => c.type === 'AWS::Transfer::User';

/**
 * The change destroys a stateful resource: it is replaced, or deleted. A
 * removed user is not: its user file is gone on purpose and its home folder
 * stays in the bucket.
 */
export function needsAllowance(c: PlannedChange): boolean {
  return c.stateful && (c.replacement || (c.action === 'remove' && !isUser(c)));
}

/** The guard's verdict on a plan's facts, as the plan deploy and diff print. */
export function guard(facts: PlanFacts, options: GuardOptions): Plan {
  const allowed = new Set(options.allowReplace);
  const allowMoves = options.allowUserMoves ?? false;
  const moved = new Set((facts.moves ?? []).map((m) => m.userName));
  // Changes inside child stacks are judged by their qualified id, Child/Id.
  const all = [
    ...facts.changes,
    ...(facts.nested ?? []).flatMap((n) =>
      n.changes.map((c) => ({ ...c, logicalId: `${n.stack}/${c.logicalId}` })),
    ),
  ];
  const plan: Plan = {
    changes: facts.changes,
    refused: all.filter((c) => needsAllowance(c) && !allowed.has(c.logicalId)),
    // A user that moves is not removed: it shows up in `moves`.
    removedUsers: all.filter(
      (c) => c.action === 'remove' && isUser(c) && !moved.has(c.userName ?? ''),
    ),
  };
  if (facts.nested === undefined) return plan;
  return {
    ...plan,
    nested: facts.nested,
    moves: allowMoves ? [] : (facts.moves ?? []),
    placementChange: allowMoves ? undefined : facts.placementChange,
  };
}

/** Whether the guard refuses the plan. */
export function isRefused(plan: Plan): boolean {
  return (
    plan.refused.length > 0 || (plan.moves?.length ?? 0) > 0 || plan.placementChange !== undefined
  );
}

/** The flags that would let a deploy through the refused replacements. */
export function allowReplaceFlags(plan: Plan): string {
  return plan.refused.map((c) => `--allow-replace ${c.logicalId}`).join(' ');
}

/** Why the guard refuses the plan, and what to pass to allow it. */
export function refusal(plan: Plan, stackName: string): SftpgwError {
  const moves = plan.moves ?? [];
  if (plan.refused.length === 0 && (moves.length > 0 || plan.placementChange)) {
    const p = plan.placementChange;
    const problems: Problem[] = moves
      .slice(0, 10)
      .map((m) => ({ field: m.userName, message: `${m.from} → ${m.to}` }));
    if (moves.length > 10) problems.push({ field: '…', message: `and ${moves.length - 10} more` });
    return new SftpgwError(
      'failed',
      `refused: the change to ${stackName} would move ${moves.length} SFTP user${moves.length === 1 ? '' : 's'} between stacks${p ? ` (userStacks ${p.from || 'unset'} → ${p.to || 'unset'})` : ''}`,
      {
        hint: 'a Transfer user moved between stacks is created in the new stack while the old one still holds its name: the deploy fails or the user is dropped. Nothing was changed. To change the layout on purpose, follow docs/users.md#many-users-child-stacks of sftpgw (two deploys) and pass --allow-user-moves',
        problems,
      },
    );
  }
  return new SftpgwError(
    'failed',
    `refused: the change to ${stackName} would replace or delete ${plan.refused.length} stateful resource${plan.refused.length === 1 ? '' : 's'}`,
    {
      hint: `nothing was changed. If this is intended, allow each one: ${allowReplaceFlags(plan)}`,
      problems: plan.refused.map((c) => ({
        field: c.logicalId,
        message: `${c.type} would be ${c.action === 'remove' ? 'deleted' : `replaced (${c.why})`}`,
      })),
    },
  );
}
