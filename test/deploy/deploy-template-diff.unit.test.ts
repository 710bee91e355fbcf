// How a deploy plan shows what changes: the template diff, old → new, with
// users matched by name (cli/engine/deploy/template-diff.ts and its text in
// cli/plan-text.ts). Pure functions over two templates, no CloudFormation.
import { expect } from 'chai';
import { templateDiff } from '../../cli/engine/deploy/template-diff.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { formatPlan, formatTemplateDiff } from '../../cli/plan-text.js';
import { planChanges } from '../helpers/planned-changes.js';

describe('template diff: old → new, users by name', function () {
  const policy = (statements: unknown[]) => ({
    'Fn::Sub': [
      JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      { Bucket: { Ref: 'GatewayBucket' } },
    ],
  });
  const list = {
    Sid: 'ListHome',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: 'arn:${AWS::Partition}:s3:::${Bucket}',
  };
  const readWrite = {
    Sid: 'ReadWriteHome',
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    Resource: 'arn:${AWS::Partition}:s3:::${Bucket}/partners/b/*',
  };
  const readOnly = {
    Sid: 'ReadHome',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: 'arn:${AWS::Partition}:s3:::${Bucket}/partners/b/*',
  };
  const userB = (
    keys: string[],
    statements: unknown[],
    tags: Array<{ Key: string; Value: string }>,
  ) => ({
    Type: 'AWS::Transfer::User',
    Properties: {
      UserName: 'partner-b',
      ServerId: { 'Fn::GetAtt': ['Server', 'ServerId'] },
      SshPublicKeys: keys,
      Policy: policy(statements),
      Tags: tags,
    },
  });
  const deployed: CfnTemplate = {
    Resources: {
      UserPartnerb45bdd3: userB(
        ['ssh-ed25519 AAAAold b@old'],
        [list, readWrite],
        [
          { Key: 'team', Value: 'a' },
          { Key: 'kind', Value: 'partner' },
        ],
      ),
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: { MessageRetentionPeriod: 600, RedrivePolicy: { maxReceiveCount: 3 } },
      },
      Gone: { Type: 'AWS::SNS::Topic' },
    },
  };
  const next: CfnTemplate = {
    Resources: {
      UserPartnerb45bdd3: userB(
        ['ssh-ed25519 AAAAnew b@new'],
        [list, readOnly],
        [
          { Key: 'kind', Value: 'partner' },
          { Key: 'team', Value: 'b' },
        ],
      ),
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          MessageRetentionPeriod: 900,
          RedrivePolicy: { maxReceiveCount: 3 },
          DelaySeconds: 5,
        },
      },
      New: { Type: 'AWS::SNS::Topic' },
    },
  };

  it('gives old and new values: scalars, list elements, tags by key, the session policy statements that differ', function () {
    const diff = templateDiff(deployed, next);
    expect(diff.map((d) => `${d.kind} ${d.logicalId}`)).to.deep.equal([
      'removed Gone',
      'added New',
      'changed Queue',
      'changed UserPartnerb45bdd3',
    ]);
    expect(diff[2].changes).to.deep.equal([
      { path: 'Properties.DelaySeconds', after: 5 },
      { path: 'Properties.MessageRetentionPeriod', before: 600, after: 900 },
    ]);
    const user = diff[3];
    expect(user.userName).to.equal('partner-b');
    expect(user.paths).to.deep.equal([
      'Properties.Policy',
      'Properties.SshPublicKeys',
      'Properties.Tags',
    ]);
    expect(user.changes).to.deep.equal([
      { path: 'Properties.Policy', items: 'statements', removed: [readWrite], added: [readOnly] },
      {
        path: 'Properties.SshPublicKeys',
        items: 'elements',
        removed: ['ssh-ed25519 AAAAold b@old'],
        added: ['ssh-ed25519 AAAAnew b@new'],
      },
      { path: 'Properties.Tags[Key=team].Value', before: 'a', after: 'b' },
    ]);
  });

  it('reads as text: the user by name, old → new inline, the statements that differ line by line', function () {
    expect(formatTemplateDiff(templateDiff(deployed, next), false).split('\n')).to.deep.equal([
      'Template diff (deployed → new):',
      '  - Gone  AWS::SNS::Topic',
      '  + New  AWS::SNS::Topic',
      '  ~ Queue  AWS::SQS::Queue',
      '      Properties.DelaySeconds: (absent) → 5',
      '      Properties.MessageRetentionPeriod: 600 → 900',
      '  ~ user partner-b (UserPartnerb45bdd3)  AWS::Transfer::User',
      '      Properties.Policy: statements that differ',
      `        - ${JSON.stringify(readWrite)}`,
      `        + ${JSON.stringify(readOnly)}`,
      '      Properties.SshPublicKeys: elements that differ',
      '        - "ssh-ed25519 AAAAold b@old"',
      '        + "ssh-ed25519 AAAAnew b@new"',
      '      Properties.Tags[Key=team].Value: "a" → "b"',
    ]);
  });

  it('a Fn::Sub variable of a session policy that changes is shown besides the statements; long values get a line each', function () {
    const a = {
      Type: 'AWS::Transfer::User',
      Properties: { UserName: 'u', Policy: policy([list]) },
    };
    const b = {
      Type: 'AWS::Transfer::User',
      Properties: {
        UserName: 'u',
        Policy: {
          'Fn::Sub': [a.Properties.Policy['Fn::Sub'][0], { Bucket: { Ref: 'OtherBucket' } }],
        },
      },
    };
    const [d] = templateDiff({ Resources: { U: a } }, { Resources: { U: b } });
    expect(d.changes).to.deep.equal([
      {
        path: 'Properties.Policy (besides the statements).Fn::Sub variables.Bucket',
        before: { Ref: 'GatewayBucket' },
        after: { Ref: 'OtherBucket' },
      },
    ]);
    const long = templateDiff(
      {
        Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'x'.repeat(80) } } },
      },
      {
        Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'y'.repeat(80) } } },
      },
    );
    expect(formatTemplateDiff(long, false).split('\n').slice(2)).to.deep.equal([
      '      Properties.DisplayName:',
      `        - "${'x'.repeat(80)}"`,
      `        + "${'y'.repeat(80)}"`,
    ]);
  });

  it('the plan names SFTP users by their username', function () {
    const plan = planChanges(
      {
        id: 'c',
        name: 'c',
        status: 'CREATE_COMPLETE',
        changes: [
          {
            action: 'Modify',
            logicalId: 'UserPartnerb45bdd3',
            resourceType: 'AWS::Transfer::User',
          },
          { action: 'Modify', logicalId: 'Queue', resourceType: 'AWS::SQS::Queue' },
        ],
      },
      deployed,
      next,
    );
    const text = formatPlan('Changes:', plan, false).split('\n');
    expect(text[1]).to.match(/^ {2}~ user partner-b \(UserPartnerb45bdd3\) +AWS::Transfer::User$/);
    expect(text[2]).to.match(/^ {2}~ Queue +AWS::SQS::Queue$/);
  });
});
