// S3 and Transfer Family behind the ingest ports. The SDK reads region,
// credentials and the standard endpoint variables (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_TRANSFER) itself; with a custom S3
// endpoint S3 uses path-style addressing (shared/aws-endpoints.ts).
import {
  CopyObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SendWorkflowStepStateCommand, TransferClient } from '@aws-sdk/client-transfer';
import { s3PathStyle } from '../../shared/aws-endpoints.js';
import type { StepToken } from './events.js';
import {
  SourceGoneError,
  type CopyRequest,
  type IngestStore,
  type ObjectVersion,
  type StepReporter,
  type StepStatus,
} from './ports.js';

const status = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

// 404: no such key or version; 405: the version is a delete marker.
const missing = (err: unknown): boolean => {
  const name = (err as { name?: string }).name;
  return (
    name === 'NoSuchKey' ||
    name === 'NoSuchVersion' ||
    name === 'NotFound' ||
    status(err) === 404 ||
    status(err) === 405
  );
};
const changed = (err: unknown): boolean =>
  (err as { name?: string }).name === 'PreconditionFailed' || status(err) === 412;

/** An ETag as If-Match headers carry it: quoted (the workflow event's eTag is bare). */
export function quotedETag(eTag: string | undefined): string | undefined {
  if (!eTag) return undefined;
  return eTag.startsWith('"') || eTag.startsWith('W/') ? eTag : `"${eTag}"`;
}

/** `bucket/key?versionId=…`, URL-encoded as CopyObject's CopySource must be. */
export function copySource(ref: ObjectVersion): string {
  const path = `${encodeURIComponent(ref.bucket)}/${ref.key.split('/').map(encodeURIComponent).join('/')}`;
  return ref.versionId ? `${path}?versionId=${encodeURIComponent(ref.versionId)}` : path;
}

export function s3IngestStore(env: NodeJS.ProcessEnv = process.env): IngestStore {
  const s3 = new S3Client({ forcePathStyle: s3PathStyle(env) });
  return {
    async head(ref, ifMatch) {
      try {
        const out = await s3.send(
          new HeadObjectCommand({
            Bucket: ref.bucket,
            Key: ref.key,
            VersionId: ref.versionId,
            IfMatch: quotedETag(ifMatch),
          }),
        );
        return {
          lastModified: out.LastModified ?? new Date(Number.NaN),
          versionId: out.VersionId,
          contentType: out.ContentType,
          metadata: out.Metadata ?? {},
        };
      } catch (err) {
        if (missing(err)) return undefined;
        if (changed(err))
          throw new SourceGoneError(
            `s3://${ref.bucket}/${ref.key} no longer has the ETag the event names (it was replaced)`,
            { cause: err },
          );
        throw err;
      }
    },
    async copy(req: CopyRequest) {
      try {
        const out = await s3.send(
          new CopyObjectCommand({
            Bucket: req.from.bucket,
            Key: req.toKey,
            CopySource: copySource(req.from),
            CopySourceIfMatch: quotedETag(req.ifMatch),
            // The copy starts clean: no tag of the source (GuardDuty's scan
            // status on a quarantine copy, the push function's on a home
            // object) is carried into ingest/ or quarantine/.
            TaggingDirective: 'REPLACE',
            MetadataDirective: 'REPLACE',
            Metadata: req.metadata,
            ContentType: req.contentType,
            // No encryption parameters: the bucket's default (SSE-KMS with
            // the gateway key) applies to the copy.
          }),
        );
        return out.VersionId;
      } catch (err) {
        if (missing(err))
          throw new SourceGoneError(
            `the source version s3://${req.from.bucket}/${req.from.key} (version ${req.from.versionId ?? 'current'}) no longer exists`,
            { cause: err },
          );
        if (changed(err))
          throw new SourceGoneError(
            `s3://${req.from.bucket}/${req.from.key} no longer has the ETag the event names (it was replaced)`,
            { cause: err },
          );
        throw err;
      }
    },
    async tags(ref) {
      const out = await s3.send(
        new GetObjectTaggingCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }),
      );
      return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    },
    async setTags(ref, tags) {
      await s3.send(
        new PutObjectTaggingCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          VersionId: ref.versionId,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      );
    },
  };
}

export function transferStepReporter(): StepReporter {
  const transfer = new TransferClient({});
  return {
    async report(step: StepToken, s: StepStatus) {
      await transfer.send(
        new SendWorkflowStepStateCommand({
          WorkflowId: step.workflowId,
          ExecutionId: step.executionId,
          Token: step.token,
          Status: s,
        }),
      );
    },
  };
}
