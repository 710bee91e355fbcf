// The physical ids of the resources a change deletes from the stack but
// keeps in the account (PlannedChange.retained): what the plan names, so an
// operator knows which bucket or log group now lives outside the stack. A
// root change set names them itself on AWS (moto does not); inside child
// stacks CloudFormation lists no changes, so they are asked of the stack:
// DescribeStackResource, else DescribeStackResources (moto answers the
// former with a server error when a stack holds resources it skipped; the
// latter lists at most 100 resources on AWS, hence not first).
import type { CloudFormationApi } from '../../adapters/aws/cloudformation.js';
import type { PlanFacts, PlannedChange } from './types.js';

/**
 * `facts` with each retained deletion's physical id filled in where it was
 * missing. An id that cannot be found (or asked) stays unknown, and the plan
 * says so: it names the resource, it does not decide anything.
 */
export async function withRetainedIds(
  facts: PlanFacts,
  cfn: Pick<CloudFormationApi, 'physicalId' | 'stackResources'>,
  stackName: string,
): Promise<PlanFacts> {
  const ask = async (stack: string | undefined, id: string) => {
    if (!stack) return undefined;
    try {
      return (
        (await cfn.physicalId(stack, id)) ??
        (await cfn.stackResources(stack)).find((r) => r.logicalId === id)?.physicalId
      );
    } catch {
      return undefined;
    }
  };
  const fill = async (c: PlannedChange, stack: string | undefined): Promise<PlannedChange> => {
    if (!c.retained || c.retained.physicalId) return c;
    const physicalId = await ask(stack, c.logicalId);
    return physicalId ? { ...c, retained: { ...c.retained, physicalId } } : c;
  };
  const needs = (cs: PlannedChange[]) => cs.some((c) => c.retained && !c.retained.physicalId);
  if (!needs(facts.changes) && !(facts.nested ?? []).some((n) => needs(n.changes))) return facts;
  const changes = await Promise.all(facts.changes.map((c) => fill(c, stackName)));
  if (!facts.nested) return { ...facts, changes };
  const nested = await Promise.all(
    facts.nested.map(async (n) => {
      if (!needs(n.changes)) return n;
      const child = await ask(stackName, n.stack);
      return { ...n, changes: await Promise.all(n.changes.map((c) => fill(c, child))) };
    }),
  );
  return { ...facts, changes, nested };
}
