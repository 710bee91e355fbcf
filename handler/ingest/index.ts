// The ingest Lambda function: a Transfer Family workflow's CUSTOM step when an
// upload closed, and (with the malware scan on) GuardDuty's scan results for
// quarantine/ (see ingest.ts for outcomes, ingest-key.ts for the key layout).
// Bundled by scripts/bundle-handler.ts into dist/handler/ingest.js, one file;
// the handler zip carries it as ingest.mjs (Handler: ingest.handler).
//
// Environment:
//   INGEST_PREFIX      where clean uploads go (default ingest/)
//   QUARANTINE_PREFIX  set only with downstream.malwareScan: its presence means
//                      scan mode (uploads go here first, scan results move them)
//   GATEWAY            metric dimension; the stack name (default: the function name)
//   GATEWAY_BUCKET     optional: scan results for any other bucket are ignored
import type { Context } from 'aws-lambda';
import { Logger } from '../log.js';
import { s3IngestStore, transferStepReporter } from './aws.js';
import { handleIngestEvent, type IngestResult, type IngestSettings } from './ingest.js';

/** A key prefix from the environment: non-empty, relative, ending in '/'. */
function prefix(env: NodeJS.ProcessEnv, name: string, fallback?: string): string | undefined {
  const raw = env[name] ?? fallback;
  if (raw === undefined || raw === '') return fallback;
  const p = raw.replace(/\/*$/, '/');
  if (p === '/' || p.startsWith('/'))
    throw new Error(`${name} must be a key prefix such as ingest/, not "${raw}"`);
  return p;
}

export function ingestSettings(env: NodeJS.ProcessEnv): IngestSettings {
  const ingestPrefix = prefix(env, 'INGEST_PREFIX', 'ingest/') as string;
  const quarantinePrefix = prefix(env, 'QUARANTINE_PREFIX');
  if (
    quarantinePrefix !== undefined &&
    (quarantinePrefix.startsWith(ingestPrefix) || ingestPrefix.startsWith(quarantinePrefix))
  )
    throw new Error(
      `QUARANTINE_PREFIX ${quarantinePrefix} and INGEST_PREFIX ${ingestPrefix} must not contain one another`,
    );
  return {
    ingestPrefix,
    quarantinePrefix,
    bucket: env.GATEWAY_BUCKET || undefined,
    dimensions: { Gateway: env.GATEWAY || env.AWS_LAMBDA_FUNCTION_NAME || 'sftpgw' },
  };
}

// Settings and clients live as long as the (warm) container.
let shared:
  | {
      settings: IngestSettings;
      store: ReturnType<typeof s3IngestStore>;
      reporter: ReturnType<typeof transferStepReporter>;
    }
  | undefined;

function wiring() {
  shared ??= {
    settings: ingestSettings(process.env),
    store: s3IngestStore(),
    reporter: transferStepReporter(),
  };
  return shared;
}

const write = (line: string): void => {
  process.stdout.write(line);
};

// The event is whatever the invoker sent (Transfer Family, EventBridge, a
// test event by hand): handleIngestEvent checks its shape before using it.
export async function handler(event: unknown, context: Context): Promise<IngestResult> {
  const { settings, store, reporter } = wiring();
  const log = new Logger(write, { requestId: context?.awsRequestId, function: 'ingest' });
  return handleIngestEvent(event, { ...settings, store, reporter, log });
}
