// The deploy guard (cli/engine/deploy/guard.ts) for the SFTP server endpoint
// (a change that stops the server or changes what partners allow-list) and
// the Elastic IP quota: pure functions over planned changes, so each rule is
// a row of a table. The other rules are in deploy-plan-guard.unit.test.ts.
import { expect } from 'chai';
import type { AddressApi } from '../../cli/adapters/aws/ec2.js';
import {
  ALLOCATE_FIRST,
  addressLine,
  defaultSecurityGroupProblem,
  guard,
  isRefused,
  refusal,
} from '../../cli/engine/deploy/guard.js';
import { plannedChange } from '../../cli/engine/deploy/plan.js';
import { formatPlan } from '../../cli/plan-text.js';
import type { PlannedChange } from '../../cli/engine/deploy/types.js';
import { allocatedBy, checkAddressQuota } from '../../cli/engine/endpoint/eip-quota.js';
import { change, replaced } from '../helpers/planned-changes.js';

describe('deploy guard: the SFTP server endpoint (stops the server, changes what partners allow-list)', function () {
  const vpc = (details: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    Type: 'AWS::Transfer::Server',
    Properties: {
      EndpointType: 'VPC',
      EndpointDetails: {
        VpcId: 'vpc-1',
        SubnetIds: ['subnet-a', 'subnet-b'],
        AddressAllocationIds: [
          { 'Fn::GetAtt': ['ServerAddress1', 'AllocationId'] },
          { 'Fn::GetAtt': ['ServerAddress2', 'AllocationId'] },
        ],
        SecurityGroupIds: [{ Ref: 'ServerSecurityGroup1' }],
        ...details,
      },
      Protocols: ['SFTP'],
      ...more,
    },
  });
  const publicServer = { Type: 'AWS::Transfer::Server', Properties: { Protocols: ['SFTP'] } };
  const eip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
  const server = (before: object, after: object) =>
    plannedChange({
      action: 'modify',
      logicalId: 'Server',
      before: before as never,
      after: after as never,
    });
  const eipReplaced = plannedChange({
    action: 'modify',
    logicalId: 'ServerAddress1',
    before: eip,
    after: eip,
    replacement: 'True',
  });
  // [what, the change, --allow-endpoint-change, refused?]
  const rows: Array<[string, PlannedChange, boolean, boolean]> = [
    ['PUBLIC → VPC', server(publicServer, vpc({})), false, true],
    ['PUBLIC → VPC, allowed', server(publicServer, vpc({})), true, false],
    ['VPC → PUBLIC', server(vpc({}), publicServer), false, true],
    ['another VPC', server(vpc({}), vpc({ VpcId: 'vpc-2' })), false, true],
    ['subnets change', server(vpc({}), vpc({ SubnetIds: ['subnet-a'] })), false, true],
    [
      'given Elastic IPs change',
      server(vpc({}), vpc({ AddressAllocationIds: ['eipalloc-1', 'eipalloc-2'] })),
      false,
      true,
    ],
    [
      'security groups change (no outage)',
      server(vpc({}), vpc({ SecurityGroupIds: [{ Ref: 'ServerSecurityGroup2' }] })),
      false,
      false,
    ],
    [
      'another property of the server (no endpoint change)',
      server(vpc({}), vpc({}, { Protocols: ['SFTP', 'FTPS'] })),
      false,
      false,
    ],
    [
      'a ServerAddress Elastic IP deleted (it leaves the server)',
      plannedChange({ action: 'remove', logicalId: 'ServerAddress2', before: eip }),
      false,
      true,
    ],
    ['a ServerAddress Elastic IP replaced (CloudFormation says True)', eipReplaced, false, true],
    ['a ServerAddress Elastic IP replaced, allowed', eipReplaced, true, false],
    [
      'a ServerAddress Elastic IP added (the server change it comes with is what is refused)',
      plannedChange({ action: 'add', logicalId: 'ServerAddress3', after: eip }),
      false,
      false,
    ],
    [
      'an Elastic IP that is not the server’s deleted',
      plannedChange({ action: 'remove', logicalId: 'NatAddress', before: eip }),
      false,
      false,
    ],
    [
      'a security group’s rules change (no outage)',
      plannedChange({
        action: 'modify',
        logicalId: 'ServerSecurityGroup1',
        before: { Type: 'AWS::EC2::SecurityGroup', Properties: { SecurityGroupIngress: [] } },
        after: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            SecurityGroupIngress: [
              { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '198.51.100.7/32' },
            ],
          },
        },
      }),
      false,
      false,
    ],
  ];
  for (const [what, c, allowEndpointChange, refused] of rows) {
    it(`${refused ? 'refuses' : 'lets through'}: ${what}${allowEndpointChange ? ' (--allow-endpoint-change)' : ''}`, function () {
      const plan = guard({ changes: [c] }, { allowReplace: [], allowEndpointChange });
      expect(isRefused(plan)).to.equal(refused);
      expect(plan.refused, 'not a stateful refusal').to.deep.equal([]);
      if (refused)
        expect(plan.endpoint?.changes.map((x) => x.logicalId)).to.deep.equal([c.logicalId]);
    });
  }

  it('the server replaced stays the stateful rule’s: --allow-replace Server lets it through', function () {
    const c = plannedChange({
      action: 'modify',
      logicalId: 'Server',
      before: publicServer,
      after: vpc({}),
      replacement: 'True',
    });
    expect(c.endpoint).to.equal(undefined);
    expect(isRefused(guard({ changes: [c] }, { allowReplace: ['Server'] }))).to.equal(false);
  });

  it('says which endpoint fields change, and that the server stops', function () {
    expect(server(vpc({}), vpc({ SubnetIds: ['subnet-c'], VpcId: 'vpc-2' })).endpoint).to.equal(
      'EndpointDetails.VpcId, EndpointDetails.SubnetIds change: CloudFormation stops the server, changes it and starts it again',
    );
  });

  it('the refusal names each change, prints the old and new addresses, and the flag', function () {
    const plan = guard(
      {
        changes: [
          server(vpc({}), vpc({ SubnetIds: ['subnet-a'] })),
          plannedChange({ action: 'remove', logicalId: 'ServerAddress2', before: eip }),
        ],
      },
      { allowReplace: [] },
    );
    plan.endpoint!.notice = {
      before: {
        endpointType: 'VPC',
        addresses: ['192.0.2.10', '192.0.2.11'],
        pending: [],
        unknown: [],
      },
      after: { endpointType: 'VPC', addresses: ['192.0.2.10'], pending: [], unknown: [] },
    };
    const err = refusal(plan, 'gw');
    expect(err.kind).to.equal('failed');
    expect(err.message).to.equal(
      'refused: the change to gw would stop the SFTP server and change its endpoint or addresses',
    );
    expect(err.hint).to.match(/^nothing was changed\..*--allow-endpoint-change$/);
    expect(err.problems).to.deep.equal([
      {
        field: 'Server',
        message:
          'AWS::Transfer::Server: EndpointDetails.SubnetIds changes: CloudFormation stops the server, changes it and starts it again',
      },
      {
        field: 'ServerAddress2',
        message:
          'AWS::EC2::EIP: the Elastic IP leaves the server (it is retained in the account, unused)',
      },
      { field: 'addresses before', message: '192.0.2.10, 192.0.2.11 (VPC)' },
      { field: 'addresses after', message: '192.0.2.10 (VPC)' },
    ]);
  });

  it('addresses the deploy allocates are said to be known only after it; PUBLIC has none fixed', function () {
    expect(
      addressLine({
        endpointType: 'VPC',
        addresses: ['192.0.2.10'],
        pending: ['ServerAddress2'],
        unknown: [],
      }),
    ).to.equal(
      '192.0.2.10, ServerAddress2: allocated by the deploy, its address is known only after it (VPC)',
    );
    expect(
      addressLine({ endpointType: 'PUBLIC', addresses: [], pending: [], unknown: [] }),
    ).to.match(/^no fixed addresses \(PUBLIC endpoint/);
    expect(
      addressLine({ endpointType: 'VPC', addresses: [], pending: [], unknown: ['eipalloc-0bad'] }),
    ).to.equal('eipalloc-0bad: not found in the account (VPC)');
  });

  // The VPC's default security group on an in-place switch: CloudFormation's
  // provider for AWS::Transfer::Server sends no SecurityGroupIds to
  // UpdateServer, and ModifyVpcEndpoint adds the template's groups and removes
  // only the previous model's (docs/endpoint.md cites the source). No local
  // part shows it (moto's model attaches what it is given), so these are the
  // guard's facts and words.
  const fiveGroups = (details: Record<string, unknown> = {}) =>
    vpc({
      SecurityGroupIds: [1, 2, 3, 4, 5].map((i) => ({
        'Fn::GetAtt': [`ServerSecurityGroup${i}`, 'GroupId'],
      })),
      ...details,
    });
  // [what, before, after, the switch the plan records (undefined: none)]
  const switchRows: Array<[string, object, object, PlannedChange['vpcSwitch']]> = [
    [
      'PUBLIC → VPC with the five groups sftpgw renders',
      publicServer,
      fiveGroups(),
      { vpcId: 'vpc-1', securityGroups: 5 },
    ],
    [
      'PUBLIC (EndpointType written out) → VPC',
      { Type: 'AWS::Transfer::Server', Properties: { EndpointType: 'PUBLIC' } },
      vpc({}),
      { vpcId: 'vpc-1', securityGroups: 1 },
    ],
    [
      'PUBLIC → VPC whose VpcId is a parameter: no id to name',
      publicServer,
      fiveGroups({ VpcId: { Ref: 'VpcId' } }),
      { securityGroups: 5 },
    ],
    [
      'VPC → VPC (subnets change): the groups are the previous model’s, no default group',
      vpc({}),
      vpc({ SubnetIds: ['subnet-a'] }),
      undefined,
    ],
    ['VPC → PUBLIC', vpc({}), publicServer, undefined],
  ];
  for (const [what, before, after, expected] of switchRows) {
    it(`the default security group: ${what}`, function () {
      const c = server(before, after);
      expect(c.vpcSwitch).to.deep.equal(expected);
      expect(defaultSecurityGroupProblem(c) === undefined).to.equal(expected === undefined);
    });
  }

  const switchPlan = (
    after: Partial<Record<'addresses' | 'pending', string[]>>,
    allowEndpointChange = false,
  ) => {
    const plan = guard(
      { changes: [server(publicServer, fiveGroups())] },
      { allowReplace: [], allowEndpointChange },
    );
    plan.endpoint!.notice = {
      before: { endpointType: 'PUBLIC', addresses: [], pending: [], unknown: [] },
      after: {
        endpointType: 'VPC',
        addresses: after.addresses ?? [],
        pending: after.pending ?? [],
        unknown: [],
      },
    };
    return plan;
  };

  it('the refusal of PUBLIC → VPC in place names the default security group, what follows and what to do', function () {
    const plan = switchPlan({ addresses: ['192.0.2.10', '192.0.2.11'] });
    expect(isRefused(plan)).to.equal(true);
    const err = refusal(plan, 'gw');
    const problem = err.problems.find((p) => p.field === 'default security group');
    expect(problem, 'a problem of its own').to.not.equal(undefined);
    expect(problem!.message).to.equal(
      "switching the deployed server to VPC in place, CloudFormation attaches the default security group of vpc-1 to the endpoint (its provider sends no SecurityGroupIds to UpdateServer, and ModifyVpcEndpoint adds the template's 5 groups and removes only the previous ones: none). The default group and the template's 5 make 6, over EC2's quota of 5 security groups per network interface: the update fails and is rolled back. Where the quota is raised, the default group stays attached: it admits whatever its members send, on any port, not TCP 22 from the allowed networks only",
    );
    expect(problem!.hint).to.equal(
      'either (a) leave room for it on the switch and detach it after: raise the quota "Security groups per network interface" to at least 6 (Service Quotas → Amazon Virtual Private Cloud), deploy with --allow-endpoint-change, then detach it: aws ec2 modify-vpc-endpoint --vpc-endpoint-id <VPCE> --remove-security-group-ids <DEFAULT_SG>, where <DEFAULT_SG> is aws ec2 describe-security-groups --filters Name=vpc-id,Values=vpc-1 Name=group-name,Values=default --query \'SecurityGroups[0].GroupId\' --output text and <VPCE> is aws transfer describe-server --server-id <the stack output ServerId> --query Server.EndpointDetails.VpcEndpointId --output text; or (b) a new server: deploy the VPC gateway as a new stack (a server created with its groups gets only those), move your partners to it (its host name and host keys are new), then retire this one. See docs/endpoint.md#switching-a-deployed-public-server-to-vpc',
    );
    // Given addresses are known: tell the partners, as before.
    expect(err.hint).to.equal(
      "nothing was changed. CloudFormation stops the server, changes its endpoint or addresses and starts it again: partners cannot connect meanwhile, and those who allow-list the server's addresses must add the new ones first. Tell them the addresses above, then deploy again (and see default security group above) with --allow-endpoint-change",
    );
    expect(err.problems.find((p) => p.field === 'addresses after')).to.deep.equal({
      field: 'addresses after',
      message: '192.0.2.10, 192.0.2.11 (VPC)',
    });
  });

  it('addresses the deploy would allocate: not "tell them the addresses above", but allocate them first and give them as addressAllocationIds', function () {
    const err = refusal(switchPlan({ pending: ['ServerAddress1', 'ServerAddress2'] }), 'gw');
    expect(err.hint).to.not.match(/Tell them the addresses above/);
    expect(err.hint).to.match(
      /Once they know the new addresses \(see addresses after\), then deploy again .*--allow-endpoint-change$/,
    );
    expect(err.problems.find((p) => p.field === 'addresses after')).to.deep.equal({
      field: 'addresses after',
      message:
        'ServerAddress1: allocated by the deploy, its address is known only after it, ServerAddress2: allocated by the deploy, its address is known only after it (VPC)',
      hint: ALLOCATE_FIRST,
    });
    expect(ALLOCATE_FIRST).to.equal(
      'these addresses would be allocated by the deploy, so partners cannot allow-list them before the switch. Allocate the Elastic IPs first, one per subnet (aws ec2 allocate-address --domain vpc), give their allocation ids in subnet order as server.endpoint.addressAllocationIds in sftpgw.yaml, and run sftpgw diff: it lists their addresses here (sftpgw info does too before a first deploy). Announce them to your partners, then switch',
    );
  });

  it('allowed (--allow-endpoint-change), the plan still says the default group is attached', function () {
    const text = formatPlan('Changes:', switchPlan({ pending: ['ServerAddress1'] }, true), false);
    expect(text).to.include(
      '  the default security group of vpc-1 is attached to the endpoint on this switch: it fails over the quota of 5 groups per interface, else detach it afterwards (docs/endpoint.md#switching-a-deployed-public-server-to-vpc)',
    );
    expect(
      formatPlan('Changes:', switchPlan({ pending: ['ServerAddress1'] }), false),
    ).to.not.include('is attached to the endpoint on this switch');
  });

  it('a VPC endpoint change that allocates addresses (a subnet added) gets the same address advice, and no default-group word', function () {
    const plan = guard(
      { changes: [server(vpc({}), vpc({ SubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'] }))] },
      { allowReplace: [] },
    );
    plan.endpoint!.notice = {
      before: { endpointType: 'VPC', addresses: ['192.0.2.10'], pending: [], unknown: [] },
      after: {
        endpointType: 'VPC',
        addresses: ['192.0.2.10'],
        pending: ['ServerAddress3'],
        unknown: [],
      },
    };
    const err = refusal(plan, 'gw');
    expect(err.problems.map((p) => p.field)).to.deep.equal([
      'Server',
      'addresses before',
      'addresses after',
    ]);
    expect(err.problems[2].hint).to.equal(ALLOCATE_FIRST);
    expect(err.hint).to.not.match(/default security group/);
  });

  it('a stateful refusal comes first; the endpoint refusal once it is allowed', function () {
    const changes = [replaced('Data', 'AWS::S3::Bucket'), server(publicServer, vpc({}))];
    expect(refusal(guard({ changes }, { allowReplace: [] }), 'gw').message).to.match(/stateful/);
    expect(refusal(guard({ changes }, { allowReplace: ['Data'] }), 'gw').message).to.match(
      /endpoint or addresses/,
    );
  });
});

describe('deploy guard: the Elastic IP quota', function () {
  const eipAdd = (id: string) => change('add', id, 'AWS::EC2::EIP');
  it('counts the Elastic IPs a change allocates: added and replaced ones (the old one is retained)', function () {
    expect(
      allocatedBy([
        eipAdd('ServerAddress1'),
        replaced('ServerAddress2', 'AWS::EC2::EIP'),
        change('remove', 'ServerAddress3', 'AWS::EC2::EIP'),
        change('modify', 'ServerAddress4', 'AWS::EC2::EIP'),
        change('add', 'Data', 'AWS::S3::Bucket'),
      ]),
    ).to.equal(2);
  });

  // [held, adding, limit, refused?]
  const rows: Array<[number, number, number, boolean]> = [
    [2, 3, 5, false],
    [3, 3, 5, true],
    [5, 0, 5, false],
    [9, 1, 10, false],
    [10, 1, 10, true],
  ];
  for (const [held, adding, limit, refused] of rows) {
    it(`${held} held + ${adding} new against ${limit}: ${refused ? 'refused' : 'allowed'}`, async function () {
      const api: AddressApi = {
        describeAddresses: async () =>
          Array.from({ length: held }, (_, i) => ({
            allocationId: `eipalloc-${i}`,
            publicIp: `192.0.2.${i}`,
          })),
        addressQuota: async () => ({ limit, source: 'account-attribute' }),
      };
      const changes = Array.from({ length: adding }, (_, i) => eipAdd(`ServerAddress${i + 1}`));
      const check = await checkAddressQuota(changes, api);
      if (adding === 0) {
        expect(check, 'nothing asked when nothing is allocated').to.equal(undefined);
        return;
      }
      expect(check).to.deep.equal({
        allocated: held,
        adding,
        limit,
        source: 'account-attribute',
        exceeded: refused,
      });
      const plan = { ...guard({ changes }, { allowReplace: [] }), addressQuota: check };
      expect(isRefused(plan)).to.equal(refused);
      if (refused) {
        const err = refusal(plan, 'gw');
        expect(err.message).to.equal(
          `refused: the change to gw allocates ${adding} Elastic IP${adding === 1 ? '' : 's'}; the account holds ${held} in this region and its quota is ${limit} (the EC2 account attribute vpc-max-elastic-ips)`,
        );
        expect(err.hint).to.include('L-0263D0A3').and.include('addressAllocationIds');
      }
    });
  }

  it('no quota from Service Quotas or EC2: the default of 5, and it says so', async function () {
    const api: AddressApi = {
      describeAddresses: async () => [],
      addressQuota: async () => undefined,
    };
    const changes = Array.from({ length: 6 }, (_, i) => eipAdd(`A${i}`));
    const check = (await checkAddressQuota(changes, api))!;
    expect(check).to.deep.include({ limit: 5, source: 'default', exceeded: true });
    expect(
      refusal({ ...guard({ changes }, { allowReplace: [] }), addressQuota: check }, 'gw').message,
    ).to.include('its quota is 5 (the default: Service Quotas and EC2 could not be asked)');
  });
});
