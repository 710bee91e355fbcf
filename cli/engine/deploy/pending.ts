// The change sets a stack already has when a deploy starts: sftpgw's own
// stale ones (failed, empty, no longer executable) are removed; one waiting
// for review (an earlier `--no-execute`, a deploy in CI without --yes, an
// interrupted run, or someone else's) is never deleted silently and never
// executed over: executing any change set makes CloudFormation delete the
// stack's other change sets ("After you execute a change set, CloudFormation
// deletes any additional change sets that are associated with the stack",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-execute.html).
// So a deploy names it and refuses, asks on a terminal, or deletes it first
// with --replace-pending.
import type { ChangeSetSummary } from '../../adapters/aws/cloudformation.js';
import { SftpgwError } from '../errors.js';
import type { Reporter } from '../reporter.js';

/** The description prefix of every change set sftpgw makes ("sftpgw deploy", "sftpgw diff"). */
export const OURS = 'sftpgw';

export type PendingDecision = 'yes' | 'ask' | 'no';

interface PendingDeps {
  cfn: {
    listChangeSets(stackName: string): Promise<ChangeSetSummary[]>;
    deleteChangeSet(stackName: string, changeSetName: string): Promise<void>;
  };
  reporter: Reporter;
  confirm(question: string): Promise<boolean>;
}

/** Executable now, or about to be (CloudFormation is still working it out). */
export function inReview(c: ChangeSetSummary): boolean {
  return (
    c.executionStatus === 'AVAILABLE' ||
    c.status === 'CREATE_PENDING' ||
    c.status === 'CREATE_IN_PROGRESS'
  );
}

const ours = (c: ChangeSetSummary): boolean => c.description?.startsWith(OURS) ?? false;

/**
 * sftpgw's own change sets nobody can execute any more: failed (an empty one
 * whose deletion did not happen, a refused template) or obsolete. Never one
 * in review, executed, executing, or being deleted.
 */
export function isStale(c: ChangeSetSummary): boolean {
  return (
    ours(c) &&
    !inReview(c) &&
    !c.status.startsWith('DELETE_') &&
    c.executionStatus !== 'EXECUTE_COMPLETE' &&
    c.executionStatus !== 'EXECUTE_IN_PROGRESS'
  );
}

/** The stack's change sets (moto lists every stack's: filtered), sorted into stale and in review. */
export async function changeSetsOf(
  deps: Pick<PendingDeps, 'cfn'>,
  stackName: string,
): Promise<{ stale: ChangeSetSummary[]; pending: ChangeSetSummary[] }> {
  const sets = (await deps.cfn.listChangeSets(stackName)).filter(
    (c) => c.stackName === undefined || c.stackName === stackName,
  );
  return { stale: sets.filter(isStale), pending: sets.filter(inReview) };
}

/** "created 2026-01-01 12:00:00 UTC, made by sftpgw deploy" */
export function describeChangeSet(c: ChangeSetSummary): string {
  const when = c.creationTime
    ? `created ${c.creationTime.toISOString().slice(0, 19).replace('T', ' ')} UTC`
    : 'creation time not known';
  const who = ours(c) ? `made by ${c.description}` : 'not made by sftpgw';
  const status = c.executionStatus === 'AVAILABLE' ? '' : `, ${c.status}`;
  return `${when}, ${who}${status}`;
}

const executeCommand = (stackName: string, name: string) =>
  `sftpgw deploy --execute ${name} --stack-name ${stackName}`;
const deleteCommand = (stackName: string, name: string) =>
  `aws cloudformation delete-change-set --stack-name ${stackName} --change-set-name ${name}`;

/** The refusal: each change set in review named, how to run it, how to delete it. */
export function pendingRefusal(stackName: string, pending: ChangeSetSummary[]): SftpgwError {
  const one = pending.length === 1 ? pending[0] : undefined;
  const message = one
    ? `stack ${stackName} has a change set waiting for review: ${one.name} (${describeChangeSet(one)})`
    : `stack ${stackName} has ${pending.length} change sets waiting for review`;
  const run = one
    ? `run it with ${executeCommand(stackName, one.name)}`
    : `run one with ${executeCommand(stackName, 'NAME')}`;
  const remove = one
    ? `delete it (${deleteCommand(stackName, one.name)}, or deploy again with --replace-pending to delete it and create a new one)`
    : `delete them (${deleteCommand(stackName, 'NAME')}, or deploy again with --replace-pending to delete them and create a new one)`;
  return new SftpgwError('failed', message, {
    problems: one ? [] : pending.map((c) => ({ field: c.name, message: describeChangeSet(c) })),
    hint: `nothing was changed. A deploy neither deletes a change set in review nor executes over it (when one change set executes, CloudFormation deletes the stack's other change sets): ${run}, or ${remove}`,
  });
}

/**
 * Before a deploy makes its change set: sftpgw's stale change sets are
 * deleted; change sets in review are deleted only as decided (--replace-pending,
 * or a yes on a terminal), else the deploy is refused naming them.
 */
export async function clearChangeSets(
  deps: PendingDeps,
  stackName: string,
  replacePending: PendingDecision,
): Promise<void> {
  const { stale, pending } = await changeSetsOf(deps, stackName);
  for (const s of stale) {
    deps.reporter.progress(`deleting stale change set ${s.name} (${s.status})`);
    await deps.cfn.deleteChangeSet(stackName, s.name);
  }
  if (pending.length === 0) return;
  const names = pending.map((c) => `${c.name} (${describeChangeSet(c)})`).join(', ');
  const replace =
    replacePending === 'yes' ||
    (replacePending === 'ask' &&
      (await deps.confirm(
        `Stack ${stackName} has ${pending.length === 1 ? 'a change set' : 'change sets'} waiting for review: ${names}. Delete ${pending.length === 1 ? 'it' : 'them'} and create a new one? (Executing the new one would delete ${pending.length === 1 ? 'it' : 'them'} anyway.)`,
      )));
  if (!replace) throw pendingRefusal(stackName, pending);
  for (const c of pending) {
    deps.reporter.progress(
      `deleting change set ${c.name}, waiting for review (${describeChangeSet(c)})`,
    );
    await deps.cfn.deleteChangeSet(stackName, c.name);
  }
}
