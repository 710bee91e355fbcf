// Ctrl-C (SIGINT) and SIGTERM for every command: ONE line on stderr saying
// what was interrupted and what is left, then exit 130 (SIGINT) or 143
// (SIGTERM), as a shell reports a process killed by them. cli/program.ts
// listens around each command's run; the engine says what it is in the
// middle of through its reporter (Reporter.phase, engine/phase.ts), which
// consoleReporter forwards here. The words live here, the facts there.
//
// Node runs a signal handler between event-loop turns, never inside
// synchronous code: a file written with writeFileSync and renamed into place
// is never half-written when this runs.
import type { Phase, PhaseSink } from './engine/phase.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface InterruptWatch {
  /** Where the command's reporter sends phases. */
  note: PhaseSink;
  /** Stops listening (the command has finished). */
  dispose(): void;
}

export interface InterruptIo {
  on(signal: NodeJS.Signals, handler: () => void): void;
  off(signal: NodeJS.Signals, handler: () => void): void;
  write(line: string): void;
  exit(code: ExitCode): void;
}

const processIo: InterruptIo = {
  on: (s, h) => process.on(s, h),
  off: (s, h) => process.off(s, h),
  // After `^C` (or a prompt) on a terminal the cursor is mid-line.
  write: (line) => process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}${line}\n`),
  exit: (code) => process.exit(code),
};

const SIGNALS = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated } as const;

/** Listens for SIGINT and SIGTERM while `command` ("deploy", "destinations put") runs. */
export function watchInterrupts(command: string, io: InterruptIo = processIo): InterruptWatch {
  let last: Phase = { kind: 'local' };
  let uploaded = false;
  const handlers = Object.entries(SIGNALS).map(([signal, code]) => {
    const handler = () => {
      io.write(interruptLine(command, signal as keyof typeof SIGNALS, last, uploaded));
      io.exit(code);
    };
    io.on(signal as NodeJS.Signals, handler);
    return [signal as NodeJS.Signals, handler] as const;
  });
  return {
    note(phase) {
      if (phase.kind === 'upload') uploaded = true;
      last = phase;
    },
    dispose() {
      for (const [signal, handler] of handlers) io.off(signal, handler);
    },
  };
}

/** The one line: who was stopped, at what, what is left and the command to go on or clean up. */
export function interruptLine(
  command: string,
  signal: 'SIGINT' | 'SIGTERM',
  phase: Phase,
  uploaded = false,
): string {
  const who = `sftpgw ${command} ${signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : 'terminated (SIGTERM)'}`;
  const deleteChangeSet = (stack: string, name: string) =>
    `aws cloudformation delete-change-set --stack-name ${stack} --change-set-name ${name}`;
  switch (phase.kind) {
    case 'local':
      return uploaded
        ? `${who}: nothing was changed in CloudFormation (what was uploaded to S3 is named by its content and reused by the next run)`
        : `${who}; nothing was written`;
    case 'upload':
      return `${who} while uploading ${phase.url}: S3 keeps no partial object, so nothing half-written is left; run it again`;
    case 'waiting':
      return `${who} while waiting for another operation on ${phase.stackName} (${phase.status}); this run changed nothing`;
    case 'deleting-stack':
      return `${who} while CloudFormation deletes stack ${phase.stackName}: the deletion goes on; watch it with aws cloudformation describe-stacks --stack-name ${phase.stackName}, then deploy again`;
    case 'change-set': {
      const { stackName: stack, changeSetName: name } = phase;
      if (phase.made === 'earlier')
        return `${who}: change set ${name} of ${stack} was not executed and still waits for review; run sftpgw deploy --execute ${name} --stack-name ${stack} again`;
      const left =
        phase.state === 'creating' ? 'is left (CloudFormation finishes creating it)' : 'is left';
      if (phase.made === 'diff')
        return `${who}: its preview change set ${name} of ${stack} ${left} and was never executed; delete it with ${deleteChangeSet(stack, name)}`;
      return `${who}: change set ${name} of ${stack} ${left} for review, not executed; run it with sftpgw deploy --execute ${name} --stack-name ${stack}, or delete it with ${deleteChangeSet(stack, name)}`;
    }
    case 'executing':
      return `${who} while CloudFormation ${phase.type === 'CREATE' ? 'creates' : 'updates'} stack ${phase.stackName} (change set ${phase.changeSetName}): CloudFormation goes on, and interrupting does not roll it back; watch it with sftpgw info or aws cloudformation describe-stack-events --stack-name ${phase.stackName}`;
    case 'settled':
      return `${who} after stack ${phase.stackName} reached ${phase.status}; nothing is in progress`;
    case 'secret':
      return phase.action === 'delete'
        ? `${who} while asking Secrets Manager to delete ${phase.secretName}: it is either scheduled for deletion or unchanged; sftpgw destinations list shows which`
        : `${who} while ${phase.action === 'create' ? 'creating' : 'updating'} secret ${phase.secretName}: Secrets Manager stores a value whole or not at all, so it holds the old value or the new one (its tag may still be missing); run the same command again`;
    case 'probe':
      return `${who} while writing a probe file to ${phase.host}: ${phase.path} (or its part file, ${phase.path}.*) may be left there; remove it on the server`;
    case 'delivery':
      return `${who} while delivering to ${phase.host}: ${phase.path} holds the earlier file or the complete new one, never a part of it; a hidden part file (.<name>.….sftpgw-part) may be left, which a later delivery to that directory removes once it is 20 minutes old`;
  }
}
