// Reads a template from the S3 URL CloudFormation reads it from: a child
// stack's TemplateURL in a change set left for `deploy --execute NAME`, whose
// children the deploy guard must look inside. Through the S3 API with the
// caller's credentials (the objects are private), so the URL is taken apart
// into bucket and key.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SftpgwError } from '../../engine/errors.js';
import type { TemplateReader } from '../../engine/deploy/deploy.js';
import { s3Endpoint } from './clients.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Bucket and key of an S3 object URL: path-style (https://s3.<region>.amazonaws.com/<bucket>/<key>,
 * also the custom endpoint's form) or virtual-hosted (https://<bucket>.s3.<region>.amazonaws.com/<key>).
 */
export function s3Location(
  url: string,
  endpoint?: string,
): { bucket: string; key: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const parts = u.pathname.split('/').slice(1).map(decodeURIComponent);
  const pathStyle = () =>
    parts.length >= 2 && parts[0] ? { bucket: parts[0], key: parts.slice(1).join('/') } : undefined;
  if (endpoint) {
    // sftpgw writes the custom endpoint's URLs with localhost for 127.0.0.1 (artifact-store.ts).
    const e = new URL(endpoint);
    const sameHost =
      u.hostname === e.hostname || (LOOPBACK.has(u.hostname) && LOOPBACK.has(e.hostname));
    if (sameHost && u.port === e.port && u.protocol === e.protocol) return pathStyle();
  }
  const m = /^(?:(.+)\.)?s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(
    u.hostname,
  );
  if (!m) return undefined;
  if (m[1]) return parts.length > 0 ? { bucket: m[1], key: parts.join('/') } : undefined;
  return pathStyle();
}

export function s3TemplateReader(
  s3: S3Client,
  env: NodeJS.ProcessEnv = process.env,
): TemplateReader {
  return {
    async read(url) {
      const at = s3Location(url, s3Endpoint(env));
      if (!at)
        throw new SftpgwError(
          'failed',
          `cannot read the template at ${url}: not an S3 object URL`,
          { hint: 'child stacks need their TemplateURL in S3 (sftpgw package uploads them there)' },
        );
      const out = await s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
      return out.Body!.transformToString('utf8');
    },
  };
}
