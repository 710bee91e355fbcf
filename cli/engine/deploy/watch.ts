// Polling CloudFormation: waiting for stack operations, and the root cause of
// a failure picked out of the event stream: the first failures, not the
// cascade of cancellations after. Throttling is not handled here: the
// CloudFormation client retries throttled calls itself, patiently enough for
// an hour of polling (cli/adapters/aws/retry.ts).
import type {
  CloudFormationApi,
  StackEvent,
  StackInfo,
} from '../../adapters/aws/cloudformation.js';
import { SftpgwError } from '../errors.js';
import type { Reporter } from '../reporter.js';
import { isCascade, isFailureEvent, settled } from './stack-status.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Between polls. */
  pollMs: number;
  /** Give up waiting after this long. */
  timeoutMs: number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  pollMs: 2000,
  timeoutMs: 60 * 60 * 1000,
};

/** What polling needs: CloudFormation, the clock, and where progress goes. */
export interface WatchDeps {
  cfn: CloudFormationApi;
  clock: Clock;
  reporter: Reporter;
}

export function formatEvent(e: StackEvent): string {
  const time = e.timestamp.toISOString().slice(11, 19);
  return `${time} ${e.logicalId} ${e.status}${e.reason ? ` — ${e.reason}` : ''}`;
}

export interface WatchOptions {
  /** Events from this time on belong to the operation. */
  since: Date;
  /** Ids of events from before the operation (timestamps alone cannot tell two operations in the same second apart). */
  earlier?: ReadonlySet<string>;
}

/**
 * Waits until the stack's operation settles, reporting each new event, and
 * returns the final state and the events of this operation (oldest first).
 */
export async function watchStack(
  deps: WatchDeps,
  stackName: string,
  { since, earlier = new Set() }: WatchOptions,
): Promise<{ stack: StackInfo | undefined; events: StackEvent[] }> {
  const { cfn, clock, reporter } = deps;
  const seen = new Set<string>(earlier);
  const events: StackEvent[] = [];
  const started = clock.now();
  for (;;) {
    const polled = (
      await cfn.stackEvents(stackName, since).catch((err: Error) => {
        if (/does not exist/i.test(err.message)) return [];
        throw err;
      })
    ).reverse();
    // One poll can hold an event twice: DescribeStackEvents pages newest
    // first, and events that arrive between two page requests push the rest
    // down, so the first event of the next page repeats the last of this one
    // (the stack's own `CREATE_IN_PROGRESS — User Initiated` was printed
    // twice). Checked one by one, not against the set as it was before the poll.
    for (const e of polled) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      events.push(e);
      reporter.progress(formatEvent(e));
    }
    const stack = await cfn.describeStack(stackName);
    if (!stack || settled(stack.status)) return { stack, events };
    if (clock.now() - started > clock.timeoutMs) {
      throw new SftpgwError(
        'failed',
        `stack ${stackName} is still ${stack.status} after ${Math.round(clock.timeoutMs / 60000)} minutes`,
        {
          hint: 'watch it in the CloudFormation console; run sftpgw deploy again when it has settled',
        },
      );
    }
    await clock.sleep(clock.pollMs);
  }
}

/** The failures that caused the others: failed events whose reason is not a cancellation. */
export function rootCauses(events: StackEvent[], stackName: string): StackEvent[] {
  const failed = events.filter((e) => isFailureEvent(e.status));
  const causes = failed.filter(
    (e) =>
      !isCascade(e.reason) &&
      !(e.logicalId === stackName && e.resourceType === 'AWS::CloudFormation::Stack'),
  );
  return (causes.length > 0 ? causes : failed).slice(0, 5);
}
