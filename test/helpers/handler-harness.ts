// The bundled push function as Lambda runs it (dist/handler/index.js alone in a
// folder, no node_modules above it, loaded as index.mjs, in worker threads:
// test/helpers/bundle-worker.ts) wired to a real moto server (S3, Secrets
// Manager) and, unless a test brings its own SFTP servers, a real sshd on
// 127.0.0.1; both started once per test file and stopped by PID. moto cannot
// deliver S3 notifications without Docker, so a test invokes the handler with
// the event S3 would send (or a malformed one).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetObjectTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { S3Event } from 'aws-lambda';
import { GATEWAY_TAG } from '../../shared/gateway-names.js';
import { bundleWorkers, type Invocation as BundleInvocation } from './bundle-worker.js';
import { repoRoot } from './project.js';
import { startMoto, startSshd, type Moto, type Sshd } from './servers.js';

export type HandlerResult = {
  outcomes: Array<{ outcome: string; destination?: string; file?: string }>;
};

export type Invocation = BundleInvocation<HandlerResult>;

export interface Staged {
  key: string;
  versionId: string;
  size: number;
}

/** The function, moto, and the staging bucket. */
export interface HandlerHarness {
  moto: Moto;
  s3: S3Client;
  sm: SecretsManagerClient;
  bucket: string;
  prefix: string;
  /** Every line any invocation wrote, for "no secret in any line" checks. */
  allLines: string[];
  /** Writes the secret `<prefix>/<key>`, tagged for the gateway when created (a string is stored verbatim). */
  putSecret(key: string, value: string | Record<string, unknown>): Promise<void>;
  stage(key: string, body: Buffer | string): Promise<Staged>;
  /** A new object (version) with the content of another, copied inside moto. */
  copy(from: Staged, key: string): Promise<Staged>;
  remove(o: Staged): Promise<void>;
  /** An S3 ObjectCreated record as S3 sends it (key URL-encoded, + for a space). */
  record(o: { key: string; versionId?: string; size?: number }): Record<string, unknown>;
  event(objects: Array<{ key: string; versionId?: string; size?: number }>): S3Event;
  /** Calls the handler with a context whose time runs out after remainingMs; stops it after budgetMs. */
  invoke(event: unknown, remainingMs?: number, budgetMs?: number): Promise<Invocation>;
  /**
   * Has `containers` workers loaded and idle, as warm containers are: a test
   * that starts overlapping invocations at a precise moment calls it first, so
   * no invocation waits for a bundle to load.
   */
  warm(containers: number): Promise<void>;
  tags(o: { key: string; versionId?: string }): Promise<Record<string, string>>;
  /** Removes every tag of the version (as if the function's tag write had been lost). */
  clearTags(o: Staged): Promise<void>;
  stop(): Promise<void>;
}

/** The same with the harness's own sshd as the remote SFTP server. */
export interface HandlerHarnessWithSshd extends HandlerHarness {
  sshd: Sshd;
  /** A folder on the sshd, created (absolute path, also the remote path). */
  remoteDir(name: string): string;
  /** A working secret for the sshd with `overrides` applied (undefined removes a field). */
  validSecret(key: string, overrides?: Record<string, unknown>): Record<string, unknown>;
}

export interface HandlerHarnessOptions {
  bucket?: string;
  /**
   * A moto server already running (e.g. with a gateway deployed into it):
   * the harness uses it and leaves it running, and uses `bucket` as it is
   * (the deployed staging bucket) instead of creating one.
   */
  moto?: Moto;
  /** SECRET_PREFIX (default sftpgw). */
  prefix?: string;
  /** GATEWAY, and the gateway tag on secrets putSecret creates (default test-gateway). */
  gateway?: string;
  /** More environment for the function. */
  env?: Record<string, string>;
}

/** The key as S3 writes it into event notifications: URL-encoded, `+` for a space. */
export function eventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/** An ObjectCreated record as S3 sends it for an object of `bucket`. */
export function s3Record(
  bucket: string,
  o: { key: string; versionId?: string; size?: number },
): Record<string, unknown> {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'test' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'push',
      bucket: {
        name: bucket,
        ownerIdentity: { principalId: 'test' },
        arn: `arn:aws:s3:::${bucket}`,
      },
      object: {
        key: eventKey(o.key),
        size: o.size ?? 0,
        eTag: 'x',
        versionId: o.versionId,
        sequencer: '0',
      },
    },
  };
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/**
 * Every string of a parsed log line: values, and object keys below the top
 * level (the top-level names are the logger's own). What "no secret in a
 * line" is checked against.
 */
export function logStrings(value: unknown, top = true, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) logStrings(v, false, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!top) out.push(k);
      logStrings(v, false, out);
    }
  }
  return out;
}

/** Starts moto and an sshd; `sshd: false` for a test that brings its own SFTP servers. */
export async function startHandlerHarness(
  opts: HandlerHarnessOptions & { sshd: false },
): Promise<HandlerHarness>;
export async function startHandlerHarness(
  opts?: HandlerHarnessOptions & { sshd?: true },
): Promise<HandlerHarnessWithSshd>;
export async function startHandlerHarness(
  opts: HandlerHarnessOptions & { sshd?: boolean } = {},
): Promise<HandlerHarness | HandlerHarnessWithSshd> {
  const bucket = opts.bucket ?? 'staging-bucket';
  const prefix = opts.prefix ?? 'sftpgw';
  const gateway = opts.gateway ?? 'test-gateway';
  const bundle = path.join(repoRoot, 'dist/handler/index.js');
  if (!existsSync(bundle)) throw new Error('dist/handler/index.js is missing: npm run build');
  const servers = await Promise.allSettled([
    opts.moto ? Promise.resolve(opts.moto) : startMoto(),
    ...(opts.sshd === false ? [] : [startSshd()]),
  ]);
  const failed = servers.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  const [moto, sshd] = servers.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    Moto,
    Sshd | undefined,
  ];
  const savedEnv = { ...process.env };
  let stopWorkers = async (): Promise<void> => {};
  const stop = async (): Promise<void> => {
    process.env = savedEnv;
    await stopWorkers();
    await Promise.all([opts.moto ? undefined : moto.stop(), sshd?.stop()]);
  };
  try {
    // Workers take their environment from here when they start; tests' own
    // SDK clients and child processes take moto's credentials from it too.
    Object.assign(process.env, moto.env, {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SECRET_PREFIX: prefix,
      GATEWAY: gateway,
      DESTINATION_CACHE_SECONDS: '0',
      DEADLINE_MARGIN_SECONDS: '10',
      ...opts.env,
    });
    const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' });
    const sm = new SecretsManagerClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    if (!opts.moto) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
    }
    const workers = bundleWorkers<HandlerResult>(bundle, 'index.mjs');
    stopWorkers = workers.stop;

    const record = (o: { key: string; versionId?: string; size?: number }) => s3Record(bucket, o);
    const allLines = workers.allLines;

    const harness: HandlerHarness = {
      moto,
      s3,
      sm,
      bucket,
      prefix,
      allLines,
      record,
      stop,
      async putSecret(key, value) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const name = `${prefix}/${key}`;
        try {
          await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: text }));
        } catch (err) {
          if (!(err instanceof ResourceNotFoundException)) throw err;
          await sm.send(
            new CreateSecretCommand({
              Name: name,
              SecretString: text,
              Tags: [{ Key: GATEWAY_TAG, Value: gateway }],
            }),
          );
        }
      },
      async stage(key, body) {
        const out = await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }),
        );
        return { key, versionId: out.VersionId!, size: Buffer.byteLength(body) };
      },
      async copy(from, key) {
        const out = await s3.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: key,
            CopySource: `${bucket}/${encodeURIComponent(from.key)}?versionId=${from.versionId}`,
          }),
        );
        return { key, versionId: out.VersionId!, size: from.size };
      },
      async remove(o) {
        await s3.send(
          new DeleteObjectCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId }),
        );
      },
      event: (objects) => ({ Records: objects.map(record) }) as unknown as S3Event,
      invoke: workers.invoke,
      warm: workers.warm,
      async tags(o) {
        const out = await s3.send(
          new GetObjectTaggingCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId }),
        );
        return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key!, t.Value!]));
      },
      async clearTags(o) {
        await s3.send(
          new DeleteObjectTaggingCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId }),
        );
      },
    };
    if (!sshd) return harness;

    const remoteDir = (name: string): string => {
      const dir = path.join(sshd.root, name);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    return {
      ...harness,
      sshd,
      remoteDir,
      validSecret(key, overrides = {}) {
        const secret: Record<string, unknown> = {
          Host: '127.0.0.1',
          Port: sshd.port,
          Username: sshd.user,
          PrivateKey: sshd.clientKey.privateKey,
          TrustedHostKeys: [sshd.hostPublicKey],
          RemoteDirectory: remoteDir(key),
          FilePattern: '.*',
        };
        for (const [k, v] of Object.entries(overrides)) {
          if (v === undefined) delete secret[k];
          else secret[k] = v;
        }
        return secret;
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Log lines (not EMF metric records) of an invocation. */
export const logLines = (inv: Invocation) => inv.lines.filter((l) => !('_aws' in l));
/** EMF metric records of an invocation. */
export const metricLines = (inv: Invocation) => inv.lines.filter((l) => '_aws' in l);
