// How the AWS clients retry: the SDK's own standard strategy, with more
// patience for throttling. A deploy polls CloudFormation every two seconds
// for up to an hour, and a busy account throttles DescribeStackEvents and
// friends; the SDK's default (three attempts, a few seconds) would end a
// healthy deploy half-way. Throttled calls get eight attempts, waiting 2, 4,
// 8, 16, then 30 seconds; every other retryable error (timeouts, 5xx) keeps
// the SDK's standard handling and AWS_MAX_ATTEMPTS / max_attempts. Set once
// where the clients are made (clients.ts), so no call site handles
// throttling itself.
import { loadConfig } from '@smithy/core/config';
import {
  ConfiguredRetryStrategy,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  StandardRetryStrategy,
} from '@smithy/core/retry';

type RetryToken = Awaited<ReturnType<StandardRetryStrategy['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];

export interface ThrottlingPatience {
  /** Attempts of a throttled call, the first included. */
  attempts: number;
  /** The wait after the first throttled attempt; doubled after each. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Told before each wait (debug output). */
  onThrottled?(delayMs: number): void;
}

export const THROTTLING_PATIENCE: ThrottlingPatience = {
  attempts: 8,
  firstDelayMs: 2000,
  maxDelayMs: 30_000,
};

/** The waits after throttled attempts 1, 2, …: doubling from firstDelayMs, capped at maxDelayMs. */
export function throttlingDelay(
  p: Pick<ThrottlingPatience, 'firstDelayMs' | 'maxDelayMs'>,
  attempt: number,
): number {
  return Math.min(p.firstDelayMs * 2 ** (attempt - 1), p.maxDelayMs);
}

/**
 * A retry strategy for the SDK's `retryStrategy` option: throttling is retried
 * by a ConfiguredRetryStrategy with the patience above, everything else by
 * the SDK's StandardRetryStrategy with the configured maximum attempts.
 */
export class PatientRetryStrategy {
  private readonly standard = new StandardRetryStrategy(
    loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS),
  );
  private readonly throttled: ConfiguredRetryStrategy;
  /** Tokens the throttling strategy issued: their success refills its capacity, not the standard one's. */
  private readonly fromThrottling = new WeakSet<RetryToken>();

  constructor(patience: ThrottlingPatience = THROTTLING_PATIENCE) {
    this.throttled = new ConfiguredRetryStrategy(patience.attempts, (attempt) => {
      const delay = throttlingDelay(patience, attempt);
      patience.onThrottled?.(delay);
      return delay;
    });
  }

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.standard.acquireInitialRetryToken(scope);
  }

  async refreshRetryTokenForRetry(token: RetryToken, error: RetryErrorInfo): Promise<RetryToken> {
    if (error.errorType !== 'THROTTLING')
      return this.standard.refreshRetryTokenForRetry(token, error);
    const next = await this.throttled.refreshRetryTokenForRetry(token, error);
    this.fromThrottling.add(next);
    return next;
  }

  recordSuccess(token: RetryToken): void {
    (this.fromThrottling.has(token) ? this.throttled : this.standard).recordSuccess(token);
  }
}
