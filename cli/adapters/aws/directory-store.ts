// The identity directory in S3 (issue 27, docs/identity-provider.md): one
// object, `directory.json`, in the gateway's DirectoryBucket (versioned,
// SSE-KMS with the gateway key). The deploy reads the current object to diff
// and to skip an unchanged upload, and writes a new version; `sftpgw info` and
// `users` read it and its versions. A PutObject replaces the object whole, so
// readers see the old or the new directory, never a mix
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel),
// and every overwrite keeps the previous version for rollback
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html).
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { SftpgwError } from '../../engine/errors.js';

/** The object's key in DirectoryBucket (the function's DIRECTORY_KEY). */
export const DIRECTORY_KEY = 'directory.json';

export interface DirectoryObject {
  text: string;
  versionId?: string;
  etag?: string;
  lastModified?: Date;
}

export interface DirectoryVersion {
  versionId: string;
  lastModified: Date;
  isLatest: boolean;
  size: number;
}

export interface DirectoryStore {
  readonly bucket: string;
  /** The current directory; undefined when the bucket holds none yet. */
  read(): Promise<DirectoryObject | undefined>;
  /** Writes a new version (SSE-KMS with the gateway key); its version id. */
  write(text: string): Promise<{ versionId?: string }>;
  /** Every version of the object, newest first. */
  versions(): Promise<DirectoryVersion[]>;
}

export interface DirectoryStoreOptions {
  bucket: string;
  /**
   * The gateway key (its ARN or id): the object is encrypted with it, as the
   * function's role may decrypt only through S3 with it. Absent: no
   * encryption headers, so the bucket's default encryption applies (the
   * template sets SSE-KMS with the gateway key).
   */
  keyArn?: string;
  key?: string;
}

const status = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const errName = (err: unknown) => (err as { name?: string; Code?: string }).name ?? '';

/** The clients it needs: only S3 (KMS is used by S3 on the caller's behalf: kms:GenerateDataKey, kms:Decrypt). */
export interface DirectoryClients {
  s3: S3Client;
}

export function directoryStore(
  clients: DirectoryClients,
  { bucket, keyArn, key = DIRECTORY_KEY }: DirectoryStoreOptions,
): DirectoryStore {
  const { s3 } = clients;
  const where = `s3://${bucket}/${key}`;
  const failed = (what: string, err: unknown) => {
    if (errName(err) === 'NoSuchBucket')
      return new SftpgwError('failed', `${what} ${where}: the directory bucket does not exist`, {
        hint: 'the stack names a DirectoryBucket that is gone (deleted by hand?): deploy again to create it, or see docs/identity-provider.md',
        cause: err,
      });
    // Anything else (AccessDenied, KMS) is explained by cli/adapters/aws/errors.ts from the call's IAM action.
    return err;
  };
  return {
    bucket,
    async read() {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = (await out.Body?.transformToString('utf8')) ?? '';
        return {
          text,
          versionId: out.VersionId ?? undefined,
          etag: out.ETag ?? undefined,
          lastModified: out.LastModified ?? undefined,
        };
      } catch (err) {
        if (
          errName(err) === 'NoSuchKey' ||
          (status(err) === 404 && errName(err) !== 'NoSuchBucket')
        )
          return undefined;
        throw failed('reading', err);
      }
    },
    async write(text) {
      try {
        const out = await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: Buffer.from(text, 'utf8'),
            ContentType: 'application/json',
            ...(keyArn ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: keyArn } : {}),
          }),
        );
        return { versionId: out.VersionId ?? undefined };
      } catch (err) {
        throw failed('writing', err);
      }
    },
    async versions() {
      const out: DirectoryVersion[] = [];
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      try {
        for (;;) {
          const page = await s3.send(
            new ListObjectVersionsCommand({
              Bucket: bucket,
              Prefix: key,
              KeyMarker,
              VersionIdMarker,
            }),
          );
          for (const v of page.Versions ?? [])
            if (v.Key === key && v.VersionId)
              out.push({
                versionId: v.VersionId,
                lastModified: v.LastModified ?? new Date(0),
                isLatest: v.IsLatest ?? false,
                size: v.Size ?? 0,
              });
          if (!page.IsTruncated) break;
          KeyMarker = page.NextKeyMarker;
          VersionIdMarker = page.NextVersionIdMarker;
        }
      } catch (err) {
        throw failed('listing the versions of', err);
      }
      return out.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime());
    },
  };
}
