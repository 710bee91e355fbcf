// The staging bucket's objects over the S3 SDK, for `sftpgw outbound status`
// and `redeliver` (the interface: cli/engine/outbound/staging-objects.ts).
// Tags are sent to CopyObject as URL query parameters (x-amz-tagging), each
// name and value %-encoded.
import {
  CopyObjectCommand,
  type CopyObjectCommandInput,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
  type ServerSideEncryption,
  type StorageClass,
} from '@aws-sdk/client-s3';
import type { StagingObjects } from '../../engine/outbound/staging-objects.js';

/** A 404 of HeadObject (NotFound, no body) or NoSuchKey of the other calls. */
function isMissingKey(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchVersion' ||
    e?.$metadata?.httpStatusCode === 404
  );
}

/** `bucket/key?versionId=…`, the key's segments URL-encoded as CopySource must be. */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const path = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return versionId === undefined ? path : `${path}?versionId=${encodeURIComponent(versionId)}`;
}

export function taggingQuery(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

export function sdkStagingObjects(s3: S3Client): StagingObjects {
  return {
    async listPage(bucket, { prefix, token, pageSize }) {
      const out = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: token,
          MaxKeys: pageSize,
        }),
      );
      return {
        objects: (out.Contents ?? [])
          .filter((o) => o.Key !== undefined)
          .map((o) => ({
            key: o.Key!,
            lastModified: o.LastModified ?? new Date(0),
            size: o.Size ?? 0,
          })),
        next: out.IsTruncated ? out.NextContinuationToken : undefined,
      };
    },
    async tags(bucket, key, versionId) {
      try {
        const out = await s3.send(
          new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
        );
        return Object.fromEntries(
          (out.TagSet ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']),
        );
      } catch (err) {
        if (isMissingKey(err)) return undefined;
        throw err;
      }
    },
    async head(bucket, key) {
      try {
        const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          versionId: h.VersionId,
          size: h.ContentLength ?? 0,
          lastModified: h.LastModified,
          eTag: h.ETag,
          contentType: h.ContentType,
          contentEncoding: h.ContentEncoding,
          contentDisposition: h.ContentDisposition,
          contentLanguage: h.ContentLanguage,
          cacheControl: h.CacheControl,
          expires: h.Expires,
          storageClass: h.StorageClass,
          metadata: h.Metadata ?? {},
          serverSideEncryption: h.ServerSideEncryption,
          kmsKeyId: h.SSEKMSKeyId,
          bucketKeyEnabled: h.BucketKeyEnabled,
        };
      } catch (err) {
        if (isMissingKey(err)) return undefined;
        throw err;
      }
    },
    async copyOnto(bucket, key, { head, metadata, tags }) {
      const kms = head.serverSideEncryption?.startsWith('aws:kms') === true;
      const input: CopyObjectCommandInput = {
        Bucket: bucket,
        Key: key,
        CopySource: copySource(bucket, key, head.versionId),
        MetadataDirective: 'REPLACE',
        Metadata: metadata,
        ContentType: head.contentType,
        ContentEncoding: head.contentEncoding,
        ContentDisposition: head.contentDisposition,
        ContentLanguage: head.contentLanguage,
        CacheControl: head.cacheControl,
        Expires: head.expires,
        StorageClass: head.storageClass as StorageClass | undefined,
        TaggingDirective: 'REPLACE',
        Tagging: taggingQuery(tags),
        ServerSideEncryption: head.serverSideEncryption as ServerSideEncryption | undefined,
        SSEKMSKeyId: kms ? head.kmsKeyId : undefined,
        BucketKeyEnabled: kms ? head.bucketKeyEnabled : undefined,
      };
      const out = await s3.send(new CopyObjectCommand(input));
      return { versionId: out.VersionId };
    },
  };
}
