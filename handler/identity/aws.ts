// S3 behind the directory source: GetObject of DIRECTORY_BUCKET/DIRECTORY_KEY
// (the version DIRECTORY_VERSION when pinned), with If-None-Match so an
// unchanged directory answers 304 Not Modified and sends no body
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). The
// object is SSE-KMS encrypted: S3 decrypts it for a caller with kms:Decrypt
// on the key, nothing to do here. The SDK reads region, credentials and
// AWS_ENDPOINT_URL(_S3) itself (path-style with a custom endpoint:
// shared/aws-endpoints.ts).
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3PathStyle } from '../../shared/aws-endpoints.js';
import type { DirectorySource } from './directory-store.js';

export interface DirectoryLocation {
  bucket: string;
  key: string;
  versionId?: string;
}

const notModified = (err: unknown): boolean =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 304 ||
  (err as { name?: string }).name === 'NotModified';

export function s3DirectorySource(
  at: DirectoryLocation,
  env: NodeJS.ProcessEnv = process.env,
): DirectorySource {
  const s3 = new S3Client({ forcePathStyle: s3PathStyle(env) });
  return {
    where: `s3://${at.bucket}/${at.key}${at.versionId ? `?versionId=${at.versionId}` : ''}`,
    pinned: at.versionId !== undefined,
    async read(ifNoneMatch) {
      try {
        const out = await s3.send(
          new GetObjectCommand({
            Bucket: at.bucket,
            Key: at.key,
            VersionId: at.versionId,
            IfNoneMatch: ifNoneMatch,
          }),
        );
        const text = (await out.Body?.transformToString('utf8')) ?? '';
        return { text, etag: out.ETag, versionId: out.VersionId };
      } catch (err) {
        if (notModified(err)) return { notModified: true };
        throw err;
      }
    },
  };
}
