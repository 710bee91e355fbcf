// downstream (docs/downstream.md), read from the downstream golden in-process
// (test/template/golden.unit.test.ts keeps it equal to what build renders): the ingest
// function, the workflow's logs and the ingest alarms; and deploy asks for
// CAPABILITY_NAMED_IAM when the Snowflake role has its fixed name. The
// gateways built as the CLI process through every layer: downstream.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { changeSetCapabilities, namedIamResources } from '../../cli/engine/deploy/capabilities.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { repoRoot } from '../helpers/project.js';

type Obj = Record<string, unknown>;
const golden = (p: string, env: string) =>
  JSON.parse(
    readFileSync(path.join(repoRoot, 'test', 'golden', p, `${env}.json`), 'utf8'),
  ) as CfnTemplate;
const propsOf = (t: CfnTemplate, id: string) => t.Resources[id]?.Properties as Obj;

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
