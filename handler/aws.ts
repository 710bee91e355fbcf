// S3 and Secrets Manager behind the ports. The SDK reads region, credentials
// and the standard endpoint variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3,
// AWS_ENDPOINT_URL_SECRETS_MANAGER) itself; with a custom S3 endpoint we switch
// to path-style addressing (shared/aws-endpoints.ts) so a local moto server
// works unchanged.
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { s3PathStyle } from '../shared/aws-endpoints.js';
import { GATEWAY_TAG } from '../shared/gateway-names.js';
import {
  ObjectGoneError,
  SecretMissingError,
  type ObjectRef,
  type ObjectStore,
  type SecretStore,
} from './ports.js';

function isGone(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return (
    name === 'NoSuchKey' ||
    name === 'NoSuchVersion' ||
    (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}

export function s3ObjectStore(env: NodeJS.ProcessEnv = process.env): ObjectStore {
  const s3 = new S3Client({ forcePathStyle: s3PathStyle(env) });
  const call = async <T>(ref: ObjectRef, fn: () => Promise<T>): Promise<T> => {
    // Without a key, GetObjectTagging/PutObjectTagging become the BUCKET's
    // ?tagging requests (and a rejection would overwrite the bucket's tags).
    // The event checks refuse such records; this guard makes it impossible.
    if (
      typeof ref.bucket !== 'string' ||
      ref.bucket === '' ||
      typeof ref.key !== 'string' ||
      ref.key === ''
    ) {
      throw new Error('refusing an S3 object request without a bucket name or object key');
    }
    try {
      return await fn();
    } catch (err) {
      if (isGone(err))
        throw new ObjectGoneError('the staged object no longer exists', { cause: err });
      throw err;
    }
  };
  return {
    tags: (ref: ObjectRef) =>
      call(ref, async () => {
        const out = await s3.send(
          new GetObjectTaggingCommand({
            Bucket: ref.bucket,
            Key: ref.key,
            VersionId: ref.versionId,
          }),
        );
        return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      }),
    setTags: (ref: ObjectRef, tags: Record<string, string>) =>
      call(ref, async () => {
        await s3.send(
          new PutObjectTaggingCommand({
            Bucket: ref.bucket,
            Key: ref.key,
            VersionId: ref.versionId,
            Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
          }),
        );
      }),
    open: (ref: ObjectRef) =>
      call(ref, async () => {
        const out = await s3.send(
          new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }),
        );
        const etag = out.ETag;
        // Ranges of the SAME object: its version, and its ETag where the bucket
        // is unversioned (an overwrite in between fails with 412, not mixes bytes).
        const openRange = (start: number, end: number): Promise<Readable> =>
          call(ref, async () => {
            const part = await s3.send(
              new GetObjectCommand({
                Bucket: ref.bucket,
                Key: ref.key,
                VersionId: ref.versionId,
                IfMatch: etag,
                Range: `bytes=${start}-${end - 1}`,
              }),
            );
            return part.Body as Readable;
          });
        return { size: out.ContentLength ?? 0, body: out.Body as Readable, openRange };
      }),
  };
}

export function secretsManagerStore(): SecretStore {
  const sm = new SecretsManagerClient({});
  return {
    async read(name: string): Promise<string> {
      try {
        const out = await sm.send(new GetSecretValueCommand({ SecretId: name }));
        if (out.SecretString === undefined)
          throw new Error(
            `destination secret ${name} has no string value (binary secrets are not supported)`,
          );
        return out.SecretString;
      } catch (err) {
        const errName = (err as { name?: string }).name;
        if (errName === 'ResourceNotFoundException') {
          throw new SecretMissingError(
            `destination secret ${name} does not exist; create it with sftpgw destinations put`,
            { cause: err },
          );
        }
        if (errName === 'AccessDeniedException') {
          throw new Error(
            `not allowed to read destination secret ${name}: it must carry the gateway's ${GATEWAY_TAG} tag`,
            { cause: err },
          );
        }
        throw err;
      }
    },
  };
}
