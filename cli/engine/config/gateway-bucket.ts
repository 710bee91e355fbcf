// The gateway bucket's name (docs/downstream.md, "Bound to the gateway
// bucket"). With downstream on, a gateway created from now on gets a
// deterministic default name, as the outbound staging bucket has, so the
// ingest topic's policy can name it in aws:SourceArn (a reference to the
// bucket would be a cycle: the bucket waits for the policy) and `snowflake
// sql --integration` knows it before the first deploy. A gateway already
// deployed keeps the name CloudFormation generated: BucketName is
// create-only, so a new name would replace the bucket (the deploy guard
// refuses it and names buckets.keepGeneratedGatewayName).
import type { Problem } from '../errors.js';
import type { EndpointPlace } from './endpoint.js';
import type { ResolvedConfig, Settings } from './types.js';

/** The key a deployed gateway sets to keep its generated bucket name. */
export const KEEP_GENERATED_KEY = 'buckets.keepGeneratedGatewayName';

/** The stack name is cut to this many characters so the whole name fits S3's 63. */
const STACK_PART = 27;

/**
 * The default name, as libsonnet/gateway.libsonnet renders it with
 * ${AWS::AccountId} and ${AWS::Region}: <stack, lower case, cut>-gateway-<account>-<region>.
 * 27 + 9 + 12 + 1 + 14 (the longest region names) = 63.
 */
export function defaultGatewayBucketName(
  stackName: string,
  accountId: string,
  region: string,
): string {
  const cut = stackName.toLowerCase().slice(0, STACK_PART).replace(/-+$/, '');
  return `${cut}-gateway-${accountId}-${region}`;
}

/** What names the gateway bucket, in the order the template decides it. */
export type GatewayBucketName =
  /** buckets.gateway: BucketName is this. */
  | { kind: 'configured'; name: string }
  /** downstream on, nothing set: BucketName is the default (account and region known at deploy). */
  | { kind: 'default' }
  /** keepGeneratedGatewayName: <name>: CloudFormation's generated name, written down. */
  | { kind: 'kept'; name: string }
  /** keepGeneratedGatewayName: true, or downstream off: CloudFormation's name, unknown before deploy. */
  | { kind: 'generated' };

export function gatewayBucketName(
  c: Pick<ResolvedConfig, 'buckets' | 'downstream'>,
): GatewayBucketName {
  const keep = c.buckets.keepGeneratedGatewayName;
  if (c.buckets.gateway !== null) return { kind: 'configured', name: c.buckets.gateway };
  if (typeof keep === 'string') return { kind: 'kept', name: keep };
  if (keep === true || c.downstream === null) return { kind: 'generated' };
  return { kind: 'default' };
}

/** buckets.keepGeneratedGatewayName, resolved: null when unset or false. */
export function resolveKeepGenerated(
  buckets: Settings['buckets'],
  at: EndpointPlace,
  problems: Problem[],
): true | string | null {
  const keep = buckets?.keepGeneratedGatewayName;
  if (keep === undefined || keep === false) return null;
  if (buckets?.gateway !== undefined) {
    const keys = ['buckets', 'keepGeneratedGatewayName'];
    problems.push({
      file: at.file,
      field: keys.join('.'),
      line: at.lineOf(keys),
      message: `keeps a generated name, but buckets.gateway names the bucket ${buckets.gateway}`,
      hint: 'set only one: buckets.gateway for a bucket named by you (a new gateway), buckets.keepGeneratedGatewayName for a deployed gateway whose bucket CloudFormation named',
    });
  }
  return keep;
}
