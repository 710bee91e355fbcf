// One outcome per event, logged as one JSON line and counted in one EMF record.
//
// Workflow step (an upload closed in a home):
//   scan off: copy the uploaded version to <ingest>/<rest>, answer SUCCESS;
//   scan on:  copy it to <quarantine>/<rest> with the source's key and version
//             in its metadata, answer SUCCESS; GuardDuty scans it there.
//   Anything that stops the copy (the version is gone or was replaced, S3
//   refuses, the event is unusable but names its step) answers FAILURE: the
//   execution fails, Transfer Family's OnUploadExecutionsFailed counts it and
//   the execution log (/aws/transfer/<server-id>) shows it; this function logs
//   the reason and counts IngestFailed. If the answer itself cannot be sent,
//   the invocation throws, so Lambda retries it; the copy is idempotent.
// Scan result (GuardDuty finished with a quarantine/ copy):
//   NO_THREATS_FOUND  copy it to <ingest>/<rest> (IngestCopied);
//   THREATS_FOUND     copy nothing; tag the SOURCE version in the home
//                     sftpgw:malware=THREATS_FOUND (IngestThreatsFound);
//   UNSUPPORTED, ACCESS_DENIED, FAILED   copy nothing: held in quarantine/
//                     until an operator releases it (IngestScanNotClean);
//   a copy or tag that fails throws after its log line and IngestFailed, so
//   Lambda retries the event (asynchronous invocation) and the function's
//   Errors metric shows what retries did not fix.
//
// Idempotent: the target key is a function of the upload alone
// (ingest-key.ts); a target that exists already is that upload's copy, so a
// duplicate event or a retry copies nothing ("duplicate"). Two deliveries of
// one event at the same instant may both copy: the same key gets a second
// version with the same bytes, and Snowpipe loads a path once.
import type { Logger } from '../log.js';
import { MALWARE_TAG, SOURCE_KEY_META, SOURCE_VERSION_META } from '../../shared/ingest-names.js';
import {
  classifyEvent,
  type ScanResultEvent,
  type StepToken,
  type WorkflowStep,
} from './events.js';
import { ingestKeyParts, realVersionId } from './ingest-key.js';
import { SourceGoneError, type IngestStore, type StepReporter } from './ports.js';

export type IngestOutcome =
  | 'copied'
  | 'quarantined'
  | 'duplicate'
  | 'threats-found'
  | 'scan-not-clean'
  | 'ignored'
  | 'failed'
  | 'rejected';

export interface IngestResult {
  outcome: IngestOutcome;
  /** The key written (or found already written). */
  target?: string;
  /** What was answered to the workflow step, if anything. */
  step?: 'SUCCESS' | 'FAILURE';
}

export const INGEST_METRICS = [
  'IngestCopied',
  'IngestFailed',
  'IngestThreatsFound',
  'IngestScanNotClean',
] as const;
export type IngestMetric = (typeof INGEST_METRICS)[number];

export interface IngestSettings {
  /** Where clean uploads go, ending in '/': ingest/ */
  ingestPrefix: string;
  /** Set in scan mode only, ending in '/': quarantine/ */
  quarantinePrefix?: string;
  /** When set, scan results for any other bucket are ignored. */
  bucket?: string;
  dimensions: Record<string, string>;
}

export interface IngestDeps extends IngestSettings {
  store: IngestStore;
  reporter: StepReporter;
  log: Logger;
}

const METRIC_OF: Partial<Record<IngestOutcome, IngestMetric>> = {
  copied: 'IngestCopied',
  failed: 'IngestFailed',
  rejected: 'IngestFailed',
  'threats-found': 'IngestThreatsFound',
  'scan-not-clean': 'IngestScanNotClean',
};

const LEVEL_OF: Record<IngestOutcome, 'info' | 'warn' | 'error'> = {
  copied: 'info',
  quarantined: 'info',
  duplicate: 'info',
  ignored: 'info',
  'scan-not-clean': 'warn',
  'threats-found': 'warn',
  failed: 'error',
  rejected: 'error',
};

const MESSAGE_OF: Record<IngestOutcome, string> = {
  copied: 'copied to ingest',
  quarantined: 'copied to quarantine for the malware scan',
  duplicate: 'already copied (duplicate event or retry)',
  ignored: 'not for this function; nothing done',
  'scan-not-clean': 'the malware scan did not clear the file: held in quarantine',
  'threats-found': 'the malware scan found threats: not copied, source tagged',
  failed: 'ingest failed',
  rejected: 'event rejected',
};

/** A metadata value this function wrote URL-encoded; undefined when absent or not valid encoding. */
function decodeMeta(v: string | undefined): string | undefined {
  if (!v) return undefined;
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
}

const errorText = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}` : String(err);

export async function handleIngestEvent(event: unknown, deps: IngestDeps): Promise<IngestResult> {
  const started = Date.now();
  const finish = (result: IngestResult, fields: Record<string, unknown>): IngestResult => {
    deps.log.log(LEVEL_OF[result.outcome], MESSAGE_OF[result.outcome], {
      ...fields,
      outcome: result.outcome,
      target: result.target,
      step: result.step,
      durationMs: Date.now() - started,
    });
    const counts = Object.fromEntries(INGEST_METRICS.map((m) => [m, 0])) as Record<
      IngestMetric,
      number
    >;
    const metric = METRIC_OF[result.outcome];
    if (metric) counts[metric] = 1;
    deps.log.metrics(counts, deps.dimensions);
    return result;
  };

  const e = classifyEvent(event);
  if (e.kind === 'malformed') {
    const fields = { event: 'unknown', reason: e.reason, ...e.fields };
    if (!e.step) return finish({ outcome: 'rejected' }, fields);
    await answer(deps, e.step, 'FAILURE', fields);
    return finish({ outcome: 'rejected', step: 'FAILURE' }, { ...fields, event: 'workflow-step' });
  }
  if (e.kind === 'workflow-step') return workflowStep(e, deps, finish);
  return scanResult(e, deps, finish);
}

type Finish = (result: IngestResult, fields: Record<string, unknown>) => IngestResult;

/** SendWorkflowStepState; a failure to send is logged and thrown, so Lambda retries the invocation. */
async function answer(
  deps: IngestDeps,
  step: StepToken,
  status: 'SUCCESS' | 'FAILURE',
  fields: Record<string, unknown>,
): Promise<void> {
  try {
    await deps.reporter.report(step, status);
  } catch (err) {
    deps.log.log(
      'error',
      'could not report the workflow step state; the invocation fails so Lambda retries it',
      {
        ...fields,
        step: status,
        executionId: step.executionId,
        error: errorText(err),
      },
    );
    throw new Error(
      `SendWorkflowStepState ${status} for execution ${step.executionId} failed: ${errorText(err)}`,
      { cause: err },
    );
  }
}

async function workflowStep(
  e: WorkflowStep,
  deps: IngestDeps,
  finish: Finish,
): Promise<IngestResult> {
  const fields: Record<string, unknown> = {
    event: 'workflow-step',
    bucket: e.bucket,
    key: e.key,
    versionId: e.versionId,
    user: e.user,
    serverId: e.serverId,
    sessionId: e.sessionId,
    workflowId: e.workflowId,
    executionId: e.executionId,
  };
  const fail = async (reason: string): Promise<IngestResult> => {
    await answer(deps, e, 'FAILURE', { ...fields, reason });
    return finish({ outcome: 'failed', step: 'FAILURE' }, { ...fields, reason });
  };
  const scan = deps.quarantinePrefix !== undefined;
  const prefix = deps.quarantinePrefix ?? deps.ingestPrefix;
  // An upload under ingest/ or quarantine/ would copy the function's own output
  // again (the config refuses such homes; this keeps a hand-made event out too).
  for (const own of [deps.ingestPrefix, deps.quarantinePrefix])
    if (own && e.key.startsWith(own))
      return fail(`refusing to ingest ${e.key}: it is already under ${own}`);

  const source = { bucket: e.bucket, key: e.key, versionId: realVersionId(e.versionId) };
  let result: IngestResult;
  try {
    const head = await deps.store.head(source, e.eTag);
    if (!head)
      return fail(
        `the uploaded object s3://${e.bucket}/${e.key} (version ${source.versionId ?? 'current'}) no longer exists`,
      );
    const parts = ingestKeyParts({
      user: e.user,
      lastModified: head.lastModified,
      versionId: source.versionId,
      executionId: e.executionId,
      sourceKey: e.key,
    });
    if (!parts.ok) return fail(parts.reason);
    const target = prefix + parts.rest;
    fields.uploadId = parts.uploadId;
    if (await deps.store.head({ bucket: e.bucket, key: target })) {
      result = { outcome: 'duplicate', target };
    } else {
      await deps.store.copy({
        from: source,
        ifMatch: e.eTag,
        toKey: target,
        contentType: head.contentType,
        metadata: {
          ...head.metadata,
          [SOURCE_KEY_META]: encodeURIComponent(e.key),
          ...(source.versionId ? { [SOURCE_VERSION_META]: source.versionId } : {}),
        },
      });
      result = { outcome: scan ? 'quarantined' : 'copied', target };
    }
  } catch (err) {
    const reason =
      err instanceof SourceGoneError ? err.message : `the copy failed: ${errorText(err)}`;
    return fail(reason);
  }
  await answer(deps, e, 'SUCCESS', { ...fields, target: result.target });
  return finish({ ...result, step: 'SUCCESS' }, fields);
}

async function scanResult(
  e: ScanResultEvent,
  deps: IngestDeps,
  finish: Finish,
): Promise<IngestResult> {
  const fields: Record<string, unknown> = {
    event: 'scan-result',
    bucket: e.bucket,
    key: e.key,
    versionId: e.versionId,
    scanResultStatus: e.status,
  };
  const quarantine = deps.quarantinePrefix;
  if (quarantine === undefined)
    return finish(
      { outcome: 'ignored' },
      { ...fields, reason: 'malware scanning is off (QUARANTINE_PREFIX is not set)' },
    );
  if (deps.bucket !== undefined && e.bucket !== deps.bucket)
    return finish(
      { outcome: 'ignored' },
      { ...fields, reason: `not the gateway bucket ${deps.bucket}` },
    );
  if (!e.key.startsWith(quarantine) || e.key.length === quarantine.length)
    return finish({ outcome: 'ignored' }, { ...fields, reason: `not under ${quarantine}` });

  const held = { bucket: e.bucket, key: e.key, versionId: realVersionId(e.versionId) };
  const failed = (err: unknown): never => {
    finish({ outcome: 'failed' }, { ...fields, reason: errorText(err) });
    throw err instanceof Error ? err : new Error(String(err));
  };
  try {
    switch (e.status) {
      case 'NO_THREATS_FOUND': {
        const target = deps.ingestPrefix + e.key.slice(quarantine.length);
        if (await deps.store.head({ bucket: e.bucket, key: target }))
          return finish({ outcome: 'duplicate', target }, fields);
        const head = await deps.store.head(held);
        if (!head)
          throw new SourceGoneError(
            `the scanned copy s3://${e.bucket}/${e.key} (version ${held.versionId ?? 'current'}) no longer exists`,
          );
        await deps.store.copy({
          from: held,
          ifMatch: undefined,
          toKey: target,
          contentType: head.contentType,
          metadata: head.metadata,
        });
        return finish({ outcome: 'copied', target }, fields);
      }
      case 'THREATS_FOUND': {
        const head = await deps.store.head(held);
        const sourceKey = decodeMeta(head?.metadata[SOURCE_KEY_META]);
        if (!head || !sourceKey)
          // The quarantine copy is gone or was not made by this function: GuardDuty's own
          // tag on it still denies reads; nothing in a home to tag.
          return finish(
            { outcome: 'threats-found' },
            { ...fields, reason: 'the quarantine copy names no source to tag' },
          );
        const source = {
          bucket: e.bucket,
          key: sourceKey,
          versionId: head.metadata[SOURCE_VERSION_META],
        };
        const sourceFields = { ...fields, sourceKey, sourceVersionId: source.versionId };
        if (!(await deps.store.head(source)))
          return finish(
            { outcome: 'threats-found' },
            { ...sourceFields, reason: 'the source in the home no longer exists; nothing to tag' },
          );
        const tags = await deps.store.tags(source);
        if (tags[MALWARE_TAG] === 'THREATS_FOUND')
          return finish(
            { outcome: 'duplicate' },
            { ...sourceFields, reason: 'the source is tagged already' },
          );
        // An object holds at most 10 tags: keep the source's own, add ours.
        await deps.store.setTags(source, { ...tags, [MALWARE_TAG]: 'THREATS_FOUND' });
        return finish({ outcome: 'threats-found' }, sourceFields);
      }
      default:
        return finish({ outcome: 'scan-not-clean' }, fields);
    }
  } catch (err) {
    return failed(err);
  }
}
