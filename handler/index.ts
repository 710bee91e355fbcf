// The outbound Lambda function: S3 ObjectCreated events on the staging bucket →
// SFTP deliveries (see deliver.ts for outcomes). Bundled by
// scripts/bundle-handler.ts into dist/handler/index.js, one file.
//
// Environment:
//   SECRET_PREFIX               destination secrets are <SECRET_PREFIX>/<key> (required)
//   GATEWAY                     metric dimension; the stack name (default: the function name)
//   DESTINATION_CACHE_SECONDS   how long a warm container reuses a destination (default 60)
//   DEADLINE_MARGIN_SECONDS     stop this long before the function times out (default 10)
import type { Context } from 'aws-lambda';
import { s3ObjectStore, secretsManagerStore } from './aws.js';
import { handleEvent, type Outcome } from './deliver.js';
import { DestinationCache } from './destination-cache.js';
import { Logger } from './log.js';
import { DEFAULT_TUNING, push, type PushTuning } from '../shared/sftp/push.js';

interface Settings {
  secretPrefix: string;
  gateway: string;
  cacheMs: number;
  marginMs: number;
  /** Push tuning: PARALLEL_MIN_BYTES and PARALLEL_MIN_RTT_MS (push.ts PushTuning; tests lower them to take the parallel path on loopback). */
  tuning: PushTuning;
}

function settings(env: NodeJS.ProcessEnv): Settings {
  const prefix = (env.SECRET_PREFIX ?? '').replace(/\/+$/, '');
  if (prefix === '')
    throw new Error(
      'SECRET_PREFIX is not set: the function cannot tell which secrets name destinations',
    );
  const seconds = (name: string, fallback: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`${name} must be a number of seconds ≥ 0, not "${v}"`);
    return n;
  };
  const bytes = (name: string, fallback: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error(`${name} must be a whole number ≥ 0, not "${v}"`);
    return n;
  };
  return {
    secretPrefix: prefix,
    gateway: env.GATEWAY || env.AWS_LAMBDA_FUNCTION_NAME || 'sftpgw',
    cacheMs: seconds('DESTINATION_CACHE_SECONDS', 60) * 1000,
    marginMs: seconds('DEADLINE_MARGIN_SECONDS', 10) * 1000,
    tuning: {
      ...DEFAULT_TUNING,
      parallelMinBytes: bytes('PARALLEL_MIN_BYTES', DEFAULT_TUNING.parallelMinBytes),
      parallelMinRttMs: bytes('PARALLEL_MIN_RTT_MS', DEFAULT_TUNING.parallelMinRttMs),
    },
  };
}

// Clients and the destination cache live as long as the (warm) container.
let shared:
  | {
      settings: Settings;
      destinations: DestinationCache;
      objects: ReturnType<typeof s3ObjectStore>;
    }
  | undefined;

function wiring() {
  if (!shared) {
    const s = settings(process.env);
    shared = {
      settings: s,
      destinations: new DestinationCache(secretsManagerStore(), s.cacheMs),
      objects: s3ObjectStore(),
    };
  }
  return shared;
}

const write = (line: string): void => {
  process.stdout.write(line);
};

// The event is whatever the invoker sent (S3, a replay, a hand-made test):
// handleEvent checks its shape before using it.
export async function handler(
  event: unknown,
  context: Context,
): Promise<{ outcomes: Array<Omit<Outcome, 'error'>> }> {
  const { settings: s, destinations, objects } = wiring();
  const log = new Logger(write, { requestId: context?.awsRequestId });
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function'
      ? context.getRemainingTimeInMillis()
      : 300_000;
  const outcomes = await handleEvent(event, {
    objects,
    destinations,
    push: (req) => push(req, s.tuning),
    log,
    secretPrefix: s.secretPrefix,
    dimensions: { Gateway: s.gateway },
    deadline: Date.now() + Math.max(1_000, remaining - s.marginMs),
  });
  return {
    outcomes: outcomes.map(({ outcome, destination, file }) => ({
      outcome,
      destination,
      file,
    })) as Array<Omit<Outcome, 'error'>>,
  };
}
