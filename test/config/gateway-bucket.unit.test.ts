// The gateway bucket's default name with downstream on (cli/engine/config/
// gateway-bucket.ts and libsonnet/gateway.libsonnet spell it alike: the CLI
// prints it in the storage integration before the template creates it), the
// S3 rules it must keep, and which name the template knows in each case.
import { expect } from 'chai';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import {
  defaultGatewayBucketName,
  gatewayBucketName,
} from '../../cli/engine/config/gateway-bucket.js';
import type { ResolvedConfig } from '../../cli/engine/config/types.js';
import { repoRoot } from '../helpers/project.js';

/** S3's general purpose bucket naming rules (what the config schema's bucketName pattern says). */
const BUCKET = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT = '123456789012';
/** The longest region names (14 characters). */
const REGIONS = ['us-east-1', 'ap-southeast-5', 'ap-northeast-3', 'us-gov-west-1'];
const STACKS = [
  'gw',
  'Sftpgw-Example-Production',
  // 128 characters, the longest stack name
  `A${'b'.repeat(127)}`,
  // cut at 27 characters right after a hyphen: the hyphen goes
  `${'x'.repeat(26)}-tail`,
  `${'x'.repeat(25)}--tail`,
];

async function jsonnetName(stackName: string, region: string): Promise<string> {
  const text = await libjsonnet.evaluateSnippet(
    `(import 'gateway.libsonnet').defaultGatewayName(${JSON.stringify(stackName)})`,
    path.join(repoRoot, 'test.jsonnet'),
    { jpath: [path.join(repoRoot, 'libsonnet')] },
  );
  return (JSON.parse(text) as string)
    .replace('${AWS::AccountId}', ACCOUNT)
    .replace('${AWS::Region}', region);
}

describe('the gateway bucket default name', () => {
  for (const stack of STACKS)
    it(`${stack.length > 30 ? `${stack.slice(0, 30)}… (${stack.length})` : stack}: the CLI and the template agree, and S3 accepts it in every region`, async () => {
      for (const region of REGIONS) {
        const name = defaultGatewayBucketName(stack, ACCOUNT, region);
        expect(name).to.equal(await jsonnetName(stack, region));
        expect(name).to.match(BUCKET);
        expect(name.length).to.be.at.most(63);
        expect(name).to.not.include('--gateway');
      }
    });
});

describe('which gateway bucket name the template knows', () => {
  const config = (
    buckets: Partial<ResolvedConfig['buckets']>,
    downstream: boolean,
  ): Pick<ResolvedConfig, 'buckets' | 'downstream'> => ({
    buckets: {
      gateway: null,
      accessLogs: null,
      staging: null,
      keepGeneratedGatewayName: null,
      noncurrentVersionDays: 90,
      accessLogExpirationDays: 365,
      ...buckets,
    },
    downstream: downstream ? { events: true, malwareScan: false, snowflake: null } : null,
  });

  it('buckets.gateway first, then a kept name, then the default with downstream on', () => {
    expect(gatewayBucketName(config({ gateway: 'b' }, true))).to.deep.equal({
      kind: 'configured',
      name: 'b',
    });
    expect(
      gatewayBucketName(config({ keepGeneratedGatewayName: 'gw-gatewaybucket-x' }, true)),
    ).to.deep.equal({
      kind: 'kept',
      name: 'gw-gatewaybucket-x',
    });
    expect(gatewayBucketName(config({ keepGeneratedGatewayName: true }, true))).to.deep.equal({
      kind: 'generated',
    });
    expect(gatewayBucketName(config({}, true))).to.deep.equal({ kind: 'default' });
  });

  it('downstream off: CloudFormation names the bucket, as before', () => {
    expect(gatewayBucketName(config({}, false))).to.deep.equal({ kind: 'generated' });
  });
});
