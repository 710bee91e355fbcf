// The deploy guard (cli/engine/deploy/guard.ts), rule by rule: pure functions
// over planned changes, so each rule is a row of a table. How the engine acts
// on a refusal (nothing executed, its own change set deleted) is in
// deploy-engine.test.ts and deploy-moto.test.ts.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressApi } from '../cli/adapters/aws/ec2.js';
import {
  ALLOCATE_FIRST,
  addressLine,
  defaultSecurityGroupProblem,
  guard,
  isRefused,
  needsAllowance,
  refusal,
  STATEFUL_TYPES,
} from '../cli/engine/deploy/guard.js';
import { creationPlan, plannedChange } from '../cli/engine/deploy/plan.js';
import { formatPlan } from '../cli/plan-text.js';
import type { PlanFacts, PlannedChange, UserMove } from '../cli/engine/deploy/types.js';
import { allocatedBy, checkAddressQuota } from '../cli/engine/endpoint/eip-quota.js';
import type { CfnTemplate } from '../cli/engine/template/types.js';
import { repoRoot } from './helpers/project.js';

const change = (
  action: PlannedChange['action'],
  logicalId: string,
  type: string,
  over: Partial<PlannedChange> = {},
): PlannedChange => ({
  action,
  logicalId,
  type,
  replacement: false,
  conditional: false,
  stateful: STATEFUL_TYPES.has(type),
  ...over,
});
const replaced = (logicalId: string, type: string) =>
  change('modify', logicalId, type, { replacement: true, why: 'X is create-only and changes' });

describe('deploy guard: what is refused, and how to allow it', function () {
  // [what, the change, allowReplace, refused?]
  const rows: Array<[string, PlannedChange, string[], boolean]> = [
    ['a bucket replaced', replaced('Data', 'AWS::S3::Bucket'), [], true],
    ['a bucket replaced, allowed by its id', replaced('Data', 'AWS::S3::Bucket'), ['Data'], false],
    ['a bucket replaced, another id allowed', replaced('Data', 'AWS::S3::Bucket'), ['Logs'], true],
    ['a bucket deleted', change('remove', 'Data', 'AWS::S3::Bucket'), [], true],
    ['a KMS key replaced', replaced('Key', 'AWS::KMS::Key'), [], true],
    [
      'the Transfer server replaced (its endpoint is what partners use)',
      replaced('Server', 'AWS::Transfer::Server'),
      [],
      true,
    ],
    ['a log group deleted', change('remove', 'Logs', 'AWS::Logs::LogGroup'), [], true],
    ['a queue deleted', change('remove', 'Queue', 'AWS::SQS::Queue'), [], true],
    ['a queue deleted, allowed', change('remove', 'Queue', 'AWS::SQS::Queue'), ['Queue'], false],
    ['a queue updated in place', change('modify', 'Queue', 'AWS::SQS::Queue'), [], false],
    [
      'a bucket that CloudFormation may replace (conditional): listed, not refused',
      change('modify', 'Data', 'AWS::S3::Bucket', { conditional: true }),
      [],
      false,
    ],
    [
      'an SFTP user replaced (a create-only property changes)',
      replaced('UserBob', 'AWS::Transfer::User'),
      [],
      true,
    ],
    [
      'an SFTP user removed (its user file is gone): listed, not refused',
      change('remove', 'UserBob', 'AWS::Transfer::User'),
      [],
      false,
    ],
    ['a stateless role replaced', replaced('Role', 'AWS::IAM::Role'), [], false],
    ['a stateless topic deleted', change('remove', 'Topic', 'AWS::SNS::Topic'), [], false],
    ['a bucket added', change('add', 'Data', 'AWS::S3::Bucket'), [], false],
  ];
  for (const [what, c, allowReplace, refused] of rows) {
    it(`${refused ? 'refuses' : 'lets through'}: ${what}${allowReplace.length ? ` (--allow-replace ${allowReplace.join(' ')})` : ''}`, function () {
      const plan = guard({ changes: [c] }, { allowReplace });
      expect(plan.refused.map((r) => r.logicalId)).to.deep.equal(refused ? [c.logicalId] : []);
      expect(isRefused(plan)).to.equal(refused);
      expect(needsAllowance(c)).to.equal(refused || allowReplace.includes(c.logicalId));
    });
  }

  it('inside a child stack the id to allow is Child/Id, and only that', function () {
    const facts: PlanFacts = {
      changes: [],
      nested: [{ stack: 'Users0', changes: [replaced('UserBob', 'AWS::Transfer::User')] }],
      moves: [],
    };
    expect(guard(facts, { allowReplace: [] }).refused.map((c) => c.logicalId)).to.deep.equal([
      'Users0/UserBob',
    ]);
    expect(
      guard(facts, { allowReplace: ['UserBob'] }).refused.map((c) => c.logicalId),
      'the bare id does not allow it',
    ).to.deep.equal(['Users0/UserBob']);
    expect(guard(facts, { allowReplace: ['Users0/UserBob'] }).refused).to.deep.equal([]);
  });

  it('removed users are listed from the root and every child stack; a user that moves is not removed', function () {
    const facts: PlanFacts = {
      changes: [change('remove', 'UserAnn', 'AWS::Transfer::User', { userName: 'ann' })],
      nested: [
        {
          stack: 'Users0',
          changes: [
            change('remove', 'UserBob', 'AWS::Transfer::User', { userName: 'bob' }),
            change('remove', 'UserCid', 'AWS::Transfer::User', { userName: 'cid' }),
          ],
        },
        {
          stack: 'Users1',
          changes: [change('add', 'UserCid', 'AWS::Transfer::User', { userName: 'cid' })],
        },
      ],
      moves: [{ userName: 'cid', from: 'Users0', to: 'Users1' }],
    };
    const plan = guard(facts, { allowReplace: [], allowUserMoves: true });
    expect(plan.removedUsers.map((u) => `${u.logicalId} ${u.userName}`)).to.deep.equal([
      'UserAnn ann',
      'Users0/UserBob bob',
    ]);
    expect(isRefused(plan)).to.equal(false);
  });

  // [what, moves, userStacks change, allowUserMoves, refused?]
  const moveRows: Array<
    [string, UserMove[], { from: number; to: number } | undefined, boolean, boolean]
  > = [
    [
      'a user moving between stacks',
      [{ userName: 'a', from: 'Users0', to: 'Users1' }],
      undefined,
      false,
      true,
    ],
    [
      'a user moving, --allow-user-moves',
      [{ userName: 'a', from: 'Users0', to: 'Users1' }],
      undefined,
      true,
      false,
    ],
    ['userStacks changing while users are deployed', [], { from: 2, to: 3 }, false, true],
    ['userStacks changing, --allow-user-moves', [], { from: 2, to: 3 }, true, false],
    ['no move, no userStacks change', [], undefined, false, false],
  ];
  for (const [what, moves, placementChange, allowUserMoves, refused] of moveRows) {
    it(`${refused ? 'refuses' : 'lets through'}: ${what}`, function () {
      const plan = guard(
        { changes: [], nested: [], moves, placementChange },
        { allowReplace: [], allowUserMoves },
      );
      expect(isRefused(plan)).to.equal(refused);
      expect(plan.moves).to.deep.equal(allowUserMoves ? [] : moves);
      expect(plan.placementChange).to.deep.equal(allowUserMoves ? undefined : placementChange);
    });
  }

  it('a creation has nothing to judge: the plan has no nested, moves or userStacks fields', function () {
    const plan = creationPlan({
      Resources: {
        Data: { Type: 'AWS::S3::Bucket' },
        UserBob: { Type: 'AWS::Transfer::User', Properties: { UserName: 'bob' } },
      },
    });
    expect(Object.keys(plan)).to.deep.equal(['changes', 'refused', 'removedUsers']);
    expect(plan.changes).to.deep.equal([
      {
        action: 'add',
        logicalId: 'Data',
        type: 'AWS::S3::Bucket',
        replacement: false,
        conditional: false,
        stateful: true,
      },
      {
        action: 'add',
        logicalId: 'UserBob',
        type: 'AWS::Transfer::User',
        replacement: false,
        conditional: false,
        stateful: true,
        userName: 'bob',
      },
    ]);
    expect(isRefused(plan)).to.equal(false);
  });
});

describe('deploy guard: the refusal says what would happen and which flags allow it', function () {
  it('stateful resources: each one, how it would be lost, and one --allow-replace per id', function () {
    const plan = guard(
      {
        changes: [
          replaced('Data', 'AWS::S3::Bucket'),
          change('remove', 'Queue', 'AWS::SQS::Queue'),
        ],
      },
      { allowReplace: [] },
    );
    const err = refusal(plan, 'gw');
    expect(err.kind).to.equal('failed');
    expect(err.message).to.equal(
      'refused: the change to gw would replace or delete 2 stateful resources',
    );
    expect(err.hint).to.equal(
      'nothing was changed. If this is intended, allow each one: --allow-replace Data --allow-replace Queue',
    );
    expect(err.problems).to.deep.equal([
      {
        field: 'Data',
        message: 'AWS::S3::Bucket would be replaced (X is create-only and changes)',
      },
      { field: 'Queue', message: 'AWS::SQS::Queue would be deleted' },
    ]);
  });

  it('user moves: the count, the userStacks change, the first ten moves and how many more', function () {
    const moves = Array.from({ length: 12 }, (_, i) => ({
      userName: `u${i}`,
      from: '(root stack)',
      to: 'Users0',
    }));
    const err = refusal(
      guard(
        { changes: [], nested: [], moves, placementChange: { from: 0, to: 1 } },
        { allowReplace: [] },
      ),
      'gw',
    );
    expect(err.message).to.equal(
      'refused: the change to gw would move 12 SFTP users between stacks (userStacks unset → 1)',
    );
    expect(err.hint).to.match(/--allow-user-moves$/);
    expect(err.problems).to.have.length(11);
    expect(err.problems[0]).to.deep.equal({ field: 'u0', message: '(root stack) → Users0' });
    expect(err.problems[10]).to.deep.equal({ field: '…', message: 'and 2 more' });
  });

  it('stateful resources and user moves together: the stateful resources are named first', function () {
    const plan = guard(
      {
        changes: [replaced('Data', 'AWS::S3::Bucket')],
        nested: [],
        moves: [{ userName: 'a', from: 'Users0', to: 'Users1' }],
      },
      { allowReplace: [] },
    );
    expect(refusal(plan, 'gw').message).to.equal(
      'refused: the change to gw would replace or delete 1 stateful resource',
    );
  });
});

describe('deploy guard: a deployed gateway bucket about to get the default name', function () {
  // The goldens: the same downstream gateway built for a new stack (the
  // default name) and for one deployed before it (keepGeneratedGatewayName).
  const bucketOf = (env: string) =>
    (
      JSON.parse(
        readFileSync(path.join(repoRoot, 'test', 'golden', 'downstream', `${env}.json`), 'utf8'),
      ) as CfnTemplate
    ).Resources.GatewayBucket;

  it('the refusal names buckets.keepGeneratedGatewayName, and the flag after it', function () {
    const c = plannedChange({
      action: 'modify',
      logicalId: 'GatewayBucket',
      before: bucketOf('deployed-generated'),
      after: bucketOf('default'),
    });
    expect(c).to.deep.include({ replacement: true, why: 'BucketName is create-only and changes' });
    const err = refusal(guard({ changes: [c] }, { allowReplace: [] }), 'gw');
    expect(err.hint).to.match(
      /^nothing was changed\. To keep GatewayBucket: its deployed name was generated by CloudFormation; keep it: set buckets\.keepGeneratedGatewayName: true in sftpgw\.yaml \(better: the deployed name, from the stack output BucketName, so the ingest topic policy names the bucket\), then build and deploy again\. If this is intended, allow each one: --allow-replace GatewayBucket$/,
    );
    expect(err.problems?.[0]?.field).to.equal('GatewayBucket');
    expect(err.problems?.[0]?.message).to.include('buckets.keepGeneratedGatewayName: true');
  });

  it('kept (true or the name), the bucket is unchanged: nothing to refuse', function () {
    for (const env of ['deployed-generated', 'deployed-kept-name'])
      expect(
        plannedChange({
          action: 'modify',
          logicalId: 'GatewayBucket',
          before: bucketOf('deployed-generated'),
          after: bucketOf(env),
        }).replacement,
        env,
      ).to.equal(false);
  });

  it('a bucket renamed from one name to another gets no such advice: the config named it', function () {
    const named = (n: string) => ({ Type: 'AWS::S3::Bucket', Properties: { BucketName: n } });
    const c = plannedChange({
      action: 'modify',
      logicalId: 'GatewayBucket',
      before: named('a'),
      after: named('b'),
    });
    expect(c.replacement).to.equal(true);
    expect(c).to.not.have.property('keep');
  });
});

describe('plannedChange: every planned change is made the same way', function () {
  const bucket = (name: string) => ({ Type: 'AWS::S3::Bucket', Properties: { BucketName: name } });
  it("replacement from create-only properties, from CloudFormation's True, and its Conditional", function () {
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('b'),
      }),
    ).to.deep.equal({
      action: 'modify',
      logicalId: 'Data',
      type: 'AWS::S3::Bucket',
      replacement: true,
      conditional: false,
      why: 'BucketName is create-only and changes',
      stateful: true,
    });
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('a'),
        replacement: 'True',
      }),
    ).to.deep.include({ replacement: true, why: 'CloudFormation says it will be replaced' });
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('a'),
        replacement: 'Conditional',
      }),
    ).to.deep.include({ replacement: false, conditional: true });
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('b'),
        replacement: 'Conditional',
      }),
      'a known replacement is not conditional',
    ).to.deep.include({ replacement: true, conditional: false });
  });

  it('SFTP users by their name, from the template after (before, when removed)', function () {
    const user = (n: string) => ({ Type: 'AWS::Transfer::User', Properties: { UserName: n } });
    expect(
      plannedChange({ action: 'remove', logicalId: 'U', before: user('gone') }).userName,
    ).to.equal('gone');
    expect(plannedChange({ action: 'add', logicalId: 'U', after: user('new') }).userName).to.equal(
      'new',
    );
    expect(
      plannedChange({ action: 'add', logicalId: 'Q', resourceType: 'AWS::SQS::Queue' }),
    ).to.deep.equal({
      action: 'add',
      logicalId: 'Q',
      type: 'AWS::SQS::Queue',
      replacement: false,
      conditional: false,
      stateful: true,
    });
  });
});

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
