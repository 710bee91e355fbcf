// The bundled identity provider function as Lambda runs it
// (dist/handler/identity.js alone in a folder as identity.mjs, in worker
// threads: bundle-worker.ts, each worker one warm container) against a real
// moto server: the directory is an object in a versioned bucket encrypted by
// default with a KMS key made in moto's KMS, as the contract places it. moto
// does not run Transfer Family logins, so a test invokes the function with the
// event Transfer sends (loginEvent: the documented shape,
// https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html).
// Also used by bench/identity.ts (its directory of n users: directoryOf).
import path from 'node:path';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { bundleWorkers, type BundleWorkers } from './bundle-worker.js';
import { createKmsKey } from './ingest-harness.js';
import { repoRoot } from './project.js';
import { startMoto, type Moto } from './servers.js';

export const IDENTITY_BUNDLE = path.join(repoRoot, 'dist', 'handler', 'identity.js');

/** What the function answers (handler/identity/decide.ts IdpAnswer), or {} to deny. */
export interface IdpReturn {
  Role?: string;
  Policy?: string;
  HomeDirectoryType?: string;
  HomeDirectoryDetails?: string;
  PublicKeys?: string[];
}

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/test-gateway-users';
export const KEY_ARN =
  'arn:aws:kms:us-east-1:123456789012:key/0000aaaa-bb11-cc22-dd33-eeeeee444444';
export const DATA_BUCKET = 'test-gateway-data';
export const DIRECTORY_KEY = 'sftpgw/directory.json';

export interface IdentityHarness {
  moto: Moto;
  s3: S3Client;
  /** The bucket the directory lives in. */
  bucket: string;
  kmsKeyId: string;
  /** The function's environment: moto, the directory's place, the answer settings, then `extra`. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Writes a directory (an object is serialized; a string is written verbatim). */
  putDirectory(doc: unknown, key?: string): Promise<{ versionId: string; etag: string }>;
  /** Containers of the function with this environment (workers start on first use). */
  containers(extra?: Record<string, string>): BundleWorkers<IdpReturn>;
  /** Every line every container wrote so far. */
  allLines(): string[];
  stop(): Promise<void>;
}

/** The event Transfer Family sends for a login; a password only for a password login. */
export function loginEvent(
  username: string,
  o: { password?: string; sourceIp?: string; protocol?: string } = {},
): Record<string, unknown> {
  return {
    username,
    ...(o.password !== undefined ? { password: o.password } : {}),
    protocol: o.protocol ?? 'SFTP',
    serverId: 's-0123456789abcdef0',
    sourceIp: o.sourceIp ?? '198.51.100.7',
  };
}

export async function startIdentityHarness(
  bucket = 'test-gateway-config',
): Promise<IdentityHarness> {
  const moto = await startMoto();
  const workerSets: Array<BundleWorkers<IdpReturn>> = [];
  const warning = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const stop = async () => {
    if (warning === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = warning;
    await Promise.all(workerSets.map((w) => w.stop()));
    await moto.stop();
  };
  try {
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: {
        accessKeyId: moto.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY,
      },
    });
    const kmsKeyId = await createKmsKey(moto.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: kmsKeyId,
              },
            },
          ],
        },
      }),
    );
    const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      ...process.env,
      ...moto.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DIRECTORY_BUCKET: bucket,
      DIRECTORY_KEY,
      DIRECTORY_CACHE_SECONDS: '30',
      USER_ROLE_ARN: ROLE_ARN,
      BUCKET_NAME: DATA_BUCKET,
      KEY_ARN,
      ...extra,
    });
    return {
      moto,
      s3,
      bucket,
      kmsKeyId,
      env,
      stop,
      async putDirectory(doc, key = DIRECTORY_KEY) {
        const out = await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: typeof doc === 'string' ? doc : JSON.stringify(doc),
            ContentType: 'application/json',
          }),
        );
        return { versionId: out.VersionId!, etag: out.ETag! };
      },
      allLines: () => workerSets.flatMap((w) => w.allLines),
      containers(extra = {}) {
        const w = bundleWorkers<IdpReturn>(IDENTITY_BUNDLE, 'identity.mjs', () => env(extra));
        workerSets.push(w);
        return w;
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A session policy with the jsonnet's placeholders (as user.libsonnet writes it), for generated users. */
export function policyText(home: string, readOnly: boolean): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ListHome',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:${AWS::Partition}:s3:::${Bucket}',
        Condition: { StringLike: { 's3:prefix': [`${home}/`, `${home}/*`] } },
      },
      {
        Sid: readOnly ? 'ReadHome' : 'ReadWriteHome',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'].concat(
          readOnly ? [] : ['s3:PutObject', 's3:DeleteObject'],
        ),
        Resource: `arn:\${AWS::Partition}:s3:::\${Bucket}/${home}/*`,
      },
      {
        Sid: 'UseGatewayKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt'].concat(readOnly ? [] : ['kms:GenerateDataKey']),
        Resource: '${KeyArn}',
      },
    ],
  });
}

/**
 * A directory of n generated users (user-00000 …), each with one key line
 * (`key(i)`), a /24 of its own, and every tenth read-only: the bench's 10,000-user input.
 */
export function directoryOf(n: number, key: (i: number) => string): Record<string, unknown> {
  const users: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const name = `user-${String(i).padStart(5, '0')}`;
    users[name] = {
      policy: policyText(name, i % 10 === 0),
      home: [{ Entry: '/', Target: `/\${Bucket}/${name}` }],
      keys: [{ key: key(i), expires: null }],
      cidrs: [`10.${(i >> 8) & 255}.${i & 255}.0/24`],
      readOnly: i % 10 === 0,
    };
  }
  return { format: 'sftpgw-directory/1', gateway: 'bench', passwords: false, users };
}
