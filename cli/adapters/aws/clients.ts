// AWS SDK clients for the commands that talk to AWS (package, deploy, diff).
// Region and credentials come from the SDK's standard chain (AWS_PROFILE,
// AWS_REGION, …) or --region/config; endpoints from the standard variables
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so every command runs
// unchanged against a local moto server. With a custom S3 endpoint, S3 uses
// path-style addressing. Only imported by those commands: `sftpgw build`
// never loads the SDK.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SftpgwError } from '../../engine/errors.js';

export interface AwsSettings {
  region?: string;
  env?: NodeJS.ProcessEnv;
}

export function s3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

export function s3Client(s: AwsSettings): S3Client {
  return new S3Client({ region: s.region, forcePathStyle: s3Endpoint(s.env) !== undefined });
}

export function cloudFormationClient(s: AwsSettings): CloudFormationClient {
  return new CloudFormationClient({ region: s.region });
}

/** SDK errors that mean "no usable credentials or region": say what to set. */
export function explainAwsError(err: unknown): unknown {
  const name = (err as { name?: string }).name ?? '';
  const message = (err as Error).message ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new SftpgwError('failed', 'no AWS credentials found', {
      hint: 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance/CI role is available (GitLab: an OIDC role)',
      cause: err,
    });
  }
  if (/Region is missing/i.test(message)) {
    return new SftpgwError('failed', 'no AWS region set', { hint: 'set region in sftpgw.yaml, --region, or AWS_REGION', cause: err });
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return new SftpgwError('failed', 'the AWS credentials have expired', { hint: 'refresh them (aws sso login, or a new CI job token)', cause: err });
  }
  // Any other error AWS (or moto) answered with: the work failed, not sftpgw.
  const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
  if (meta && !(err instanceof SftpgwError)) {
    return new SftpgwError('failed', `AWS refused the request: ${message}${name && name !== 'Error' ? ` (${name})` : ''}`, { cause: err, hint: meta.httpStatusCode === 403 ? 'check the permissions of the credentials in use' : undefined });
  }
  return err;
}
