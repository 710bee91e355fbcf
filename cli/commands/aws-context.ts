// Flags + config → the AWS adapters package/deploy/diff/info need (the
// engine's AwsContext, cli/engine/flows/aws.ts). The SDK is loaded here, by
// these commands only.
import { s3ArtifactStore } from '../adapters/aws/artifact-store.js';
import {
  cloudFormationClient,
  ec2Client,
  s3Client,
  serviceQuotasClient,
  transferClient,
} from '../adapters/aws/clients.js';
import { directoryStore } from '../adapters/aws/directory-store.js';
import { sdkAddresses } from '../adapters/aws/ec2.js';
import { sdkTransfer } from '../adapters/aws/transfer.js';
import { sdkCloudFormation } from '../adapters/aws/cloudformation.js';
import { s3TemplateReader } from '../adapters/aws/template-reader.js';
import type { ResolvedConfig } from '../engine/config/types.js';
import type { AwsContext, AwsFactory } from '../engine/flows/aws.js';
import { displayPath } from '../engine/paths.js';
import type { Reporter } from '../engine/reporter.js';
import { nodeVersionNote } from '../node-support.js';

// Commands that make their own clients (destinations, snowflake) call it too.
export { nodeVersionNote };

export interface AwsFlags {
  region?: string;
  s3Bucket?: string;
  s3Prefix?: string;
}

/** The factory a flow calls once it has loaded the config. */
export function awsFactory(flags: AwsFlags, reporter: Reporter): AwsFactory {
  return (config) => awsContext(flags, config, reporter);
}

export async function awsContext(
  flags: AwsFlags,
  config: ResolvedConfig,
  reporter: Reporter,
): Promise<AwsContext> {
  nodeVersionNote(reporter);
  const region =
    flags.region ?? config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const bucket = flags.s3Bucket ?? config.artifacts.bucket ?? undefined;
  const prefix = flags.s3Prefix ?? config.artifacts.prefix;
  const s3 = s3Client({ region, reporter });
  // The store URL needs a region; the SDK may know it from a profile.
  const resolvedRegion = region ?? (await s3.config.region().catch(() => undefined));
  return {
    region: resolvedRegion,
    store: bucket
      ? s3ArtifactStore(
          s3,
          bucket,
          resolvedRegion ?? 'us-east-1',
          process.env,
          flags.s3Bucket !== undefined ? '--s3-bucket' : bucketOrigin(config),
        )
      : undefined,
    prefix,
    templates: s3TemplateReader(s3),
    cfn: () => sdkCloudFormation(cloudFormationClient({ region, reporter })),
    addresses: async () =>
      sdkAddresses(
        await ec2Client({ region, reporter }),
        await serviceQuotasClient({ region, reporter }),
        (m) => reporter.debug(m),
      ),
    transfer: async () => sdkTransfer(await transferClient({ region, reporter })),
    secrets: async () => (await import('../adapters/aws/secrets.js')).sdkSecretStore(region),
    directoryStore: (location) => directoryStore({ s3 }, location),
    invoker: async () =>
      (await import('../adapters/aws/lambda-invoke.js')).sdkLambdaInvoker({ region, reporter }),
  };
}

/** "artifacts.bucket in sftpgw.yaml:12": where the config names the artifact bucket. */
function bucketOrigin(config: ResolvedConfig): string {
  const line = config.lineOf?.(['artifacts', 'bucket']);
  return `artifacts.bucket in ${displayPath(config.file)}${line === undefined ? '' : `:${line}`}`;
}
