// The outbound handler as Lambda runs it, against a real moto server: the
// bundled artifact (dist/handler/index.js) copied alone into a temp folder as
// index.mjs, a versioned staging bucket and Secrets Manager in moto. moto
// cannot deliver S3 notifications without Docker, so tests call the handler
// with the event S3 would send.
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, DeleteObjectTaggingCommand, GetObjectTaggingCommand, PutBucketVersioningCommand,
  PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, S3Event } from 'aws-lambda';
import { eventKey, s3Record } from './handler-harness.js';
import { repoRoot, tempDir } from './project.js';
import { startMoto, type Moto } from './servers.js';

type Handler = (event: S3Event, context: Context) => Promise<{ outcomes: Array<{ outcome: string; destination?: string; file?: string }> }>;

export interface Staged {
  key: string;
  versionId: string;
  size: number;
}

export interface Invocation {
  result?: Awaited<ReturnType<Handler>>;
  error?: Error;
  /** Its JSON lines: log lines carrying its requestId, and EMF lines written while it ran. */
  lines: Array<Record<string, unknown>>;
}

export interface LambdaHarness {
  moto: Moto;
  s3: S3Client;
  sm: SecretsManagerClient;
  bucket: string;
  prefix: string;
  /** Every line any invocation wrote, for "no secret in any line" checks. */
  allLines: string[];
  /** Creates or updates the destination secret <prefix>/<key> (an object is JSON-encoded). */
  putSecret(key: string, secret: Record<string, unknown> | string): Promise<void>;
  stage(key: string, body: Buffer | string): Promise<Staged>;
  /** A new object (version) with the content of another, copied inside moto. */
  copy(from: Staged, key: string): Promise<Staged>;
  remove(o: Staged): Promise<void>;
  event(objects: Array<{ key: string; versionId?: string; size: number }>): S3Event;
  /** Runs the handler; invocations may overlap (lines are told apart by requestId). */
  invoke(event: S3Event, remainingMs?: number): Promise<Invocation>;
  tags(o: Staged): Promise<Record<string, string>>;
  /** Removes every tag of the version (as if the function's tag write had been lost). */
  clearTags(o: Staged): Promise<void>;
  stop(): Promise<void>;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const logLines = (inv: Invocation) => inv.lines.filter((l) => !('_aws' in l));
export const metricLines = (inv: Invocation) => inv.lines.filter((l) => '_aws' in l);

export { eventKey };

export async function startLambdaHarness(opts: { prefix: string; gateway: string; bucket?: string }): Promise<LambdaHarness> {
  const bucket = opts.bucket ?? 'staging-bucket';
  const moto = await startMoto();
  const savedEnv = { ...process.env };
  Object.assign(process.env, moto.env, {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', SECRET_PREFIX: opts.prefix, GATEWAY: opts.gateway,
    DESTINATION_CACHE_SECONDS: '0', DEADLINE_MARGIN_SECONDS: '10',
  });
  const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' });
  const sm = new SecretsManagerClient({ endpoint: moto.endpoint, region: 'us-east-1' });
  let handler: Handler;
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    // As Lambda runs it: the one file alone (no node_modules anywhere above), as index.mjs.
    const bundle = path.join(repoRoot, 'dist/handler/index.js');
    if (!existsSync(bundle)) throw new Error('dist/handler/index.js is missing: npm run build');
    const isolated = path.join(tempDir('sftpgw-lambda-'), 'index.mjs');
    copyFileSync(bundle, isolated);
    ({ handler } = (await import(pathToFileURL(isolated).href)) as { handler: Handler });
  } catch (err) {
    await moto.stop();
    process.env = savedEnv;
    throw err;
  }

  const allLines: string[] = [];
  // One stdout interceptor while any invocation runs; each line goes to the
  // invocation whose requestId it carries (EMF lines to every one running).
  const running = new Map<string, Invocation>();
  let realWrite: typeof process.stdout.write | undefined;
  let pending = '';
  const take = (text: string): void => {
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line) continue;
      allLines.push(line);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const owner = typeof parsed.requestId === 'string' ? running.get(parsed.requestId) : undefined;
      if (owner) owner.lines.push(parsed);
      else for (const inv of running.values()) inv.lines.push(parsed);
    }
  };

  const invoke = async (event: S3Event, remainingMs = 300_000): Promise<Invocation> => {
    const requestId = `req-${randomBytes(4).toString('hex')}`;
    const until = Date.now() + remainingMs;
    const context = { awsRequestId: requestId, getRemainingTimeInMillis: () => until - Date.now() } as unknown as Context;
    const inv: Invocation = { lines: [] };
    if (running.size === 0) {
      realWrite = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string | Uint8Array) => { take(chunk.toString()); return true; }) as typeof process.stdout.write;
    }
    running.set(requestId, inv);
    try {
      inv.result = await handler(event, context);
    } catch (err) {
      inv.error = err as Error;
    } finally {
      running.delete(requestId);
      if (running.size === 0) process.stdout.write = realWrite!;
    }
    return inv;
  };

  const put = async (key: string, body: Buffer | string): Promise<Staged> => {
    const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
    return { key, versionId: out.VersionId!, size: Buffer.byteLength(body) };
  };

  return {
    moto, s3, sm, bucket, prefix: opts.prefix, allLines, invoke,
    async putSecret(key, secret) {
      const text = typeof secret === 'string' ? secret : JSON.stringify(secret);
      const name = `${opts.prefix}/${key}`;
      try {
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: text }));
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
        await sm.send(new CreateSecretCommand({ Name: name, SecretString: text, Tags: [{ Key: 'sftpgw:gateway', Value: opts.gateway }] }));
      }
    },
    stage: put,
    async copy(from, key) {
      const out = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/${encodeURIComponent(from.key)}?versionId=${from.versionId}` }));
      return { key, versionId: out.VersionId!, size: from.size };
    },
    async remove(o) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId }));
    },
    event(objects) {
      return { Records: objects.map((o) => s3Record(bucket, o)) } as unknown as S3Event;
    },
    async tags(o) {
      const out = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId }));
      return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key!, t.Value!]));
    },
    async clearTags(o) {
      await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId }));
    },
    async stop() {
      await moto.stop();
      process.env = savedEnv;
    },
  };
}
