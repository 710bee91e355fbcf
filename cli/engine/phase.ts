// What a command is in the middle of, as far as it matters to someone who
// interrupts it (Ctrl-C): what stays behind in AWS, and what to do about it.
// The engine reports its phase through the reporter (Reporter.phase); the
// command layer (cli/interrupt.ts) turns the last one into the one line
// printed on SIGINT/SIGTERM. Phases hold facts only, never the words.

export type Phase =
  /** Nothing under way outside this process (reading, building, checking, planning locally). */
  | { kind: 'local' }
  /** Uploading an artifact (handler zip, a template) to S3. */
  | { kind: 'upload'; url: string }
  /** Waiting for an operation this run did not start (a stack *_IN_PROGRESS). */
  | { kind: 'waiting'; stackName: string; status: string }
  /** CloudFormation is deleting a stack this run asked it to delete (a failed creation, an empty REVIEW_IN_PROGRESS shell). */
  | { kind: 'deleting-stack'; stackName: string }
  /**
   * A change set exists (or is being created): 'creating' until CloudFormation
   * has worked it out, then 'review' while it is planned, guarded or asked
   * about. `made` says which command made it; `byThisRun` false for one an
   * earlier run left (`deploy --execute NAME`).
   */
  | {
      kind: 'change-set';
      stackName: string;
      changeSetName: string;
      state: 'creating' | 'review';
      made: 'deploy' | 'diff' | 'earlier';
    }
  /** A change set was executed: CloudFormation is changing the stack. */
  | { kind: 'executing'; stackName: string; changeSetName: string; type: 'CREATE' | 'UPDATE' }
  /** The stack operation ended (status); only local work or small calls are left. */
  | { kind: 'settled'; stackName: string; status: string }
  /** Writing a destination secret (Secrets Manager stores a value whole or not at all). */
  | { kind: 'secret'; secretName: string; action: 'create' | 'update' | 'delete' }
  /** Writing and removing a probe file on a destination's SFTP server (destinations test --write). */
  | { kind: 'probe'; host: string; path: string }
  /** Sending a local file to a destination's SFTP server (destinations deliver). */
  | { kind: 'delivery'; host: string; path: string };

/** Where phases go: the command layer listens, tests record. */
export type PhaseSink = (phase: Phase) => void;
