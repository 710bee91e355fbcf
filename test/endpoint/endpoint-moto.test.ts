// A small VPC gateway against a real moto server on 127.0.0.1, started once
// for this file: sftpgw diff, deploy, info (the real CLI as child processes),
// the deploy guard refusing an address change and letting it through with
// --allow-endpoint-change, and the Elastic IP quota.
//
// What moto does here (moto 5.2.1 through test/helpers/moto/launcher.py): it
// creates the VPC and subnets (made first, through EC2), Elastic IPs
// (physical id = public address), security groups with inline rules, and the
// Transfer server in its Transfer backend (the launcher's CloudFormation
// model), whose host key ListHostKeys lists. The templates deployed are the
// gateway as `sftpgw build` writes it from a server.endpoint config, nothing
// stripped. Service Quotas in moto knows no EC2 quota, so the quota comes from
// EC2's account attribute (vpc-max-elastic-ips = 5): the real fallback path.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AllocateAddressCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { expect } from 'chai';
import { sdkCloudFormation } from '../../cli/adapters/aws/cloudformation.js';
import { sdkAddresses } from '../../cli/adapters/aws/ec2.js';
import { sdkTransfer, type TransferApi } from '../../cli/adapters/aws/transfer.js';
import { TransferClient } from '@aws-sdk/client-transfer';
import { gatewayInfo } from '../../cli/engine/endpoint/info.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { formatInfo } from '../../cli/info-text.js';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { keyPair } from '../helpers/keys.js';
import { cleanTempDirs, runCli, tempDir, type RunResult } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const REGION = 'us-east-1';

describe('a VPC gateway against moto: diff, deploy, info, the endpoint guard, the Elastic IP quota', function () {
  this.timeout(120_000);
  let moto: Moto;
  let env: Record<string, string>;
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const ec2 = (region = REGION) => new EC2Client({ endpoint: moto.endpoint, region, credentials });
  let vpcId: string;
  let subnets: string[];
  let dir: string;

  before(async function () {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    subnets = [];
    for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries())
      subnets.push(
        (
          await ec2().send(
            new CreateSubnetCommand({
              VpcId: vpcId,
              CidrBlock: `10.20.${i}.0/24`,
              AvailabilityZone: az,
            }),
          )
        ).Subnet!.SubnetId!,
      );
    dir = tempDir();
    mkdirSync(path.join(dir, 'users'));
    writeFileSync(
      path.join(dir, 'users', 'acme.libsonnet'),
      `{ sshPublicKeys: ['${keyPair('ed25519', 'transfer@acme').publicKey}'], allowedSourceCidrs: ['198.51.100.7/32'] }\n`,
    );
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  /**
   * The gateway as `sftpgw build` renders it from sftpgw.yaml (server.endpoint
   * with moto's VPC and subnets) and the user files, nothing stripped.
   */
  function vpcTemplate(
    subnetIds: string[],
    given?: string[],
    vpc = vpcId,
  ): Record<string, unknown> {
    const endpoint = [
      '  endpoint:',
      '    type: vpc',
      `    vpcId: ${vpc}`,
      `    subnetIds: [${subnetIds.join(', ')}]`,
      ...(given ? [`    addressAllocationIds: [${given.join(', ')}]`] : []),
    ];
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      [
        'stackName: gw-vpc',
        `region: ${REGION}`,
        'server:',
        ...endpoint,
        '  allowedSourceCidrs: [203.0.113.0/24]',
        'outbound:',
        '  enabled: false',
        '',
      ].join('\n'),
    );
    const out = tempDir();
    const r = runCli(['build', '--no-lint', '--out', out], { cwd: dir, env });
    expect(r.status, r.stderr).to.equal(0);
    const built = JSON.parse(readFileSync(path.join(out, 'template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    return built as unknown as Record<string, unknown>;
  }

  function writeTemplate(file: string, t: Record<string, unknown>): string {
    const p = path.join(dir, file);
    writeFileSync(p, JSON.stringify(t, null, 2));
    return p;
  }

  const cli = (args: string[], region = REGION): RunResult =>
    runCli(args, { cwd: dir, env: { ...env, AWS_REGION: region } });

  async function stackAddresses(stackName = 'gw-vpc'): Promise<string[]> {
    const cfn = sdkCloudFormation(
      new CloudFormationClient({ endpoint: moto.endpoint, region: REGION, credentials }),
    );
    return (await cfn.stackResources(stackName))
      .filter((r) => r.type === 'AWS::EC2::EIP')
      .sort((a, b) => a.logicalId.localeCompare(b.logicalId))
      .map((r) => r.physicalId!);
  }

  it('info before the stack exists: the networks of the config and the user files, and what is missing, exit 0', function () {
    vpcTemplate(subnets); // writes sftpgw.yaml
    const r = cli(['info', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const info = JSON.parse(r.stdout);
    expect(info.stackStatus).to.equal(null);
    expect(info.addresses).to.deep.equal([]);
    expect(info.serverNetworks).to.deep.equal(['203.0.113.0/24']);
    expect(info.users).to.deep.equal([
      {
        name: 'acme',
        allowedSourceCidrs: ['198.51.100.7/32'],
        admitted: ['198.51.100.7/32', '203.0.113.0/24'],
      },
    ]);
    expect(info.missing.join('\n')).to.include('stack gw-vpc does not exist yet');
    expect(info.endpointType).to.equal('VPC');
    expect(info.missing.join('\n')).to.include('the Elastic IPs are allocated by the first deploy');
    const text = cli(['info']);
    expect(text.stdout).to.include('gw-vpc (us-east-1): not deployed').and.include('Not known:');
  });

  it('diff of a new VPC gateway checks the Elastic IPs it would allocate against the quota', function () {
    const file = writeTemplate('v1.json', vpcTemplate(subnets));
    const r = cli(['diff', '--template', file, '--output', 'json']);
    expect(r.status, r.stderr).to.equal(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.plan.addressQuota).to.deep.equal({
      allocated: 0,
      adding: 2,
      limit: 5,
      source: 'account-attribute',
      exceeded: false,
    });
  });

  it('deploys it; info prints the addresses moto allocated and the server it made', async function () {
    const file = writeTemplate('v1.json', vpcTemplate(subnets));
    const d = cli(['deploy', '--template', file, '--yes']);
    expect(d.status, d.stderr).to.equal(0);
    expect(d.stdout).to.match(/Elastic IPs: 0 held \+ 2 new, quota 5 \(account-attribute\)/);
    const addresses = await stackAddresses();
    expect(addresses).to.have.length(2);
    const held = (await ec2().send(new DescribeAddressesCommand({}))).Addresses!.map(
      (a) => a.PublicIp,
    );
    expect(held).to.include.members(addresses);
    const r = cli(['info', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const info = JSON.parse(r.stdout);
    expect(info.stackStatus).to.match(/_COMPLETE$/);
    expect(info.endpointType).to.equal('VPC');
    expect(info.addresses.map((a: { publicIp: string }) => a.publicIp)).to.deep.equal(addresses);
    expect(info.addressQuota).to.deep.equal({ held: 2, limit: 5, source: 'account-attribute' });
    expect(info.serverId).to.match(/^s-[0-9a-f]{17}$/);
    expect(info.missing).to.deep.equal([]);
    const text = cli(['info']).stdout;
    expect(text).to.include(`Addresses: ${addresses.join(', ')} (static`);
    expect(text).to.include('every user: 203.0.113.0/24').and.include('acme: 198.51.100.7/32');
  });

  it('refuses an address change (a subnet dropped) and prints the old and new addresses; nothing changes', async function () {
    const before = await stackAddresses();
    const file = writeTemplate('v2.json', vpcTemplate([subnets[0]]));
    const r = cli(['deploy', '--template', file, '--yes']);
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stderr).to.include(
      'refused: the change to gw-vpc would stop the SFTP server and change its endpoint or addresses',
    );
    expect(r.stderr).to.include(
      'EndpointDetails.SubnetIds, EndpointDetails.AddressAllocationIds change',
    );
    expect(r.stderr).to.include('ServerAddress2');
    expect(r.stderr).to.include(`${before.join(', ')} (VPC)`);
    expect(r.stderr).to.include(`addresses after: ${before[0]} (VPC)`);
    expect(r.stderr).to.include('--allow-endpoint-change');
    const cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: REGION, credentials });
    const deployed = JSON.parse(
      (await cfn.send(new GetTemplateCommand({ StackName: 'gw-vpc' }))).TemplateBody!,
    );
    expect(deployed.Resources.Server.Properties.EndpointDetails.SubnetIds).to.deep.equal(subnets);
    expect(await stackAddresses()).to.deep.equal(before);
    // diff says the same, and that a deploy would refuse it.
    const diff = cli(['diff', '--template', file]);
    expect(diff.status, diff.stderr).to.equal(3);
    expect(diff.stdout).to.include('Tell your partners').and.include('--allow-endpoint-change');
  });

  it('given Elastic IPs: refused with the new addresses looked up in EC2, then allowed with --allow-endpoint-change', async function () {
    const before = await stackAddresses();
    const given = await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const file = writeTemplate('v3.json', vpcTemplate([subnets[0]], [given.AllocationId!]));
    const refused = cli(['deploy', '--template', file, '--yes']);
    expect(refused.status, refused.stderr).to.equal(1);
    expect(refused.stderr).to.include(`addresses before: ${before.join(', ')} (VPC)`);
    expect(refused.stderr).to.include(`addresses after: ${given.PublicIp} (VPC)`);
    const allowed = cli(['deploy', '--template', file, '--yes', '--allow-endpoint-change']);
    expect(allowed.status, allowed.stderr).to.equal(0);
    expect(allowed.stdout).to.include('Tell your partners');
    expect(allowed.stdout).to.include(`after:  ${given.PublicIp} (VPC)`);
    const info = JSON.parse(cli(['info', '--output', 'json']).stdout);
    expect(info.addresses).to.deep.equal([
      // given, not made by the stack: no logical id (null, every key present)
      { publicIp: given.PublicIp, allocationId: given.AllocationId, logicalId: null },
    ]);
  });

  it('refuses a deploy that would pass the Elastic IP quota, naming it and how to raise it', async function () {
    // Another region: its own Elastic IPs and its own quota.
    const region = 'eu-west-1';
    const vpc = (await ec2(region).send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!
      .VpcId!;
    const sub = (
      await ec2(region).send(
        new CreateSubnetCommand({
          VpcId: vpc,
          CidrBlock: '10.30.0.0/24',
          AvailabilityZone: 'eu-west-1a',
        }),
      )
    ).Subnet!.SubnetId!;
    for (let i = 0; i < 5; i++)
      await ec2(region).send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const file = writeTemplate('quota.json', vpcTemplate([sub], undefined, vpc));
    const r = cli(
      ['deploy', '--template', file, '--yes', '--stack-name', 'gw-quota', '--region', region],
      region,
    );
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stderr).to.include(
      'refused: the change to gw-quota allocates 1 Elastic IP; the account holds 5 in this region and its quota is 5 (the EC2 account attribute vpc-max-elastic-ips)',
    );
    expect(r.stderr).to.include('L-0263D0A3').and.include('addressAllocationIds');
    const held = (await ec2(region).send(new DescribeAddressesCommand({}))).Addresses!;
    expect(held, 'nothing allocated').to.have.length(5);
  });

  it('info with a server (engine, against what moto made): host name, host keys, addresses', async function () {
    const cfn = sdkCloudFormation(
      new CloudFormationClient({ endpoint: moto.endpoint, region: REGION, credentials }),
    );
    const serverArn = (await cfn.stackResources('gw-vpc')).find(
      (r) => r.logicalId === 'Server',
    )?.physicalId;
    expect(serverArn).to.match(/:server\/s-[0-9a-f]{17}$/);
    const serverId = serverArn!.split('/')[1];
    const asked: string[] = [];
    const real = sdkTransfer(
      new TransferClient({ endpoint: moto.endpoint, region: REGION, credentials }),
    );
    const transfer: TransferApi = {
      listHostKeys: async (id) => {
        asked.push(id);
        return real.listHostKeys(id);
      },
    };
    const addresses = sdkAddresses(
      ec2(),
      new ServiceQuotasClient({ endpoint: moto.endpoint, region: REGION, credentials }),
    );
    const info = await gatewayInfo(
      {
        stackName: 'gw-vpc',
        region: REGION,
        serverNetworks: ['203.0.113.0/24'],
        users: [{ name: 'acme', allowedSourceCidrs: ['198.51.100.7/32', '203.0.113.0/24'] }],
      },
      {
        cfn,
        addresses: async () => addresses,
        transfer: async () => transfer,
        reporter: new RecordingReporter(),
      },
    );
    expect(asked).to.deep.equal([serverId]);
    expect(info.serverId).to.equal(serverId);
    expect(info.hostName).to.equal(`${serverId}.server.transfer.us-east-1.amazonaws.com`);
    expect(info.hostKeys).to.have.length(1);
    const held = (await ec2().send(new DescribeAddressesCommand({}))).Addresses!;
    expect(info.addresses).to.not.be.empty;
    for (const a of info.addresses) expect(held.map((h) => h.PublicIp)).to.include(a.publicIp);
    expect(info.users).to.deep.equal([
      {
        name: 'acme',
        allowedSourceCidrs: ['198.51.100.7/32', '203.0.113.0/24'],
        admitted: ['198.51.100.7/32', '203.0.113.0/24'],
      },
    ]);
    expect(info.missing).to.deep.equal([]);
    const withVanity = await gatewayInfo(
      {
        stackName: 'gw-vpc',
        region: REGION,
        vanityHost: 'sftp.example.com',
        serverNetworks: [],
        users: [],
      },
      {
        cfn,
        addresses: async () => addresses,
        transfer: async () => transfer,
        reporter: new RecordingReporter(),
      },
    );
    expect(withVanity.hostName).to.equal('sftp.example.com');
    // Before the first deploy, given Elastic IPs are looked up in EC2 all the same.
    const given = await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const before = await gatewayInfo(
      {
        stackName: 'gw-not-yet',
        region: REGION,
        serverNetworks: [],
        users: [],
        configured: {
          endpointType: 'VPC',
          allocationIds: [given.AllocationId!, 'eipalloc-0000000000000000f'],
        },
      },
      { cfn, addresses: async () => addresses, reporter: new RecordingReporter() },
    );
    expect(before.addresses).to.deep.equal([
      { publicIp: given.PublicIp, allocationId: given.AllocationId },
    ]);
    expect(before.missing).to.include(
      'Elastic IP eipalloc-0000000000000000f: not found in the account',
    );
    const text = formatInfo(withVanity, false);
    expect(text).to.include(
      `Host name: sftp.example.com (CNAME to ${serverId}.server.transfer.us-east-1.amazonaws.com)`,
    );
    expect(text).to.match(/ssh-rsa SHA256:[A-Za-z0-9+/]{43}/);
  });
});
