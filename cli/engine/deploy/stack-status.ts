// Every rule about CloudFormation stack statuses, in one place.

export type StackState =
  /** No stack by that name (or only a deleted one). */
  | 'absent'
  /** Another operation runs: wait for it. */
  | 'busy'
  /** Can take an UPDATE change set. */
  | 'ready'
  /** Created by a CREATE change set never executed: takes a CREATE change set. */
  | 'review'
  /** Failed creation: can only be deleted. */
  | 'rollback-complete'
  /** Stuck: needs an operator (e.g. continue-update-rollback). */
  | 'stuck';

export function stackState(status: string | undefined): StackState {
  if (status === undefined || status === 'DELETE_COMPLETE') return 'absent';
  if (status === 'REVIEW_IN_PROGRESS') return 'review';
  if (status.endsWith('_IN_PROGRESS')) return 'busy';
  if (status === 'ROLLBACK_COMPLETE') return 'rollback-complete';
  if (status.endsWith('_FAILED')) return 'stuck';
  return 'ready';
}

/**
 * The operation has ended (successfully or not). REVIEW_IN_PROGRESS is not an
 * end: right after ExecuteChangeSet a new stack may still show it.
 */
export function settled(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS');
}

/** The operation this tool started ended as asked. */
export function succeeded(status: string): boolean {
  return (
    status === 'CREATE_COMPLETE' ||
    status === 'UPDATE_COMPLETE' ||
    status === 'IMPORT_COMPLETE' ||
    status === 'DELETE_COMPLETE'
  );
}

/** A resource event that says why something failed. */
export function isFailureEvent(status: string): boolean {
  return status.endsWith('_FAILED');
}

/** Failures that are consequences of another failure, not causes. */
export function isCascade(reason: string | undefined): boolean {
  return /cancell?ed|The following resource\(s\) failed|rollback requested by user/i.test(
    reason ?? '',
  );
}

/** The change set had nothing to do: CloudFormation reports it as FAILED. */
export function isNoChangeReason(reason: string | undefined): boolean {
  return /didn't contain changes|No updates are to be performed|no changes/i.test(reason ?? '');
}
