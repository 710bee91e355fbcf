// downstream (docs/downstream.md): a gateway with completed uploads copied to
// ingest/ by the ingest function (the workflow's CUSTOM step), the workflow's
// logs and the ingest alarms, EventBridge events and Snowflake builds through every layer
// (schema, semantic, baseline, the real cfn-lint with -c I) as the CLI
// process, with the resources and order the flow depends on. The ingest
// function, workflow logs, alarms and deploy capabilities read from the
// downstream golden, in-process: downstream-golden.unit.test.ts.
// Refusals of bad downstream settings: test/config/fixtures/bad-config/downstream-*,
// bad-users/downstream-*; baseline rules: bad-templates/baseline-{trust-external-id,
// foreign-role-read-only,topic-policy-scoped*,queue-topic-kms-ingest}.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { namedIamResources } from '../../cli/engine/deploy/capabilities.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { CFN_LINT_RANGE, checkCfnLintVersion, withCfnLintNote } from '../helpers/cfn-lint.js';
import {
  buildProject,
  cleanTempDirs,
  copyFixture,
  exampleProject,
  repoRoot,
  tempDir,
} from '../helpers/project.js';

type Obj = Record<string, unknown>;
const project = path.join(repoRoot, 'test', 'fixtures', 'projects', 'downstream');
const propsOf = (t: CfnTemplate, id: string) => t.Resources[id]?.Properties as Obj;
/** A finding line of the build's report. */
const FINDING = /^\s*(error|warning|informational)\s/m;

function build(env: string) {
  const dir = tempDir();
  copyFixture(project, dir);
  return buildProject(dir, env ? ['--env', env] : []);
}

describe(`downstream gateways build clean in every layer (${CFN_LINT_RANGE}, -c I)`, function () {
  this.timeout(120_000);
  before(() => checkCfnLintVersion());
  afterEach(cleanTempDirs);

  it('every user to Snowflake, events on, the default bucket name', () => {
    const b = build('');
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
    const t = b.template;
    // Completed uploads only: the workflow runs OnUpload (never OnPartialUpload).
    const details = propsOf(t, 'Server').WorkflowDetails as Obj;
    expect(Object.keys(details)).to.deep.equal(['OnUpload']);
    // Its one step is CUSTOM: the ingest function gives every upload its own key.
    const steps = propsOf(t, 'IngestWorkflow').Steps as Obj[];
    expect(steps).to.have.length(1);
    expect(steps[0]!.Type).to.equal('CUSTOM');
    const custom = steps[0]!.CustomStepDetails as Obj;
    expect(custom).to.deep.include({
      SourceFileLocation: '${original.file}',
      Target: { 'Fn::GetAtt': ['IngestFunction', 'Arn'] },
    });
    expect(custom.TimeoutSeconds as number)
      .to.be.above(propsOf(t, 'IngestFunction').Timeout as number)
      .and.at.most(1800);
    // One notification on ingest/, to the topic, set only once its policy exists.
    const bucket = t.Resources.GatewayBucket;
    expect(bucket.DependsOn).to.deep.equal(['IngestTopicPolicy']);
    const notes = propsOf(t, 'GatewayBucket').NotificationConfiguration as Obj;
    expect(notes.EventBridgeConfiguration).to.deep.equal({ EventBridgeEnabled: true });
    expect(notes.TopicConfigurations).to.deep.equal([
      {
        Event: 's3:ObjectCreated:*',
        Topic: { Ref: 'IngestTopic' },
        Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'ingest/' }] } },
      },
    ]);
    // The role: fixed name, Snowflake's user with the external id, every ingest folder.
    const role = propsOf(t, 'SnowflakeRole');
    expect(role.RoleName).to.deep.equal({ 'Fn::Sub': '${AWS::StackName}-snowflake' });
    expect(role.PermissionsBoundary).to.match(/PlatformBoundary$/);
    expect((role.AssumeRolePolicyDocument as { Statement: Obj[] }).Statement).to.deep.equal([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:user/abc1-b-self1234' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'MYACCOUNT_SFCRole=2_AbCdEfGhIjKlMnOp=' } },
      },
    ]);
    const list = JSON.stringify(role.Policies);
    expect(list).to.include('"s3:prefix":["ingest/*"]');
    // The default bucket name, in the bucket and in the topic policy.
    const defaultName = 'fixture-downstream-gateway-${AWS::AccountId}-${AWS::Region}';
    expect(propsOf(t, 'GatewayBucket').BucketName).to.deep.equal({ 'Fn::Sub': defaultName });
    expect(JSON.stringify(propsOf(t, 'IngestTopicPolicy'))).to.include(
      `"arn:\${AWS::Partition}:s3:::${defaultName}"`,
    );
    // GetBucketLocation in a statement of its own, without the s3:prefix condition.
    const read = (role.Policies as Array<{ PolicyDocument: { Statement: Obj[] } }>)[0]
      .PolicyDocument.Statement;
    expect(read.find((st) => st.Sid === 'LocateBucket')).to.deep.equal({
      Sid: 'LocateBucket',
      Effect: 'Allow',
      Action: 's3:GetBucketLocation',
      Resource: { 'Fn::GetAtt': ['GatewayBucket', 'Arn'] },
    });
    // The key statement for S3 carries only the topic's encryption context.
    const s3Key = (propsOf(t, 'GatewayKey').KeyPolicy as { Statement: Obj[] }).Statement.find(
      (st) => st.Sid === 'S3PublishesToEncryptedIngestTopic',
    );
    expect(s3Key, 'the S3 key statement').to.not.equal(undefined);
    expect(Object.keys((s3Key!.Condition as Obj).StringEquals as Obj)).to.deep.equal([
      'kms:EncryptionContext:aws:sns:topicArn',
    ]);
    expect(propsOf(t, 'IngestTopic').KmsMasterKeyId).to.deep.equal({ Ref: 'GatewayKey' });
    const sids = (propsOf(t, 'GatewayKey').KeyPolicy as { Statement: Obj[] }).Statement.map(
      (s) => s.Sid,
    );
    expect(sids).to.include('S3PublishesToEncryptedIngestTopic');
    expect(Object.keys(t.Outputs ?? {})).to.include.members([
      'SnowflakeRoleArn',
      'IngestTopicArn',
      'IngestPrefix',
    ]);
    expect(t.Outputs?.IngestPrefix).to.deep.include({ Value: 'ingest/' });
  });

  it('one user to Snowflake, a named bucket, no events', () => {
    const b = build('one-user');
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
    const t = b.template;
    const policy = JSON.stringify(propsOf(t, 'SnowflakeRole').Policies);
    expect(policy).to.include('"s3:prefix":["ingest/acme/*"]');
    expect(policy).to.include('${Arn}/ingest/acme/*');
    expect(policy).to.not.include('globex');
    const topicPolicy = JSON.stringify(propsOf(t, 'IngestTopicPolicy'));
    expect(topicPolicy).to.include('arn:${AWS::Partition}:s3:::fixture-downstream-data');
    // subscriberArn: the subscribe grant names it, the trust stays Snowflake's IAM user.
    expect(topicPolicy).to.include('"AWS":"arn:aws:iam::123456789012:user/abc1-b-sns5678"');
    expect(JSON.stringify(propsOf(t, 'SnowflakeRole').AssumeRolePolicyDocument)).to.include(
      'user/abc1-b-self1234',
    );
    const notes = propsOf(t, 'GatewayBucket').NotificationConfiguration as Obj;
    expect(notes).to.not.have.property('EventBridgeConfiguration');
  });

  it('a gateway deployed before the default name keeps its bucket: true warns that any bucket of the account may publish; the name binds it', () => {
    const kept = build('deployed-generated');
    expect(kept.status, withCfnLintNote(kept.output)).to.equal(0);
    expect(propsOf(kept.template, 'GatewayBucket')).to.not.have.property('BucketName');
    expect(JSON.stringify(propsOf(kept.template, 'IngestTopicPolicy'))).to.include(
      '"arn:${AWS::Partition}:s3:::*"',
    );
    expect(kept.output).to.match(
      /warning statement "S3PublishesCompletedUploads" lets S3 publish for any bucket of this account/,
    );
    expect(kept.output).to.include('[baseline/topic-source-bucket-named]');
    expect(kept.output).to.include('set buckets.keepGeneratedGatewayName to the deployed');
    const named = build('deployed-kept-name');
    expect(named.status, withCfnLintNote(named.output)).to.equal(0);
    expect(named.output, withCfnLintNote(named.output)).to.not.match(FINDING);
    expect(propsOf(named.template, 'GatewayBucket')).to.not.have.property('BucketName');
    expect(JSON.stringify(propsOf(named.template, 'IngestTopicPolicy'))).to.include(
      '"arn:${AWS::Partition}:s3:::fixture-downstream-gatewaybucket-1a2b3c4d5e6f"',
    );
  });

  it('Snowflake pending (no iamUserArn yet): builds clean without the role and the subscribe grant, and warns naming the key', () => {
    const dir = tempDir();
    copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', 'downstream-pending'), dir);
    const b = buildProject(dir, []);
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
    expect(b.output).to.match(
      /warning: sftpgw\.yaml: downstream\.snowflake\.iamUserArn is not set yet: the gateway is built without the SnowflakeRole and the subscribe grant \(pending\)/,
    );
    expect(b.output).to.include('run sftpgw snowflake sql --integration');
    const t = b.template;
    expect(t.Resources).to.not.have.property('SnowflakeRole');
    expect(t.Resources).to.include.keys('IngestTopic', 'IngestTopicPolicy', 'IngestWorkflow');
    expect(JSON.stringify(propsOf(t, 'IngestTopicPolicy'))).to.not.include('sns:Subscribe');
    expect(Object.keys(t.Outputs ?? {})).to.not.include('SnowflakeRoleArn');
    expect(Object.keys(t.Outputs ?? {})).to.include('IngestTopicArn');
    expect(namedIamResources([t])).to.deep.equal([]);
    // The subscriber alone: the grant is there, the role still is not.
    const sub = buildProject(dir, ['--env', 'subscriber-first']);
    expect(sub.status, withCfnLintNote(sub.output)).to.equal(0);
    expect(sub.output).to.match(/built without the SnowflakeRole \(pending\)/);
    expect(sub.template.Resources).to.not.have.property('SnowflakeRole');
    expect(JSON.stringify(propsOf(sub.template, 'IngestTopicPolicy'))).to.include('sns:Subscribe');
  });

  it('events only: the workflow and EventBridge, no Snowflake role, topic or outputs', () => {
    const b = build('events-only');
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
    const t = b.template;
    expect(t.Resources).to.include.keys('IngestWorkflow', 'IngestWorkflowRole');
    expect(t.Resources).to.not.include.keys('SnowflakeRole', 'IngestTopic', 'IngestTopicPolicy');
    expect(t.Resources.GatewayBucket.DependsOn).to.equal(undefined);
    expect(propsOf(t, 'GatewayBucket').NotificationConfiguration).to.deep.equal({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    expect(Object.keys(t.Outputs ?? {})).to.not.include('SnowflakeRoleArn');
    expect(namedIamResources([t])).to.deep.equal([]);
  });
});

describe('outbound and downstream together', function () {
  this.timeout(120_000);
  afterEach(cleanTempDirs);

  it('one artifact (the same code key), one alarm topic for both functions, and every layer clean', () => {
    const dir = exampleProject();
    const file = path.join(dir, 'sftpgw.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.setIn(['downstream'], { events: true });
    writeFileSync(file, doc.toString());
    const b = buildProject(dir);
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
    const t = b.template;
    const code = (id: string) => propsOf(t, id).Code as Obj;
    expect(code('IngestFunction')).to.deep.equal(code('PushFunction'));
    expect(code('IngestFunction').S3Key).to.match(/^sftpgw\/handler\/[0-9a-f]{64}\.zip$/);
    expect(propsOf(t, 'IngestFunction').Handler).to.equal('ingest.handler');
    expect(propsOf(t, 'PushFunction').Handler).to.equal('index.handler');
    const topics = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::SNS::Topic');
    expect(topics.map(([id]) => id)).to.deep.equal(['AlarmTopic']);
    for (const id of ['PushErrorsAlarm', 'IngestFailuresAlarm', 'IngestFunctionErrorsAlarm'])
      expect((propsOf(t, id).AlarmActions as unknown[])[0], id).to.deep.equal({
        Ref: 'AlarmTopic',
      });
    const sids = (propsOf(t, 'GatewayKey').KeyPolicy as { Statement: Obj[] }).Statement.map(
      (s) => s.Sid,
    );
    expect(sids.filter((s) => s === 'CloudWatchAlarmsPublishToEncryptedTopic')).to.have.length(1);
  });
});
