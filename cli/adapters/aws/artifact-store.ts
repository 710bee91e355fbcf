// Where packaged artifacts go: an S3 bucket, keys named by content hash, so an
// upload is skipped when the key already exists (same key = same bytes).
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Endpoint } from './clients.js';

export interface ArtifactStore {
  readonly bucket: string;
  exists(key: string): Promise<boolean>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The URL CloudFormation reads a template from (TemplateURL). */
  url(key: string): string;
}

export function s3ArtifactStore(
  s3: S3Client,
  bucket: string,
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): ArtifactStore {
  const endpoint = s3Endpoint(env);
  return {
    bucket,
    async exists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        if (status === 404 || (err as { name?: string }).name === 'NotFound') return false;
        throw err;
      }
    },
    async put(key, body, contentType) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      );
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
