// The identity provider's directory object (docs/identity-provider.md): key
// directory.json in the gateway's DirectoryBucket, versioned, SSE-KMS with the
// gateway key. MINIMAL COPY by helper 27f (the operator commands read it);
// helper 27e owns this file and the integrator keeps 27e's version. The
// interface is the contract's (/work/notes/contract-27-wiring.md);
// `lastModified` on read() is 27f's addition (GetObject returns it anyway):
// a caller that finds it absent asks versions() for the time.
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** The object's key in DirectoryBucket (the function's DIRECTORY_KEY). */
export const DIRECTORY_KEY = 'directory.json';

export interface DirectoryStore {
  /** The current object; undefined when there is none yet. */
  read(): Promise<
    { text: string; versionId?: string; etag?: string; lastModified?: Date } | undefined
  >;
  write(text: string): Promise<{ versionId?: string }>;
  versions(): Promise<
    Array<{ versionId: string; lastModified: Date; isLatest: boolean; size: number }>
  >;
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

export function directoryStore(
  clients: { s3: S3Client },
  where: { bucket: string; keyArn?: string },
): DirectoryStore {
  const { s3 } = clients;
  const Bucket = where.bucket;
  return {
    async read() {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket, Key: DIRECTORY_KEY }));
        const text = (await out.Body?.transformToString('utf8')) ?? '';
        return {
          text,
          versionId: out.VersionId,
          etag: out.ETag,
          lastModified: out.LastModified,
        };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async write(text) {
      const out = await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: DIRECTORY_KEY,
          Body: text,
          ContentType: 'application/json',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: where.keyArn,
        }),
      );
      return { versionId: out.VersionId };
    },
    async versions() {
      const found: Array<{
        versionId: string;
        lastModified: Date;
        isLatest: boolean;
        size: number;
      }> = [];
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      do {
        const out = await s3.send(
          new ListObjectVersionsCommand({
            Bucket,
            Prefix: DIRECTORY_KEY,
            KeyMarker,
            VersionIdMarker,
          }),
        );
        for (const v of out.Versions ?? [])
          if (v.Key === DIRECTORY_KEY && v.VersionId)
            found.push({
              versionId: v.VersionId,
              lastModified: v.LastModified ?? new Date(0),
              isLatest: v.IsLatest === true,
              size: v.Size ?? 0,
            });
        [KeyMarker, VersionIdMarker] = out.IsTruncated
          ? [out.NextKeyMarker, out.NextVersionIdMarker]
          : [undefined, undefined];
      } while (KeyMarker !== undefined);
      return found;
    },
  };
}
