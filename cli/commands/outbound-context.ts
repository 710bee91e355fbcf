// What `sftpgw outbound status` and `redeliver` share: the config (for the
// stack name and region), the deployed staging bucket found through the
// stack's resources (cli/engine/deployed-parts.ts), and the S3 adapter.
import { cloudFormationClient, s3Client } from '../adapters/aws/clients.js';
import { sdkStackResources } from '../adapters/aws/stack-resources.js';
import { sdkStagingObjects } from '../adapters/aws/staging-objects.js';
import { loadConfig } from '../engine/config/load.js';
import { deployedParts } from '../engine/deployed-parts.js';
import type { StagingObjects } from '../engine/outbound/staging-objects.js';
import type { Reporter } from '../engine/reporter.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter } from '../output.js';
import { nodeVersionNote } from './aws-context.js';
import { configOptions } from './source-flags.js';

export interface OutboundFlags extends CommonFlags {
  region?: string;
  stackName?: string;
  output?: 'text' | 'json';
  /** Objects per ListObjectsV2 page (checked by commander). */
  pageSize?: number;
}

export interface OutboundContext {
  stackName: string;
  bucket: string;
  objects: StagingObjects;
  reporter: Reporter;
}

export async function outboundContext(flags: OutboundFlags): Promise<OutboundContext> {
  const reporter = consoleReporter(flags);
  const config = await loadConfig(configOptions(flags), reporter);
  const stackName = flags.stackName ?? config.stackName;
  nodeVersionNote(reporter);
  const settings = { region: flags.region ?? config.region ?? undefined, reporter };
  const parts = await deployedParts(sdkStackResources(cloudFormationClient(settings)), stackName);
  const bucket = parts.require('stagingBucket');
  return { stackName, bucket, objects: sdkStagingObjects(s3Client(settings)), reporter };
}

/** Progress on stderr while listing: every page on a terminal, every tenth in CI logs. */
export function listingProgress(reporter: Reporter): (listed: number, pages: number) => void {
  const every = process.stderr.isTTY ? 1 : 10;
  return (listed, pages) => {
    if (pages % every === 0) reporter.progress(`read ${listed.toLocaleString('en-US')} objects…`);
  };
}
