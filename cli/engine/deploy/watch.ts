// Polling CloudFormation: waiting for change sets and stack operations, with
// throttling absorbed (the SDK retries a call a few times; a long wait must
// survive more than that), and the root cause of a failure picked out of the
// event stream: the first failures, not the cascade of cancellations after.
import type { CloudFormationApi, StackEvent, StackInfo } from '../../adapters/aws/cloudformation.js';
import { isThrottling } from '../../adapters/aws/errors.js';
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


/** Calls fn, backing off on throttling (up to 8 tries, doubling from pollMs). */
export async function unthrottled<T>(clock: Clock, reporter: Reporter, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isThrottling(err) || attempt >= 7) throw err;
      const wait = Math.min(clock.pollMs * 2 ** attempt, 30_000);
      reporter.debug(`throttled by CloudFormation; retrying in ${wait} ms`);
      await clock.sleep(wait);
    }
  }
}

export function formatEvent(e: StackEvent): string {
  const time = e.timestamp.toISOString().slice(11, 19);
  return `${time} ${e.logicalId} ${e.status}${e.reason ? ` — ${e.reason}` : ''}`;
}

/**
 * Waits until the stack's operation settles, reporting each new event, and
 * returns the final state and the events of this operation (oldest first).
 * `earlier`: ids of events from before the operation (timestamps alone
 * cannot tell two operations in the same second apart).
 */
export async function watchStack(cfn: CloudFormationApi, stackName: string, since: Date, clock: Clock, reporter: Reporter, earlier: ReadonlySet<string> = new Set()): Promise<{ stack: StackInfo | undefined; events: StackEvent[] }> {
  const seen = new Set<string>(earlier);
  const events: StackEvent[] = [];
  const started = clock.now();
  for (;;) {
    const fresh = (await unthrottled(clock, reporter, () => cfn.stackEvents(stackName, since).catch((err: Error) => {
      if (/does not exist/i.test(err.message)) return [];
      throw err;
    }))).filter((e) => !seen.has(e.id)).reverse();
    for (const e of fresh) {
      seen.add(e.id);
      events.push(e);
      reporter.progress(formatEvent(e));
    }
    const stack = await unthrottled(clock, reporter, () => cfn.describeStack(stackName));
    if (!stack || settled(stack.status)) return { stack, events };
    if (clock.now() - started > clock.timeoutMs) {
      throw new SftpgwError('failed', `stack ${stackName} is still ${stack.status} after ${Math.round(clock.timeoutMs / 60000)} minutes`, { hint: 'watch it in the CloudFormation console; run sftpgw deploy again when it has settled' });
    }
    await clock.sleep(clock.pollMs);
  }
}

/** The failures that caused the others: failed events whose reason is not a cancellation. */
export function rootCauses(events: StackEvent[], stackName: string): StackEvent[] {
  const failed = events.filter((e) => isFailureEvent(e.status));
  const causes = failed.filter((e) => !isCascade(e.reason) && !(e.logicalId === stackName && e.resourceType === 'AWS::CloudFormation::Stack'));
  return (causes.length > 0 ? causes : failed).slice(0, 5);
}
