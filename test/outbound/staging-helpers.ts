// Reusable steps for tests of the outbound commands against a deployed
// gateway in moto: deploy the shipped example through the CLI, stage an
// object in the staging bucket, record a fate on it, read back what S3 holds
// (tags, versions, head, body). Fates are written here with the shared
// definition (shared/outbound/fate.ts) for the cases the function cannot be
// made to produce on demand (user tags, odd keys, paging); in
// fates-e2e-moto.test.ts the push function itself writes every state and the
// same readers read them back.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type Fate, fateTags, withFate } from '../../shared/outbound/fate.js';
import { createHostedZone } from '../helpers/moto-calls.js';
import { exampleProject, runCliAsync, type RunResult } from '../helpers/project.js';
import type { Moto } from '../helpers/servers.js';

export const REGION = 'us-east-1';
const ARTIFACTS = 'sftpgw-outbound-artifacts';

export interface DeployedExample {
  dir: string;
  stackName: string;
  stagingBucket: string;
  env: Record<string, string>;
  s3: S3Client;
  cfn: CloudFormationClient;
  /** `sftpgw <args>` in the project folder, against moto. */
  cli(args: string[]): Promise<RunResult>;
}

/** The shipped example gateway (sftpgw.yaml at the root), deployed to moto through `sftpgw deploy`. */
export async function deployExample(moto: Moto): Promise<DeployedExample> {
  // this process's own SDK clients: no Node 20 note in the test output
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const c = { endpoint: moto.endpoint, region: REGION, credentials };
  const s3 = new S3Client({ ...c, forcePathStyle: true });
  const cfn = new CloudFormationClient(c);
  await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
  const dir = exampleProject();
  const zone = await createHostedZone(moto, 'example.com');
  const yaml = path.join(dir, 'sftpgw.yaml');
  writeFileSync(
    yaml,
    readFileSync(yaml, 'utf8').replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`),
  );
  const env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env });
  const r = await cli(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
  expect(r.status, r.stdout + r.stderr).to.equal(0);
  const stackName = 'sftpgw-example';
  const out = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  const staging = out.StackResources?.find((x) => x.LogicalResourceId === 'StagingBucket');
  expect(staging?.PhysicalResourceId, 'the staging bucket').to.be.a('string');
  return { dir, stackName, stagingBucket: staging!.PhysicalResourceId!, env, s3, cfn, cli };
}

export interface Staged {
  key: string;
  versionId: string;
  body: string;
}

/** Puts an object as a sender would (own tags, metadata, content type); its version id. */
export async function stageObject(
  s3: S3Client,
  bucket: string,
  key: string,
  opts: {
    body?: string;
    tags?: Record<string, string>;
    metadata?: Record<string, string>;
    contentType?: string;
  } = {},
): Promise<Staged> {
  const body = opts.body ?? `contents of ${key}\n`;
  const out = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: opts.contentType,
      Metadata: opts.metadata,
      Tagging: opts.tags ? new URLSearchParams(opts.tags).toString() : undefined,
    }),
  );
  return { key, versionId: out.VersionId!, body };
}

/** Records a fate on the object's current version as the push function does (withFate over its tags). */
export async function recordFate(
  s3: S3Client,
  bucket: string,
  key: string,
  fate: Exclude<Fate, { status: 'pending' }>,
  at: Date = new Date(),
): Promise<void> {
  const tags = withFate(await readTags(s3, bucket, key), fateTags(fate, at));
  await s3.send(
    new PutObjectTaggingCommand({
      Bucket: bucket,
      Key: key,
      Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
    }),
  );
}

/** The tags of the current version, or of versionId. */
export async function readTags(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<Record<string, string>> {
  const out = await s3.send(
    new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
  );
  return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key!, t.Value!]));
}

/** The key's version ids, newest first. */
export async function versionsOf(s3: S3Client, bucket: string, key: string): Promise<string[]> {
  const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return (out.Versions ?? [])
    .filter((v) => v.Key === key)
    .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0))
    .map((v) => v.VersionId!);
}

export async function headOf(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<HeadObjectCommandOutput> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
}

export async function bodyOf(s3: S3Client, bucket: string, key: string, versionId?: string) {
  const out = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
  );
  return out.Body!.transformToString();
}
