// The engine reads the gateway's logical ids from the root template's
// Metadata.sftpgw.ids (written by libsonnet/gateway.libsonnet), so a part a
// repository renames is still found; a template without them (hand-written,
// or deployed by an older sftpgw) is read with the ids sftpgw always gave.
// Plain data; the snowflake case passes its stack as an object because the
// renamed ids need a patched gateway deployed (snowflake-moto covers the
// shipped ids against moto, through GetTemplate).
import { expect } from 'chai';
import { isServerAddress, serverResource } from '../../cli/engine/endpoint/server-endpoint.js';
import { plannedChange, planFacts } from '../../cli/engine/deploy/plan.js';
import { snowflakeSql } from '../../cli/engine/snowflake/snowflake-sql.js';
import { gatewayIds, idsOfChange } from '../../cli/engine/template/gateway-metadata.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';

const eip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
const server = (allocations: string[]) => ({
  Type: 'AWS::Transfer::Server',
  Properties: {
    EndpointType: 'VPC',
    EndpointDetails: {
      AddressAllocationIds: allocations.map((id) => ({ 'Fn::GetAtt': [id, 'AllocationId'] })),
    },
  },
});
const withIds = (t: CfnTemplate, ids: Record<string, unknown>): CfnTemplate => ({
  ...t,
  Metadata: { sftpgw: { ids } },
});

describe('Metadata.sftpgw.ids: the logical ids the engine reads', () => {
  it('gatewayIds is empty for a template without them', () => {
    expect(gatewayIds({ Resources: {} })).to.deep.equal({});
    expect(gatewayIds(undefined)).to.deep.equal({});
    expect(gatewayIds({ Resources: {}, Metadata: { sftpgw: { userStacks: 4 } } })).to.deep.equal(
      {},
    );
  });

  it('the server is the one the ids name, else the only one; two unnamed servers are none', () => {
    const two: CfnTemplate = { Resources: { Sftp: server([]), Other: server(['X1']) } };
    expect(serverResource(withIds(two, { server: 'Sftp' }))).to.equal(two.Resources.Sftp);
    expect(serverResource(two)).to.equal(undefined);
    expect(serverResource({ Resources: { Mine: server([]) } })).to.not.equal(undefined);
  });

  it("an Elastic IP is the server's by the ids' list or endpoint.new's addressPrefix; ServerAddressN without ids", () => {
    const EIP = 'AWS::EC2::EIP';
    expect(isServerAddress('PartnerIp', EIP, { serverAddresses: ['PartnerIp'] })).to.equal(true);
    expect(isServerAddress('Fixed2', EIP, { addressPrefix: 'Fixed' })).to.equal(true);
    expect(isServerAddress('ServerAddress1', EIP, { addressPrefix: 'Fixed' })).to.equal(false);
    expect(isServerAddress('Fixedx', EIP, { addressPrefix: 'Fixed' })).to.equal(false);
    expect(isServerAddress('ServerAddress1', EIP)).to.equal(true);
    expect(
      isServerAddress('PartnerIp', 'AWS::S3::Bucket', { serverAddresses: ['PartnerIp'] }),
    ).to.equal(false);
  });

  it('a renamed Elastic IP removed by a deploy is still the endpoint: the deployed template lists it', () => {
    const deployed = withIds(
      { Resources: { Sftp: server(['Ip1', 'Ip2']), Ip1: eip, Ip2: eip } },
      { server: 'Sftp', serverAddresses: ['Ip1', 'Ip2'], addressPrefix: 'Ip' },
    );
    const next = withIds(
      { Resources: { Sftp: server(['Ip1']), Ip1: eip } },
      { server: 'Sftp', serverAddresses: ['Ip1'], addressPrefix: 'Ip' },
    );
    expect(idsOfChange(deployed, next).serverAddresses).to.deep.equal(['Ip1', 'Ip2']);
    const facts = planFacts({
      changeSet: {
        changes: [{ action: 'Remove', logicalId: 'Ip2', resourceType: 'AWS::EC2::EIP' }] as never,
      },
      deployed: { root: deployed, children: {} },
      next: { root: next, children: {} },
    });
    const removed = facts.changes.find((c) => c.logicalId === 'Ip2');
    expect(removed?.endpoint).to.match(/Elastic IP leaves the server/);
  });

  it('the gateway bucket the keep advice names is the one the ids name', () => {
    const before = { Type: 'AWS::S3::Bucket', Properties: {} };
    const after = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'x' } };
    const change = (logicalId: string, ids?: Record<string, string>) =>
      plannedChange({ action: 'modify', logicalId, before, after, ...(ids ? { ids } : {}) });
    expect(change('Data', { bucket: 'Data' })).to.have.property('keep');
    expect(change('GatewayBucket', { bucket: 'Data' })).to.not.have.property('keep');
    expect(change('GatewayBucket')).to.have.property('keep');
  });

  it('snowflake sql finds the topic, role and bucket by the ids the deployed template names', async () => {
    const resources = {
      Uploads: { type: 'AWS::S3::Bucket', physicalId: 'gw-uploads' },
      Landed: {
        type: 'AWS::SNS::Topic',
        physicalId: 'arn:aws:sns:eu-west-1:123456789012:gw-ingest',
      },
      Loader: { type: 'AWS::IAM::Role', physicalId: 'gw-snowflake' },
    };
    const template = JSON.stringify(
      withIds(
        { Resources: {} },
        { bucket: 'Uploads', ingestTopic: 'Landed', snowflakeRole: 'Loader' },
      ),
    );
    const result = await snowflakeSql(
      {
        config: {
          file: '/x/sftpgw.yaml',
          stackName: 'gw',
          buckets: { gateway: null } as never,
          downstream: {
            events: false,
            malwareScan: false,
            snowflake: {
              iamUserArn: 'arn:aws:iam::999999999999:user/sf',
              subscriberArn: null,
              externalId: 'e-x',
              users: null,
            },
          },
        },
        allUsers: ['acme'],
        region: 'eu-west-1',
        integration: false,
        nextCommand: 'sftpgw snowflake sql',
      },
      {
        account: { accountId: () => Promise.resolve('123456789012') },
        stack: {
          resources: () => Promise.resolve(resources),
          template: () => Promise.resolve(template),
        },
      },
    );
    expect(result).to.deep.include({
      bucket: 'gw-uploads',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:gw-ingest',
      roleArn: 'arn:aws:iam::123456789012:role/gw-snowflake',
    });
  });
});
