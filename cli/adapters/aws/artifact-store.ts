// Where packaged artifacts go: an S3 bucket, keys named by content hash, so an
// upload is skipped when the key already exists (same key = same bytes).
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SftpgwError } from '../../engine/errors.js';
import { s3Endpoint } from './clients.js';

export interface ArtifactStore {
  readonly bucket: string;
  exists(key: string): Promise<boolean>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The URL CloudFormation reads a template from (TemplateURL). */
  url(key: string): string;
}

/**
 * origin: where the bucket's name comes from ("artifacts.bucket in
 * sftpgw.yaml:12", "--s3-bucket"), named when the bucket does not exist.
 */
export function s3ArtifactStore(
  s3: S3Client,
  bucket: string,
  region: string,
  env: NodeJS.ProcessEnv = process.env,
  origin = 'artifacts.bucket or --s3-bucket',
): ArtifactStore {
  const endpoint = s3Endpoint(env);
  const missing = (err: unknown) => missingBucket(err, bucket, region, origin);
  return {
    bucket,
    async exists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (err) {
        // A HEAD answer has no body: a missing bucket is a 404 like a missing
        // key, and shows when the upload that follows is refused.
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        if (status === 404 || (err as { name?: string }).name === 'NotFound') return false;
        throw missing(err);
      }
    },
    async put(key, body, contentType) {
      try {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
        );
      } catch (err) {
        throw missing(err);
      }
    },
    url(key) {
      const path = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
      if (endpoint) {
        // A custom endpoint (moto): path-style. moto's CloudFormation
        // mis-parses a 127.0.0.1 host in TemplateURL but reads localhost.
        return `${endpoint.replace(/\/+$/, '').replace('//127.0.0.1', '//localhost')}/${path}`;
      }
      return `https://s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/${path}`;
    },
  };
}

/**
 * S3's NoSuchBucket ("The specified bucket does not exist") as what it means
 * here: the bucket sftpgw was told to use is not there. sftpgw does not
 * create it (it holds the artifacts of every deploy, and outlives a stack).
 * Any other error unchanged (cli/adapters/aws/errors.ts explains those).
 */
function missingBucket(err: unknown, bucket: string, region: string, origin: string): unknown {
  const e = err as { name?: string; Code?: string };
  if (e?.name !== 'NoSuchBucket' && e?.Code !== 'NoSuchBucket') return err;
  return new SftpgwError(
    'failed',
    `the artifact bucket ${bucket} does not exist (the name comes from ${origin})`,
    {
      hint: `create it (aws s3 mb s3://${bucket} --region ${region}), or set artifacts.bucket in sftpgw.yaml (or pass --s3-bucket) to a bucket that exists`,
      cause: err,
    },
  );
}
