// AWS SDK clients for the commands that talk to AWS (package, deploy, diff,
// snowflake sql).
// Region and credentials come from the SDK's standard chain (AWS_PROFILE,
// AWS_REGION, …) or --region/config; endpoints from the standard variables
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so every command runs
// unchanged against a local moto server. With a custom S3 endpoint, S3 uses
// path-style addressing. Only imported by those commands: `sftpgw build`
// never loads the SDK. Every client names the failed call on its errors
// (IAM action and endpoint), so errors.ts can say what was denied or where
// AWS could not be reached; and every client retries throttled calls
// patiently (retry.ts), so no caller handles throttling.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import type { Reporter } from '../../engine/reporter.js';
import { s3PathStyle } from '../../../shared/aws-endpoints.js';
import { iamAction } from './errors.js';
import { PatientRetryStrategy, THROTTLING_PATIENCE } from './retry.js';

// artifact-store.ts and template-reader.ts take the endpoint from here.
export { s3Endpoint } from '../../../shared/aws-endpoints.js';

export interface AwsSettings {
  region?: string;
  env?: NodeJS.ProcessEnv;
  /** Where "throttled; retrying" goes (debug output). */
  reporter?: Pick<Reporter, 'debug'>;
}

/** The settings every client shares: the region, and the retry strategy. */
function clientConfig(s: AwsSettings, service: string) {
  const onThrottled = (ms: number) =>
    s.reporter?.debug(`throttled by ${service}; retrying in ${ms} ms`);
  return {
    region: s.region,
    retryStrategy: new PatientRetryStrategy({ ...THROTTLING_PATIENCE, onThrottled }),
  };
}

/** The clients' common middleware stack (the SDK's types differ per client; the stack is the same). */
interface WithMiddleware {
  middlewareStack: { add(mw: unknown, opts: { step: 'initialize'; name: string }): void };
}

/** Adds the failed call's IAM action and endpoint to every error the client throws. */
export function withErrorContext<C>(client: C): C {
  (client as unknown as WithMiddleware).middlewareStack.add(
    (
      next: (args: unknown) => Promise<unknown>,
      context: { clientName?: string; commandName?: string; endpointV2?: { url?: URL } },
    ) =>
      async (args: unknown) => {
        try {
          return await next(args);
        } catch (err) {
          if (err !== null && typeof err === 'object') {
            Object.assign(err, {
              $action: iamAction(context.clientName ?? '', context.commandName ?? ''),
              ...(context.endpointV2?.url ? { $endpoint: context.endpointV2.url.origin } : {}),
            });
          }
          throw err;
        }
      },
    { step: 'initialize', name: 'sftpgwErrorContext' },
  );
  return client;
}

export function s3Client(s: AwsSettings): S3Client {
  return withErrorContext(
    new S3Client({ ...clientConfig(s, 'S3'), forcePathStyle: s3PathStyle(s.env) }),
  );
}

export function cloudFormationClient(s: AwsSettings): CloudFormationClient {
  return withErrorContext(new CloudFormationClient(clientConfig(s, 'CloudFormation')));
}

export function secretsManagerClient(s: AwsSettings): SecretsManagerClient {
  return withErrorContext(new SecretsManagerClient(clientConfig(s, 'Secrets Manager')));
}

// EC2, Transfer Family and Service Quotas: read-only calls of `sftpgw info`
// and of the deploy guard's address and quota checks (endpoint.type: vpc).
export async function ec2Client(s: AwsSettings) {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  return withErrorContext(new EC2Client(clientConfig(s, 'EC2')));
}

export async function transferClient(s: AwsSettings) {
  const { TransferClient } = await import('@aws-sdk/client-transfer');
  return withErrorContext(new TransferClient(clientConfig(s, 'Transfer Family')));
}

export async function serviceQuotasClient(s: AwsSettings) {
  const { ServiceQuotasClient } = await import('@aws-sdk/client-service-quotas');
  return withErrorContext(new ServiceQuotasClient(clientConfig(s, 'Service Quotas')));
}

// CloudWatch Logs: the server's structured log (sftpgw uploads).
export async function cloudWatchLogsClient(s: AwsSettings) {
  const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
  return withErrorContext(new CloudWatchLogsClient(clientConfig(s, 'CloudWatch Logs')));
}

// Lambda: the forward identity-provider switch invokes the staged function
// once (lambda-invoke.ts).
export async function lambdaClient(s: AwsSettings) {
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  return withErrorContext(new LambdaClient(clientConfig(s, 'Lambda')));
}

export function stsClient(s: AwsSettings): STSClient {
  return withErrorContext(new STSClient(clientConfig(s, 'STS')));
}
