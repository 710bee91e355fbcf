// The bundled ingest function as Lambda runs it (dist/handler/ingest.js alone
// in a folder as ingest.mjs, in worker threads: bundle-worker.ts) against a
// real moto server (S3: a versioned bucket encrypted by default with a KMS key
// made in moto's KMS) and, for SendWorkflowStepState, which moto lacks, the
// recorder in transfer-recorder.ts (a fake, said so there). Two function
// configurations share them: `plain` (malwareScan off) and `scan`
// (QUARANTINE_PREFIX set). moto neither runs Transfer Family workflows nor
// GuardDuty, so a test invokes the function with the events they send.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { bundleWorkers, type BundleWorkers, type Invocation } from './bundle-worker.js';
import { repoRoot } from './project.js';
import { startMoto, type Moto } from './servers.js';
import { startTransferRecorder, type TransferRecorder } from './transfer-recorder.js';

/** What the function returns (handler/ingest/ingest.ts IngestResult). */
export type IngestReturn = { outcome: string; target?: string; step?: string };
export type IngestInvocation = Invocation<IngestReturn>;

export interface Uploaded {
  bucket: string;
  key: string;
  versionId: string;
  eTag: string;
}

export interface IngestHarness {
  moto: Moto;
  recorder: TransferRecorder;
  s3: S3Client;
  bucket: string;
  kmsKeyId: string;
  plain: BundleWorkers<IngestReturn>;
  scan: BundleWorkers<IngestReturn>;
  /** The function's environment in each configuration (for a process of its own). */
  env: { plain: NodeJS.ProcessEnv; scan: NodeJS.ProcessEnv };
  upload(key: string, body: string | Buffer, bucket?: string): Promise<Uploaded>;
  /** The CUSTOM step event Transfer Family sends for an upload (user guide example shape). */
  stepEvent(
    o: { bucket?: string; key: string; versionId?: string | null; eTag?: string },
    user?: string,
  ): { event: Record<string, unknown>; executionId: string; workflowId: string; token: string };
  /** The EventBridge event GuardDuty sends for a scanned object. */
  scanEvent(
    o: { bucket?: string; key: string; versionId?: string; eTag?: string },
    status: string,
  ): Record<string, unknown>;
  /** Keys (with their version counts) under a prefix. */
  versions(prefix: string, bucket?: string): Promise<Record<string, number>>;
  body(key: string): Promise<string>;
  head(
    key: string,
    versionId?: string,
  ): Promise<{
    metadata: Record<string, string>;
    sse?: string;
    kmsKeyId?: string;
    versionId?: string;
  }>;
  tags(key: string, versionId?: string): Promise<Record<string, string>>;
  setTags(key: string, tags: Record<string, string>, versionId?: string): Promise<void>;
  stop(): Promise<void>;
}

export const GATEWAY = 'test-gateway';

/**
 * A key in moto's KMS: one AWS JSON 1.1 request (the package has no KMS
 * client, and adding one for a test is not worth it); moto routes it by the
 * service in the credential scope and does not check the signature.
 */
export async function createKmsKey(endpoint: string): Promise<string> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.CreateKey',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ Description: 'gateway key' }),
  });
  if (!res.ok) throw new Error(`moto KMS CreateKey answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
}

export async function startIngestHarness(bucket = 'gateway-bucket'): Promise<IngestHarness> {
  const bundle = path.join(repoRoot, 'dist/handler/ingest.js');
  const [moto, recorder] = await Promise.all([startMoto(), startTransferRecorder()]);
  const stopped: Array<() => Promise<void>> = [moto.stop, recorder.stop];
  // The test's own SDK clients on Node 20 would print the SDK's Node version notice.
  const warning = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const stop = async () => {
    if (warning === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = warning;
    await Promise.all(stopped.map((s) => s()));
  };
  try {
    const credentials = {
      accessKeyId: moto.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY,
    };
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials,
    });
    const kmsKeyId = await createKmsKey(moto.endpoint);
    for (const b of [bucket, 'other-bucket']) {
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: b,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: b,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: kmsKeyId,
                },
                BucketKeyEnabled: true,
              },
            ],
          },
        }),
      );
    }
    const env = (extra: Record<string, string>) => () => ({
      ...process.env,
      ...moto.env,
      AWS_ENDPOINT_URL_TRANSFER: recorder.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      GATEWAY,
      INGEST_PREFIX: 'ingest/',
      ...extra,
    });
    const plainEnv = env({});
    const scanEnv = env({ QUARANTINE_PREFIX: 'quarantine/', GATEWAY_BUCKET: bucket });
    const plain = bundleWorkers<IngestReturn>(bundle, 'ingest.mjs', plainEnv);
    const scan = bundleWorkers<IngestReturn>(bundle, 'ingest.mjs', scanEnv);
    stopped.unshift(plain.stop, scan.stop);

    const hex = (n: number) =>
      Array.from(
        { length: n },
        () => '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 36)],
      ).join('');
    return {
      moto,
      recorder,
      s3,
      bucket,
      kmsKeyId,
      plain,
      scan,
      env: { plain: plainEnv(), scan: scanEnv() },
      stop,
      async upload(key, body, b = bucket) {
        const out = await s3.send(
          new PutObjectCommand({ Bucket: b, Key: key, Body: Buffer.from(body) }),
        );
        return { bucket: b, key, versionId: out.VersionId!, eTag: out.ETag!.replace(/"/g, '') };
      },
      stepEvent(o, user = 'acme') {
        const executionId = randomUUID();
        const workflowId = `w-${hex(17)}`;
        const token = Buffer.from(randomUUID()).toString('base64').replace(/=+$/, '');
        return {
          executionId,
          workflowId,
          token,
          event: {
            token,
            serviceMetadata: {
              executionDetails: { workflowId, executionId },
              transferDetails: { sessionId: hex(16), userName: user, serverId: `s-${hex(17)}` },
            },
            fileLocation: {
              domain: 'S3',
              bucket: o.bucket ?? bucket,
              key: o.key,
              eTag: o.eTag,
              versionId: o.versionId === undefined ? null : o.versionId,
            },
          },
        };
      },
      scanEvent(o, status) {
        return {
          version: '0',
          id: randomUUID(),
          'detail-type': 'GuardDuty Malware Protection Object Scan Result',
          source: 'aws.guardduty',
          account: '123456789012',
          time: new Date().toISOString(),
          region: 'us-east-1',
          resources: ['arn:aws:guardduty:us-east-1:123456789012:malware-protection-plan/test'],
          detail: {
            schemaVersion: '1.0',
            scanStatus:
              status === 'NO_THREATS_FOUND' || status === 'THREATS_FOUND' ? 'COMPLETED' : 'SKIPPED',
            resourceType: 'S3_OBJECT',
            s3ObjectDetails: {
              bucketName: o.bucket ?? bucket,
              objectKey: o.key,
              eTag: o.eTag ?? 'x',
              versionId: o.versionId,
              s3Throttled: false,
            },
            scanResultDetails: { scanResultStatus: status, threats: null },
          },
        };
      },
      async versions(prefix, b = bucket) {
        const out = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: prefix }));
        const counts: Record<string, number> = {};
        for (const v of out.Versions ?? []) counts[v.Key!] = (counts[v.Key!] ?? 0) + 1;
        return counts;
      },
      async body(key) {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body!.transformToString();
      },
      async head(key, versionId) {
        const out = await s3.send(
          new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
        );
        return {
          metadata: out.Metadata ?? {},
          sse: out.ServerSideEncryption,
          kmsKeyId: out.SSEKMSKeyId,
          versionId: out.VersionId,
        };
      },
      async tags(key, versionId) {
        const out = await s3.send(
          new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
        );
        return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key!, t.Value!]));
      },
      async setTags(key, tags, versionId) {
        await s3.send(
          new PutObjectTaggingCommand({
            Bucket: bucket,
            Key: key,
            VersionId: versionId,
            Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
          }),
        );
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Log lines (not EMF metric records) of an invocation. */
export const ingestLogs = (inv: IngestInvocation) => inv.lines.filter((l) => !('_aws' in l));
/** The one EMF record of an invocation. */
export const ingestMetrics = (inv: IngestInvocation) => inv.lines.filter((l) => '_aws' in l);
