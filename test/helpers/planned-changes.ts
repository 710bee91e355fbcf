// Plans for the deploy guard's unit tests (test/deploy/deploy-plan-*.unit.test.ts
// and deploy-template-diff.unit.test.ts): planned changes written by hand, and a
// root-only plan judged by the guard. Pure: no process, no AWS.
import type { ChangeSetInfo } from '../../cli/adapters/aws/cloudformation.js';
import { guard, STATEFUL_TYPES } from '../../cli/engine/deploy/guard.js';
import { planFacts, type Plan } from '../../cli/engine/deploy/plan.js';
import type { PlannedChange } from '../../cli/engine/deploy/types.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';

/** A planned change: not replaced, not conditional, stateful as the guard counts its type. */
export const change = (
  action: PlannedChange['action'],
  logicalId: string,
  type: string,
  over: Partial<PlannedChange> = {},
): PlannedChange => ({
  action,
  logicalId,
  type,
  replacement: false,
  conditional: false,
  stateful: STATEFUL_TYPES.has(type),
  ...over,
});

/** A resource replaced because a create-only property changes. */
export const replaced = (logicalId: string, type: string): PlannedChange =>
  change('modify', logicalId, type, { replacement: true, why: 'X is create-only and changes' });

/** A root-only plan judged by the guard: the change set against the deployed template. */
export function planChanges(
  changeSet: ChangeSetInfo,
  deployed: CfnTemplate,
  next: CfnTemplate,
  allowReplace: string[] = [],
): Plan {
  return guard(
    planFacts({
      changeSet,
      deployed: { root: deployed, children: {} },
      next: { root: next, children: {} },
    }),
    { allowReplace },
  );
}
