// sftpgw snowflake sql as a process against a real moto server on 127.0.0.1:
// a hand-written template with the contract's logical ids (GatewayBucket,
// IngestTopic, SnowflakeRole with its fixed name, and the topic policy moto
// skips) is deployed by `sftpgw deploy --template`, through a change set, so
// moto returns no stack outputs: the command must read the physical ids.
// STS GetCallerIdentity is moto's too (account 123456789012).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { userLogicalId } from '../../cli/engine/users/logical-id.js';
import { keyPair } from '../helpers/keys.js';
import { cleanTempDirs, runCliAsync, tempDir, type RunResult } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const EXTERNAL_ID = 'MYACCOUNT_SFCRole=2_AbCdEfGhIjKlMnOp=';
const IAM_USER = 'arn:aws:iam::123456789012:user/abc1-b-self1234';
const USERS = ['acme', 'ops@partner-1.eu'];

/** The parts of the gateway the SQL needs, with the contract's logical ids. */
function template(bucketName: string, withTopic = true): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      GatewayKey: {
        Type: 'AWS::KMS::Key',
        Properties: {
          KeyPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: {
                  AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' },
                },
                Action: 'kms:*',
                Resource: '*',
              },
            ],
          },
        },
      },
      GatewayBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucketName } },
      ...(withTopic
        ? {
            IngestTopic: {
              Type: 'AWS::SNS::Topic',
              Properties: { KmsMasterKeyId: { Ref: 'GatewayKey' } },
            },
            // moto skips it (a warning): DescribeStackResources must still answer
            IngestTopicPolicy: {
              Type: 'AWS::SNS::TopicPolicy',
              Properties: {
                Topics: [{ Ref: 'IngestTopic' }],
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Principal: { AWS: IAM_USER },
                      Action: 'sns:Subscribe',
                      Resource: { Ref: 'IngestTopic' },
                    },
                  ],
                },
              },
            },
          }
        : {}),
      SnowflakeRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { 'Fn::Sub': '${AWS::StackName}-snowflake' },
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: IAM_USER },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
              },
            ],
          },
        },
      },
    },
    Outputs: {
      IngestTopicArn: { Value: withTopic ? { Ref: 'IngestTopic' } : 'none' },
    },
  };
}

describe('sftpgw snowflake sql against moto', function () {
  this.timeout(120_000);
  let moto: Moto;
  let cfn: CloudFormationClient;
  let env: Record<string, string>;

  before(async function () {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    cfn = new CloudFormationClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  /** A gateway repository: sftpgw.yaml, user files, and the template to deploy. */
  function project(stackName: string, yaml: string, tpl?: Record<string, unknown>): string {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      `stackName: ${stackName}\ndeploy:\n  capabilities: [CAPABILITY_NAMED_IAM]\n${yaml}`,
    );
    mkdirSync(path.join(dir, 'users'));
    for (const u of USERS)
      writeFileSync(
        path.join(dir, 'users', `${u}.libsonnet`),
        "{ sshPublicKeys: ['ssh-ed25519 AAAA'] }\n",
      );
    if (tpl) writeFileSync(path.join(dir, 'template.json'), JSON.stringify(tpl, null, 2));
    return dir;
  }

  const snowflake = (more = '') =>
    `downstream:\n  snowflake:\n    externalId: ${EXTERNAL_ID}\n${more}`;

  const cli = (dir: string, args: string[]): Promise<RunResult> =>
    runCliAsync(args, { cwd: dir, env });

  async function deploy(dir: string): Promise<void> {
    const r = await cli(dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(r.status, r.stderr).to.equal(0);
  }

  async function physicalIds(stackName: string): Promise<Record<string, string>> {
    const out = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    return Object.fromEntries(
      (out.StackResources ?? []).map((r) => [r.LogicalResourceId, r.PhysicalResourceId]),
    );
  }

  it('prints the stages and pipes of the deployed stack, naming its topic and role', async () => {
    const stack = 'sf-deployed';
    const dir = project(
      stack,
      snowflake(`    iamUserArn: ${IAM_USER}\n`),
      template('sf-deployed-gateway'),
    );
    await deploy(dir);
    // the premise: a change-set stack has no outputs in moto
    const described = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    expect(described.Stacks?.[0]?.Outputs ?? []).to.deep.equal([]);
    const ids = await physicalIds(stack);
    expect(ids.IngestTopic).to.match(/^arn:aws:sns:us-east-1:123456789012:/);

    const r = await cli(dir, ['snowflake', 'sql']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`AWS_SNS_TOPIC = '${ids.IngestTopic}'`);
    expect(r.stdout).to.include(`arn:aws:iam::123456789012:role/${stack}-snowflake`);
    expect(ids.SnowflakeRole).to.equal(`${stack}-snowflake`);
    expect(r.stdout).to.include(
      "CREATE STAGE IF NOT EXISTS SFTPGW_SF_DEPLOYED_ACME_STAGE\n  URL = 's3://sf-deployed-gateway/ingest/acme/'",
    );
    // one naming rule for stack and usernames: upper case, other characters _
    expect(r.stdout).to.include(
      'CREATE PIPE IF NOT EXISTS SFTPGW_SF_DEPLOYED_OPS_PARTNER_1_EU_PIPE\n',
    );
    expect(r.stdout.match(/AUTO_INGEST = TRUE/g)).to.have.length(USERS.length);
    expect(r.stdout).to.include('<target_table>');
    expect(r.stdout).to.include('USE DATABASE <database>;\n');

    const json = await cli(dir, [
      'snowflake',
      'sql',
      '--output',
      'json',
      '--table',
      'RAW.T',
      '--database',
      'RAW',
      '--schema',
      'SFTP',
      '--role',
      'LOADER',
      '--error-integration',
      'ERRS',
    ]);
    expect(json.status, json.stderr).to.equal(0);
    const doc = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(doc).to.include({
      stackName: stack,
      step: 'pipes',
      topicArn: ids.IngestTopic,
      roleArn: `arn:aws:iam::123456789012:role/${stack}-snowflake`,
      bucket: 'sf-deployed-gateway',
    });
    expect(doc.users).to.deep.equal(USERS);
    expect(doc.sql).to.include('COPY INTO RAW.T');
    // the JSON carries the statements of the text, in order
    const statements = doc.statements as string[];
    expect(statements.slice(0, 3)).to.deep.equal([
      'USE DATABASE RAW;',
      'USE SCHEMA SFTP;',
      'GRANT USAGE ON DATABASE RAW TO ROLE LOADER;',
    ]);
    expect(statements).to.include('USE ROLE LOADER;');
    for (const s of statements) expect(doc.sql).to.include(s);
    expect(statements.filter((s) => s.includes('ERROR_INTEGRATION = ERRS'))).to.have.length(
      2 * USERS.length,
    );
    expect(doc.pipes).to.deep.equal([
      'SFTPGW_SF_DEPLOYED_ACME_PIPE',
      'SFTPGW_SF_DEPLOYED_OPS_PARTNER_1_EU_PIPE',
    ]);

    // a lost subscription: the pipes are replaced, the stages kept
    const again = await cli(dir, ['snowflake', 'sql', '--recreate-pipes']);
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stdout.match(/^CREATE OR REPLACE PIPE /gm)).to.have.length(USERS.length);
    expect(again.stdout).to.include('empty load history');

    // step 1 again after deploy: the bucket comes from the stack (the config names none);
    // every user (users unset): the whole ingest prefix, as the role reads it
    const integ = await cli(dir, ['snowflake', 'sql', '--integration']);
    expect(integ.status, integ.stderr).to.equal(0);
    expect(integ.stdout).to.include(
      "STORAGE_ALLOWED_LOCATIONS = (\n    's3://sf-deployed-gateway/ingest/'\n  )",
    );
  });

  it('the template sftpgw build writes (downstream on) deploys as built, and the SQL names its topic, bucket and role', async () => {
    // The gateway as built, nothing stripped, deployed through a change set
    // (moto through test/helpers/moto/launcher.py: the Transfer Family
    // resources are created, the KMS key keeps its tags).
    const stack = 'sf-built';
    const dir = project(
      stack,
      `outbound:\n  enabled: false\nartifacts:\n  bucket: sf-built-artifacts\n${snowflake(`    iamUserArn: ${IAM_USER}\n`)}`,
    );
    // The ingest function's code (the handler artifact) is uploaded by deploy.
    await new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    }).send(new CreateBucketCommand({ Bucket: 'sf-built-artifacts' }));
    for (const u of USERS)
      writeFileSync(
        path.join(dir, 'users', `${u}.libsonnet`),
        `{ sshPublicKeys: ['${keyPair('ed25519', `transfer@${u}`).publicKey}'] }\n`,
      );
    const b = await cli(dir, ['build', '--no-lint']);
    expect(b.status, b.stderr).to.equal(0);
    const built = JSON.parse(
      readFileSync(path.join(dir, 'dist', 'gateway', 'default', 'template.json'), 'utf8'),
    ) as { Resources: Record<string, { Type: string }> };
    expect(built.Resources).to.include.keys(
      'IngestTopic',
      'IngestTopicPolicy',
      'SnowflakeRole',
      'GatewayBucket',
      'IngestFunction',
      'IngestFunctionRole',
      'Server',
      ...USERS.map(userLogicalId),
    );
    writeFileSync(path.join(dir, 'template.json'), JSON.stringify(built, null, 2));
    await deploy(dir);
    const ids = await physicalIds(stack);
    expect(ids.Server).to.match(/^arn:aws:transfer:us-east-1:123456789012:server\/s-[0-9a-f]{17}$/);
    const r = await cli(dir, ['snowflake', 'sql', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).to.include({
      topicArn: ids.IngestTopic,
      bucket: ids.GatewayBucket,
      roleArn: `arn:aws:iam::123456789012:role/${stack}-snowflake`,
    });
    expect(ids.SnowflakeRole).to.equal(`${stack}-snowflake`);
    expect(ids.IngestFunction, 'the ingest function was created').to.be.a('string');
    expect(doc.sql).to.include(`AWS_SNS_TOPIC = '${ids.IngestTopic}'`);
    // the topic of the built template has the name step 1 computes before deploy
    expect(ids.IngestTopic).to.equal(`arn:aws:sns:us-east-1:123456789012:${stack}-ingest`);
    const step1 = await cli(dir, ['snowflake', 'sql', '--integration', '--output', 'json']);
    expect(step1.status, step1.stderr).to.equal(0);
    const first = JSON.parse(step1.stdout) as { topicArn: string; statements: string[] };
    expect(first.topicArn).to.equal(ids.IngestTopic);
    expect(first.statements.at(-1)).to.equal(
      `SELECT SYSTEM$GET_AWS_SNS_IAM_POLICY('${ids.IngestTopic}');`,
    );
  });

  it('prints the integration before deploy, with the role ARN computed from STS', async () => {
    const dir = project(
      'sf-before',
      `buckets:\n  gateway: sf-before-gateway\n${snowflake('    users: [acme]\n')}`,
    );
    const r = await cli(dir, ['snowflake', 'sql', '--integration']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('CREATE STORAGE INTEGRATION SFTPGW_SF_BEFORE\n');
    expect(r.stdout).to.include(
      "STORAGE_AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/sf-before-snowflake'",
    );
    expect(r.stdout).to.include(`STORAGE_AWS_EXTERNAL_ID = '${EXTERNAL_ID}'`);
    expect(r.stdout).to.include(
      "STORAGE_ALLOWED_LOCATIONS = (\n    's3://sf-before-gateway/ingest/acme/'\n  )",
    );
    expect(r.stdout).not.to.match(/^CREATE OR REPLACE/m);
    expect(r.stdout).to.include(
      "SELECT SYSTEM$GET_AWS_SNS_IAM_POLICY('arn:aws:sns:us-east-1:123456789012:sf-before-ingest');",
    );
    expect(r.stdout).not.to.match(/^GRANT /m);
    const granted = await cli(dir, ['snowflake', 'sql', '--integration', '--role', 'LOADER']);
    expect(granted.stdout).to.include(
      'GRANT USAGE ON INTEGRATION SFTPGW_SF_BEFORE TO ROLE LOADER;\n',
    );
    // users changed: ALTER the integration that exists, never replace it
    const alter = await cli(dir, ['snowflake', 'sql', '--integration', '--alter']);
    expect(alter.status, alter.stderr).to.equal(0);
    expect(alter.stdout).to.match(/^ALTER STORAGE INTEGRATION SFTPGW_SF_BEFORE\n/m);
    expect(alter.stdout).not.to.match(/^CREATE /m);
    // --stack-name changes the role's name and the integration's
    const other = await cli(dir, ['snowflake', 'sql', '--integration', '--stack-name', 'gw-2']);
    expect(other.stdout).to.include('role/gw-2-snowflake');
    expect(other.stdout).to.include('CREATE STORAGE INTEGRATION SFTPGW_GW_2\n');
  });

  it('before any deploy, with nothing named, the integration names the default gateway bucket', async () => {
    const dir = project('sf-default', snowflake('    users: [acme]\n'));
    const r = await cli(dir, ['snowflake', 'sql', '--integration']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include(
      "STORAGE_ALLOWED_LOCATIONS = (\n    's3://sf-default-gateway-123456789012-us-east-1/ingest/acme/'\n  )",
    );
  });

  it('the order works from sftpgw.yaml: with the external id alone the integration prints, and the gateway builds pending (a warning) until iamUserArn is set', async () => {
    const base = `buckets:\n  gateway: sf-order-gateway\n`;
    const dir = project('sf-order', base + snowflake());
    // real keys: this test builds the gateway
    for (const u of USERS)
      writeFileSync(
        path.join(dir, 'users', `${u}.libsonnet`),
        `{ sshPublicKeys: ['${keyPair('ed25519', `transfer@${u}`).publicKey}'] }\n`,
      );
    const first = await cli(dir, ['snowflake', 'sql', '--integration']);
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.include('CREATE STORAGE INTEGRATION SFTPGW_SF_ORDER\n');
    const early = await cli(dir, ['build', '--no-lint']);
    expect(early.status, early.stderr).to.equal(0);
    expect(early.stderr).to.match(/downstream\.snowflake\.iamUserArn is not set yet/);
    expect(early.stderr).to.match(/sftpgw snowflake sql --integration/);
    const pending = readFileSync(
      path.join(dir, 'dist', 'gateway', 'default', 'template.json'),
      'utf8',
    );
    expect(pending).to.not.include('SnowflakeRole');
    // DESC INTEGRATION gave the IAM user: now the gateway builds
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      `stackName: sf-order\n${base}${snowflake(`    iamUserArn: ${IAM_USER}\n`)}`,
    );
    const built = await cli(dir, ['build', '--no-lint']);
    expect(built.status, built.stderr).to.equal(0);
  });

  describe('refusals (exit code, a message naming what to do, nothing on stdout)', () => {
    async function refused(dir: string, args: string[], code: number, ...says: RegExp[]) {
      const r = await cli(dir, ['snowflake', 'sql', ...args]);
      expect(r.status, r.stderr).to.equal(code);
      expect(r.stdout).to.equal('');
      for (const s of says) expect(r.stderr).to.match(s);
      return r;
    }

    it('the bucket is not known: no stack, and buckets.keepGeneratedGatewayName: true', async () => {
      await refused(
        project('sf-nobucket', `buckets:\n  keepGeneratedGatewayName: true\n${snowflake()}`),
        ['--integration'],
        1,
        /bucket's name is not known yet: stack sf-nobucket does not exist/,
        /deploy the gateway first/,
      );
    });

    it('downstream.snowflake is not configured', async () => {
      await refused(
        project('sf-off', 'downstream:\n  events: true\n'),
        [],
        1,
        /downstream\.snowflake/,
        /docs\/snowflake\.md/,
      );
    });

    it('externalId is missing for the integration', async () => {
      await refused(
        project(
          'sf-noid',
          'buckets:\n  gateway: b-noid\ndownstream:\n  snowflake:\n    users: [acme]\n',
        ),
        ['--integration'],
        1,
        // the config schema refuses it as the config loads
        /sftpgw\.yaml:\d+:\d+: downstream\.snowflake: missing required key externalId/,
      );
    });

    it('iamUserArn is missing after deploy', async () => {
      await refused(
        project('sf-noarn', snowflake()),
        [],
        1,
        /downstream\.snowflake\.iamUserArn/,
        /sftpgw snowflake sql --integration/,
        /DESC INTEGRATION SFTPGW_SF_NOARN/,
      );
    });

    it('the stack does not exist', async () => {
      await refused(
        project('sf-missing', snowflake(`    iamUserArn: ${IAM_USER}\n`)),
        [],
        1,
        /stack sf-missing does not exist/,
        /sftpgw deploy/,
      );
    });

    it('the deployed stack has no IngestTopic', async () => {
      const dir = project(
        'sf-notopic',
        snowflake(`    iamUserArn: ${IAM_USER}\n`),
        template('sf-notopic-gateway', false),
      );
      await deploy(dir);
      await refused(
        dir,
        [],
        1,
        /sf-notopic has no IngestTopic \(AWS::SNS::Topic\)/,
        /downstream\.snowflake set/,
      );
    });

    it('users names a user without a user file', async () => {
      await refused(
        project(
          'sf-nouser',
          `buckets:\n  gateway: b-nouser\n${snowflake('    users: [acme, nobody]\n')}`,
        ),
        ['--integration'],
        1,
        /downstream\.snowflake\.users: nobody is not a user of this gateway/,
      );
    });

    it('--table or --file-format that is not a name', async () => {
      const dir = project('sf-flags', `buckets:\n  gateway: b-flags\n${snowflake()}`);
      await refused(
        dir,
        ['--table', 't; DROP TABLE x'],
        2,
        /--table "t; DROP TABLE x" is not a Snowflake object name/,
      );
      await refused(dir, ['--file-format', 'a b'], 2, /--file-format "a b"/);
    });

    it('every new flag refuses a bad value, naming the flag (exit 2)', async () => {
      const dir = project('sf-newflags', `buckets:\n  gateway: b-newflags\n${snowflake()}`);
      for (const [args, says] of [
        [['--database', 'RAW;'], /--database "RAW;" is not a Snowflake identifier/],
        [['--schema', 'a.b'], /--schema "a\.b" is not a Snowflake identifier/],
        [['--role', 'R --x'], /--role "R --x" is not a Snowflake identifier/],
        [['--error-integration', "E'"], /--error-integration "E'" is not/],
        [['--refresh', 'last week'], /--refresh "last week" is not a date or an ISO 8601 time/],
        [['--refresh', '2000-01-01'], /--refresh 2000-01-01 is more than 7 days ago/],
        [['--alter'], /--alter changes the storage integration and needs --integration/],
        [['--check', '--refresh', '2000-01-01'], /--check and --refresh print different scripts/],
        [['--integration', '--recreate-pipes'], /--recreate-pipes belongs to the stages and pipes/],
        [
          ['--check', '--error-integration', 'E'],
          /--error-integration belongs to the stages and pipes/,
        ],
      ] as const)
        await refused(dir, [...args], 2, says);
    });

    it('--check and --refresh print without a deployed stack', async () => {
      const dir = project('sf-monitor', snowflake());
      const check = await cli(dir, ['snowflake', 'sql', '--check', '--table', 'T']);
      expect(check.status, check.stderr).to.equal(0);
      expect(check.stdout).to.include("SELECT SYSTEM$PIPE_STATUS('SFTPGW_SF_MONITOR_ACME_PIPE');");
      const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
      const refresh = await cli(dir, ['snowflake', 'sql', '--refresh', since, '--output', 'json']);
      expect(refresh.status, refresh.stderr).to.equal(0);
      const doc = JSON.parse(refresh.stdout) as { step: string; statements: string[] };
      expect(doc.step).to.equal('refresh');
      expect(doc.statements).to.include(
        `ALTER PIPE SFTPGW_SF_MONITOR_OPS_PARTNER_1_EU_PIPE REFRESH MODIFIED_AFTER = '${since}T00:00:00+00:00';`,
      );
    });
  });
});
