// The shapes of a deploy plan: the facts plan.ts works out from a change set
// and the templates, and the plan the guard (guard.ts) makes of them, which
// deploy and diff print (as text, and as JSON with --output json).
import type { CfnTemplate } from '../template/types.js';

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

/** A change of userStacks (0 = users in the root). */
export interface PlacementChange {
  from: number;
  to: number;
}

/** What a change set does, before the guard has judged it. */
export interface PlanFacts {
  changes: PlannedChange[];
  /** Updates only: changes inside child stacks, per child (from the deployed and the new child templates). */
  nested?: Array<{ stack: string; changes: PlannedChange[] }>;
  /** Updates only: users that would move between stacks. */
  moves?: UserMove[];
  /** Updates only: userStacks changes while users are deployed. */
  placementChange?: PlacementChange;
}

/** The facts and the guard's verdict on them (guard.ts): what deploy and diff print. */
export interface Plan {
  changes: PlannedChange[];
  /** Stateful resources that would be replaced or deleted and were not allowed. */
  refused: PlannedChange[];
  /** SFTP users removed (their user file is gone): intended, listed prominently. */
  removedUsers: PlannedChange[];
  nested?: Array<{ stack: string; changes: PlannedChange[] }>;
  /** Users that would move between stacks and were not allowed to. */
  moves?: UserMove[];
  /** A userStacks change that was not allowed. */
  placementChange?: PlacementChange;
}

/** A root template and its child templates by the logical id of their stack. */
export interface StackTemplates {
  root: CfnTemplate;
  children: Record<string, CfnTemplate>;
}
