// downstream (docs/downstream.md): a gateway with completed uploads copied to
// ingest/ by the ingest function (the workflow's CUSTOM step), the workflow's
// logs and the ingest alarms, EventBridge events and Snowflake builds through every layer
// (schema, semantic, baseline, the real cfn-lint with -c I) as the CLI
// process, with the resources and order the flow depends on; and deploy asks
// for CAPABILITY_NAMED_IAM when the Snowflake role has its fixed name.
// Refusals of bad downstream settings: test/fixtures/bad-config/downstream-*,
// bad-users/downstream-*; baseline rules: bad-templates/baseline-{trust-external-id,
// foreign-role-read-only,topic-policy-scoped*,queue-topic-kms-ingest}.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { changeSetCapabilities, namedIamResources } from '../cli/engine/deploy/capabilities.js';
import type { CfnTemplate } from '../cli/engine/template/types.js';
import { CFN_LINT_RANGE, checkCfnLintVersion, withCfnLintNote } from './helpers/cfn-lint.js';
import {
  buildProject,
  cleanTempDirs,
  copyFixture,
  exampleProject,
  repoRoot,
  tempDir,
} from './helpers/project.js';

type Obj = Record<string, unknown>;
const project = path.join(repoRoot, 'test', 'fixtures', 'projects', 'downstream');
const golden = (p: string, env: string) =>
  JSON.parse(
    readFileSync(path.join(repoRoot, 'test', 'golden', p, `${env}.json`), 'utf8'),
  ) as CfnTemplate;
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

/** Every Allow statement of a role's inline policies and of the AWS::IAM::Policy resources attached to it. */
function roleStatements(t: CfnTemplate, role: string): Obj[] {
  const docs = [
    ...((propsOf(t, role).Policies as Obj[] | undefined) ?? []).map((p) => p.PolicyDocument as Obj),
    ...Object.values(t.Resources)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify((r.Properties as Obj).Roles) === JSON.stringify([{ Ref: role }]),
      )
      .map((r) => (r.Properties as Obj).PolicyDocument as Obj),
  ];
  return docs.flatMap((d) => d.Statement as Obj[]).filter((st) => st.Effect === 'Allow');
}
const actionsOf = (st: Obj) => [st.Action].flat() as string[];
const resourcesOf = (st: Obj) => [st.Resource].flat();
/** The resources a role may do `action` on (exact action names). */
const grants = (t: CfnTemplate, role: string, action: string) =>
  roleStatements(t, role)
    .filter((st) => actionsOf(st).includes(action))
    .flatMap(resourcesOf);
const objectsUnder = (prefix: string) => ({
  'Fn::Sub': ['${Arn}/' + prefix, { Arn: { 'Fn::GetAtt': ['GatewayBucket', 'Arn'] } }],
});

describe('the ingest function, the workflow logs and the ingest alarms (downstream golden)', () => {
  const t = golden('downstream', 'default');

  it('the workflow role may only invoke the ingest function', () => {
    const statements = roleStatements(t, 'IngestWorkflowRole');
    expect(statements).to.deep.equal([
      {
        Sid: 'InvokeIngestFunction',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': ['IngestFunction', 'Arn'] },
      },
    ]);
  });

  it('the function: nodejs22.x arm64, ingest.handler from the one artifact, its own log group, tracing, env with the key', () => {
    const f = propsOf(t, 'IngestFunction');
    expect(f).to.deep.include({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'ingest.handler',
      TracingConfig: { Mode: 'Active' },
      KmsKeyArn: { 'Fn::GetAtt': ['GatewayKey', 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: 'IngestFunctionLogGroup' }, LogFormat: 'JSON' },
      Role: { 'Fn::GetAtt': ['IngestFunctionRole', 'Arn'] },
    });
    expect(f.ReservedConcurrentExecutions).to.be.a('number');
    expect(f.Code).to.deep.equal({ S3Bucket: { Ref: 'ArtifactBucket' }, S3Key: '<scrubbed>' });
    expect(t.Parameters).to.have.property('ArtifactBucket');
    expect((f.Environment as Obj).Variables).to.deep.equal({
      INGEST_PREFIX: 'ingest/',
      GATEWAY: { Ref: 'AWS::StackName' },
      GATEWAY_BUCKET: { Ref: 'GatewayBucket' },
    });
    expect(propsOf(t, 'IngestFunctionLogGroup')).to.deep.include({
      LogGroupName: { 'Fn::Sub': '/aws/lambda/${AWS::StackName}-ingest' },
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': ['GatewayKey', 'Arn'] },
    });
    expect(propsOf(t, 'IngestFunctionRole').PermissionsBoundary).to.match(/PlatformBoundary$/);
  });

  it('the function role writes only under ingest/, never a home, and reports only to its workflow', () => {
    for (const write of ['s3:PutObject', 's3:PutObjectTagging'])
      expect(grants(t, 'IngestFunctionRole', write), write).to.deep.equal([
        objectsUnder('ingest/*'),
      ]);
    const all = roleStatements(t, 'IngestFunctionRole').flatMap(actionsOf);
    for (const never of [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:PutObjectVersionTagging',
      's3:*',
      '*',
    ])
      expect(all, never).to.not.include(never);
    expect(grants(t, 'IngestFunctionRole', 's3:GetObjectVersion')).to.deep.equal([
      objectsUnder('*'),
    ]);
    expect(grants(t, 'IngestFunctionRole', 'transfer:SendWorkflowStepState')).to.deep.equal([
      { 'Fn::GetAtt': ['IngestWorkflow', 'Arn'] },
    ]);
    // The key only through S3.
    const kms = roleStatements(t, 'IngestFunctionRole').filter((st) =>
      actionsOf(st).some((a) => a.startsWith('kms:')),
    );
    expect(kms.map((st) => st.Condition)).to.deep.equal([
      { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 's3.${AWS::Region}.${AWS::URLSuffix}' } } },
    ]);
    // ListBucket on the bucket itself (HeadObject of a missing key: 404, not 403).
    expect(grants(t, 'IngestFunctionRole', 's3:ListBucket')).to.deep.equal([
      { 'Fn::GetAtt': ['GatewayBucket', 'Arn'] },
    ]);
    // The server waits for the function's permission to answer the step.
    expect(t.Resources.Server!.DependsOn).to.include('IngestFunctionWorkflowPolicy');
  });

  it('the server logs workflow executions through a role that writes only its /aws/transfer/<server-id> group', () => {
    expect(propsOf(t, 'Server').LoggingRole).to.deep.equal({
      'Fn::GetAtt': ['ServerLoggingRole', 'Arn'],
    });
    expect(propsOf(t, 'WorkflowLogGroup')).to.deep.include({
      LogGroupName: { 'Fn::Sub': '/aws/transfer/${Server.ServerId}' },
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': ['GatewayKey', 'Arn'] },
    });
    const role = propsOf(t, 'ServerLoggingRole');
    expect(role).to.not.have.property('Policies'); // in its own resource: no role <-> server cycle
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).to.include('aws:SourceAccount');
    const statements = roleStatements(t, 'ServerLoggingRole');
    expect(statements.flatMap(actionsOf).sort()).to.deep.equal([
      'logs:CreateLogStream',
      'logs:DescribeLogStreams',
      'logs:PutLogEvents',
    ]);
    expect(statements.flatMap(resourcesOf)).to.deep.equal([
      { 'Fn::GetAtt': ['WorkflowLogGroup', 'Arn'] },
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/transfer/${Server.ServerId}',
      },
    ]);
    // CloudWatch Logs may use the key for the server's group (by its pattern: a cycle otherwise).
    const key = (propsOf(t, 'GatewayKey').KeyPolicy as { Statement: Obj[] }).Statement;
    expect(
      JSON.stringify(key.find((s) => s.Sid === 'CloudWatchLogsEncryptsTransferWorkflowLogs')),
    ).to.include('log-group:/aws/transfer/s-*');
  });

  it('outbound disabled: the ingest alarms reach the gateway alarm topic and its recipients', () => {
    expect(t.Resources).to.not.have.property('PushFunction');
    const alarm = (id: string) => propsOf(t, id);
    expect(alarm('IngestFailuresAlarm')).to.deep.include({
      Namespace: 'AWS/Transfer',
      MetricName: 'OnUploadExecutionsFailed',
      Dimensions: [{ Name: 'ServerId', Value: { 'Fn::GetAtt': ['Server', 'ServerId'] } }],
    });
    expect(alarm('IngestFunctionErrorsAlarm')).to.deep.include({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'IngestFunction' } }],
    });
    expect(alarm('IngestFailedAlarm')).to.deep.include({
      Namespace: 'sftpgw',
      MetricName: 'IngestFailed',
      Dimensions: [{ Name: 'Gateway', Value: { Ref: 'AWS::StackName' } }],
    });
    for (const id of ['IngestFailuresAlarm', 'IngestFunctionErrorsAlarm', 'IngestFailedAlarm'])
      expect(alarm(id).AlarmActions, id).to.deep.equal([{ Ref: 'AlarmTopic' }]);
    expect(propsOf(t, 'AlarmTopic')).to.deep.include({ KmsMasterKeyId: { Ref: 'GatewayKey' } });
    const subscriptions = Object.values(t.Resources).filter(
      (r) => r.Type === 'AWS::SNS::Subscription',
    );
    expect(subscriptions.map((r) => (r.Properties as Obj).Endpoint)).to.deep.equal([
      'data-ops@example.com',
    ]);
    // outbound.alarms, the older place, still names recipients with outbound disabled.
    expect(
      propsOf(golden('downstream', 'one-user'), 'IngestFailuresAlarm').AlarmActions,
    ).to.deep.equal([{ Ref: 'AlarmTopic' }, 'arn:aws:sns:eu-west-1:123456789012:data-oncall']);
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

describe('deploy capabilities', () => {
  it('adds CAPABILITY_NAMED_IAM for the named Snowflake role, and only then', () => {
    const withRole = golden('downstream', 'default');
    expect(namedIamResources([withRole])).to.deep.equal(['SnowflakeRole']);
    expect(changeSetCapabilities(['CAPABILITY_IAM'], [withRole])).to.deep.equal([
      'CAPABILITY_IAM',
      'CAPABILITY_NAMED_IAM',
    ]);
    expect(changeSetCapabilities(['CAPABILITY_NAMED_IAM'], [withRole])).to.deep.equal([
      'CAPABILITY_NAMED_IAM',
    ]);
    const example = golden('example', 'default');
    expect(changeSetCapabilities(['CAPABILITY_IAM'], [example])).to.deep.equal(['CAPABILITY_IAM']);
    // A named role in a child stack counts too.
    expect(changeSetCapabilities(['CAPABILITY_IAM'], [example, withRole])).to.include(
      'CAPABILITY_NAMED_IAM',
    );
  });
});
