// Flags + config → the AWS adapters package/deploy/diff need. The SDK is
// loaded here, by these commands only.
import { s3ArtifactStore, type ArtifactStore } from '../adapters/aws/artifact-store.js';
import {
  cloudFormationClient,
  ec2Client,
  s3Client,
  serviceQuotasClient,
  transferClient,
} from '../adapters/aws/clients.js';
import { sdkAddresses, type AddressApi } from '../adapters/aws/ec2.js';
import { sdkTransfer, type TransferApi } from '../adapters/aws/transfer.js';
import { sdkCloudFormation, type CloudFormationApi } from '../adapters/aws/cloudformation.js';
import { s3TemplateReader } from '../adapters/aws/template-reader.js';
import type { TemplateReader } from '../engine/deploy/deploy.js';
import type { ResolvedConfig } from '../engine/config/types.js';
import { usageError } from '../engine/errors.js';
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

export interface AwsContext {
  region: string | undefined;
  store: ArtifactStore | undefined;
  prefix: string;
  /** Child templates by URL (deploy --execute NAME reads a change set's children). */
  templates: TemplateReader;
  cfn(): CloudFormationApi;
  /** EC2 and Service Quotas (Elastic IPs and their quota); their SDKs load on first use. */
  addresses(): Promise<AddressApi>;
  /** Transfer Family (host keys); its SDK loads on first use. */
  transfer(): Promise<TransferApi>;
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
  };
}

/** "artifacts.bucket in sftpgw.yaml:12": where the config names the artifact bucket. */
function bucketOrigin(config: ResolvedConfig): string {
  const line = config.lineOf?.(['artifacts', 'bucket']);
  return `artifacts.bucket in ${displayPath(config.file)}${line === undefined ? '' : `:${line}`}`;
}

export function requireStore(ctx: AwsContext, why: string): ArtifactStore {
  if (!ctx.store)
    throw usageError(
      `no artifact bucket: ${why}`,
      'set artifacts.bucket in sftpgw.yaml or pass --s3-bucket',
    );
  return ctx.store;
}

/** --parameter K=V flags over deploy.parameters from the config. */
export function parameters(config: ResolvedConfig, flags: string[]): Record<string, string> {
  const out = { ...config.deploy.parameters };
  for (const f of flags) {
    const i = f.indexOf('=');
    if (i <= 0) throw usageError(`--parameter ${f}: expected NAME=VALUE`);
    out[f.slice(0, i)] = f.slice(i + 1);
  }
  return out;
}
