// sftpgw uploads against a gateway deployed to moto through the CLI: the
// shipped example (sftpgw.yaml at the root) with downstream turned on
// (downstream.events: true; the example has it commented out), so INGEST is
// checked. Log events in Transfer Family's documented structured-log format
// (test/helpers/transfer-log.ts) are written with PutLogEvents into the
// stack's server log group; copies under ingest/ are put in the gateway
// bucket for some uploads; then `sftpgw uploads` runs as a process.
//
// moto 5.2.1 does not evaluate filter patterns that begin with `?` (its
// moto/logs/utils.py takes any pattern not starting with a letter or a
// quote as "unsupported" and returns every event): the OPEN, DISCONNECTED,
// unknown and malformed lines below reach the command, which must drop and
// count them itself, as it does for whatever a term pattern lets through on AWS.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { cleanTempDirs, exampleProject, runCliAsync, tempDir } from '../helpers/project.js';
import { createHostedZone } from '../helpers/moto-calls.js';
import { type Moto, startMoto } from '../helpers/servers.js';
import { closed, connected, disconnected, opened } from '../helpers/transfer-log.js';

const REGION = 'us-east-1';
const STACK = 'sftpgw-example';
const ARTIFACTS = 'sftpgw-uploads-artifacts';
const MIN = 60_000;

describe('sftpgw uploads against the example gateway in moto', function () {
  this.timeout(300_000);
  let moto: Moto;
  let env: Record<string, string>;
  let dir: string;
  let noDownstream: string;
  let logGroup: string;
  let bucket: string;
  let cfn: CloudFormationClient;
  let logs: CloudWatchLogsClient;
  const now = Date.now();
  const ago = (minutes: number) => now - minutes * MIN;
  const utc = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

  const cli = (args: string[], cwd = dir) => runCliAsync(['uploads', ...args], { cwd, env });

  before(async function () {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const c = {
      endpoint: moto.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    cfn = new CloudFormationClient(c);
    logs = new CloudWatchLogsClient(c);
    const s3 = new S3Client({ ...c, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    dir = exampleProject();
    const yaml = path.join(dir, 'sftpgw.yaml');
    const zone = await createHostedZone(moto, 'example.com');
    const text = readFileSync(yaml, 'utf8').replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`);
    // the same config without downstream, for the same stack
    noDownstream = tempDir();
    writeFileSync(path.join(noDownstream, 'sftpgw.yaml'), text);
    writeFileSync(yaml, `${text}\ndownstream:\n  events: true\n`);
    const deployed = await runCliAsync(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS], {
      cwd: dir,
      env,
    });
    expect(deployed.status, deployed.stdout + deployed.stderr).to.equal(0);
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK })))
      .StackResources!;
    const id = (logical: string) =>
      resources.find((r) => r.LogicalResourceId === logical)!.PhysicalResourceId!;
    logGroup = id('ServerLogGroup');
    bucket = id('GatewayBucket');
    expect(logGroup).to.equal(`/aws/transfer/${STACK}`);

    // The sessions (minutes ago): interleaved, one that connected before
    // every window below, a partial upload, a download, other entries and a
    // malformed line. The stream name does not matter to the command.
    const a = '9ca9a0e1cec6ad9d';
    const g = '4b1c77d0e2f3a5b6';
    const old = '0f1e2d3c4b5a6978';
    const g2 = 'aa00bb11cc22dd33';
    const events: Array<[number, string]> = [
      [300, connected({ session: old, user: 'acme-corp', ip: '203.0.113.8' })],
      [180, connected({ session: a, user: 'acme-corp', ip: '203.0.113.7' })],
      [179, opened({ session: a, path: `/${bucket}/acme-corp/orders_0412.csv` })],
      [178, connected({ session: g, user: 'alice', ip: '198.51.100.20' })],
      [177, closed({ session: a, path: `/${bucket}/acme-corp/orders_0412.csv`, bytes: '121' })],
      [176, disconnected(a)],
      [
        120,
        closed({ session: g, path: `/${bucket}/alice/big.zip`, bytes: '5000000', partial: true }),
      ],
      [119, disconnected(g)],
      [60, 'this line is not JSON'],
      [59, JSON.stringify({ 'activity-type': 'SOMETHING_NEW', 'session-id': g2 })],
      [15, connected({ session: g2, user: 'alice', ip: '198.51.100.21' })],
      [
        12,
        JSON.stringify({
          'activity-type': 'CLOSE',
          path: `/${bucket}/alice/readme.txt`,
          'bytes-out': '42',
          'session-id': g2,
        }),
      ],
      [10, closed({ session: g2, path: `/${bucket}/alice/invoice_0412.pdf`, bytes: 2048 })],
      [9, disconnected(g2)],
      [30, closed({ session: old, path: `/${bucket}/acme-corp/late.csv`, bytes: '77' })],
    ];
    await logs.send(
      new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: 's-0123456789abcdef0' }),
    );
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: logGroup,
        logStreamName: 's-0123456789abcdef0',
        logEvents: events
          .map(([m, message]) => ({ timestamp: ago(m), message }))
          .sort((x, y) => x.timestamp - y.timestamp),
      }),
    );
    // the ingest function's copies (ingest/<user>/<date>/<upload-id>/<file>) of two uploads
    const date = (m: number) => new Date(ago(m)).toISOString().slice(0, 10);
    for (const [user, m, file] of [
      ['acme-corp', 177, 'orders_0412.csv'],
      ['alice', 10, 'invoice_0412.pdf'],
    ] as const)
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `ingest/${user}/${date(m)}/3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY/${file}`,
          Body: 'x',
        }),
      );
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  it('lists who uploaded what, from where, complete or partial, and whether it reached ingest/ (text)', async () => {
    const r = await cli(['--since', '4h']);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).to.deep.equal([
      'TIME',
      'USER',
      'FILE',
      'BYTES',
      'FROM',
      'RESULT',
      'INGEST',
    ]);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).to.deep.equal([
      [
        utc(ago(177)),
        'acme-corp',
        'acme-corp/orders_0412.csv',
        '121',
        '203.0.113.7',
        'complete',
        'reached',
      ],
      [utc(ago(120)), 'alice', 'alice/big.zip', '5000000', '198.51.100.20', 'partial', '-'],
      // connected 5 hours ago, before the window: its address still found
      [utc(ago(30)), 'acme-corp', 'acme-corp/late.csv', '77', '203.0.113.8', 'complete', 'not yet'],
      [
        utc(ago(10)),
        'alice',
        'alice/invoice_0412.pdf',
        '2048',
        '198.51.100.21',
        'complete',
        'reached',
      ],
    ]);
    // the malformed line is counted and said, never silently dropped
    expect(r.stderr).to.include(
      `warning: 1 log line(s) of ${logGroup} could not be read as Transfer Family entries and were left out (not JSON)`,
    );
  });

  it('--output json: one document valid against its schema, every key present', async () => {
    const r = await cli(['--since', '4h', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(outputSchema('uploads.schema.json'));
    expect(validate(doc), ajv.errorsText(validate.errors)).to.equal(true);
    expect(doc).to.deep.include({
      stackName: STACK,
      logGroup,
      user: null,
      downstream: true,
      retentionDays: 365,
      sinceBeforeRetention: false,
      unreadableLines: 1,
      withoutConnection: 0,
    });
    expect(doc.uploads).to.have.length(4);
    expect(doc.uploads[3]).to.deep.equal({
      time: new Date(ago(10)).toISOString(),
      user: 'alice',
      path: `/${bucket}/alice/invoice_0412.pdf`,
      file: 'invoice_0412.pdf',
      bytes: 2048,
      sourceIp: '198.51.100.21',
      client: 'SSH-2.0-OpenSSH_9.6',
      result: 'complete',
      sessionId: 'aa00bb11cc22dd33',
      connectedAt: new Date(ago(15)).toISOString(),
      ingest: 'reached',
      ingestKey: `ingest/alice/${new Date(ago(10)).toISOString().slice(0, 10)}/3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY/invoice_0412.pdf`,
    });
    expect(doc.uploads.map((u: { ingest: string }) => u.ingest)).to.deep.equal([
      'reached',
      'never',
      'not-yet',
      'reached',
    ]);
  });

  it('--user and --since narrow the list', async () => {
    const alice = JSON.parse(
      (await cli(['--since', '4h', '--user', 'alice', '--output', 'json'])).stdout,
    );
    expect(alice.user).to.equal('alice');
    expect(alice.uploads.map((u: { file: string }) => u.file)).to.deep.equal([
      'big.zip',
      'invoice_0412.pdf',
    ]);
    const hour = JSON.parse((await cli(['--since', '1h', '--output', 'json'])).stdout);
    expect(
      hour.uploads.map((u: { file: string; sourceIp: string }) => [u.file, u.sourceIp]),
    ).to.deep.equal([
      ['late.csv', '203.0.113.8'],
      ['invoice_0412.pdf', '198.51.100.21'],
    ]);
    expect(hour.since).to.equal(new Date(Date.parse(hour.until) - 60 * MIN).toISOString());
  });

  it('an empty window says which window it searched, exit 0', async () => {
    const r = await cli(['--since', '5m', '--user', 'alice']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      new RegExp(
        `^no uploads in ${logGroup.replace(/\//g, '\\/')} from \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ to \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ for user alice\\n$`,
      ),
    );
  });

  it('with downstream off (sftpgw.yaml): no INGEST column, ingest null in JSON', async () => {
    const text = await cli(['--since', '4h'], noDownstream);
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout.split('\n')[0].split(/\s{2,}/)).to.deep.equal([
      'TIME',
      'USER',
      'FILE',
      'BYTES',
      'FROM',
      'RESULT',
    ]);
    const doc = JSON.parse((await cli(['--since', '4h', '--output', 'json'], noDownstream)).stdout);
    expect(doc.downstream).to.equal(false);
    expect(
      doc.uploads.map((u: { ingest: unknown; ingestKey: unknown }) => [u.ingest, u.ingestKey]),
    ).to.deep.equal([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('bad input: --since bogus (exit 2), a missing stack, a stack without the log group, a deleted log group (exit 1)', async () => {
    const bogus = await cli(['--since', 'bogus']);
    expect(bogus.status).to.equal(2);
    expect(bogus.stderr).to.include("option '--since <when>' argument 'bogus' is invalid");
    expect(bogus.stdout).to.equal('');

    const none = await cli(['--stack-name', 'no-such-stack']);
    expect(none.status).to.equal(1);
    expect(none.stderr).to.include('stack no-such-stack does not exist');
    expect(none.stderr).to.include('check --stack-name, --env and --region');

    // a stack that is not a gateway: no ServerLogGroup
    await cfn.send(
      new CreateStackCommand({
        StackName: 'not-a-gateway',
        TemplateBody: JSON.stringify({
          Resources: { Data: { Type: 'AWS::S3::Bucket' } },
        }),
      }),
    );
    const notGateway = await cli(['--stack-name', 'not-a-gateway'], noDownstream);
    expect(notGateway.status).to.equal(1);
    expect(notGateway.stderr).to.include(
      'stack not-a-gateway has no structured-log group for the server',
    );
    expect(notGateway.stderr).to.include('deploy the gateway (sftpgw deploy)');

    // a stack whose log group was deleted behind its back
    await cfn.send(
      new CreateStackCommand({
        StackName: 'lost-logs',
        TemplateBody: JSON.stringify({
          Resources: {
            ServerLogGroup: {
              Type: 'AWS::Logs::LogGroup',
              Properties: { LogGroupName: '/aws/transfer/lost-logs' },
            },
          },
        }),
      }),
    );
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/aws/transfer/lost-logs' }));
    const lost = await cli(['--stack-name', 'lost-logs'], noDownstream);
    expect(lost.status).to.equal(1);
    expect(lost.stderr).to.include(
      'log group /aws/transfer/lost-logs of stack lost-logs does not exist',
    );
    expect(lost.stdout).to.equal('');
  });
});
