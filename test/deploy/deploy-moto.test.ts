// sftpgw package / deploy / diff as processes against a real moto server on
// 127.0.0.1 (AWS_ENDPOINT_URL): CloudFormation change sets, S3 artifacts,
// nested stacks. moto completes every operation synchronously and never fails
// or rolls back (those paths are in deploy-engine.unit.test.ts, with a fake);
// hand-written templates cover the update paths, and the shipped example
// deploys whole (moto through test/helpers/moto/launcher.py, which adds the
// Transfer Family models; test/deploy/gateway-moto.test.ts reads it back). moto never throttles either: a proxy in
// front of it fakes AWS's throttling answer (test/helpers/throttling-proxy.ts)
// for the clients' retry strategy, everything else it passes on to moto.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import {
  cleanTempDirs,
  exampleProject,
  repoRoot,
  runCli,
  runCliAsync,
  tempDir,
  type RunResult,
} from '../helpers/project.js';
import { createHostedZone } from '../helpers/moto-calls.js';
import { startMoto, type Moto } from '../helpers/servers.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../helpers/throttling-proxy.js';
import { withErrorContext } from '../../cli/adapters/aws/clients.js';
import { sdkCloudFormation } from '../../cli/adapters/aws/cloudformation.js';
import { explainAwsError } from '../../cli/adapters/aws/errors.js';
import { PatientRetryStrategy } from '../../cli/adapters/aws/retry.js';
import { s3Location } from '../../cli/adapters/aws/template-reader.js';

const ARTIFACTS = 'sftpgw-artifacts';

describe('package / deploy / diff against moto', function () {
  this.timeout(120_000);
  let moto: Moto;
  let proxy: ThrottlingProxy;
  let cfn: CloudFormationClient;
  let s3: S3Client;
  let env: Record<string, string>;

  before(async function () {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
    });
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    proxy = await startThrottlingProxy(moto.endpoint);
  });

  after(async function () {
    await proxy?.close();
    await moto?.stop();
    cleanTempDirs();
  });

  /**
   * The shipped example with the hosted zone it names made in moto first
   * (moto picks the zone's id): its DNS record needs the zone.
   */
  async function exampleInMoto(): Promise<string> {
    const dir = exampleProject();
    const zone = await createHostedZone(moto, 'example.com');
    const yaml = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      yaml,
      readFileSync(yaml, 'utf8').replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`),
    );
    return dir;
  }

  /** A project with a hand-written template of types moto creates. */
  function project(
    stackName: string,
    resources: Record<string, unknown>,
    extra = '',
  ): { dir: string; write(r: Record<string, unknown>, more?: Record<string, unknown>): void } {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      `stackName: ${stackName}\nartifacts:\n  bucket: ${ARTIFACTS}\n${extra}`,
    );
    const write = (r: Record<string, unknown>, more: Record<string, unknown> = {}) =>
      writeFileSync(
        path.join(dir, 'template.json'),
        JSON.stringify(
          {
            AWSTemplateFormatVersion: '2010-09-09',
            Resources: r,
            Outputs: { QueueUrl: { Value: { Ref: 'Queue' } } },
            ...more,
          },
          null,
          2,
        ),
      );
    write(resources);
    return { dir, write };
  }

  /** Bucket names are global (in moto too): each test names its own. */
  let bucketPrefix = 'moto';
  beforeEach(function () {
    bucketPrefix = `moto-${this.currentTest!.title.replace(/[^a-z]/gi, '')
      .slice(0, 20)
      .toLowerCase()}`;
  });
  const base = (retention = 600, suffix = 'a') => ({
    Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: retention } },
    Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: `${bucketPrefix}-${suffix}` } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
  });

  const cli = (
    dir: string,
    args: string[],
    extraEnv: Record<string, string | undefined> = {},
  ): RunResult => runCli(args, { cwd: dir, env: { ...env, ...extraEnv } });

  async function status(stackName: string): Promise<string | undefined> {
    try {
      return (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]
        ?.StackStatus;
    } catch {
      return undefined;
    }
  }

  async function deployedTemplate(
    stackName: string,
  ): Promise<{ Resources: Record<string, { Properties?: Record<string, unknown> }> }> {
    return JSON.parse(
      (await cfn.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody!,
    );
  }

  async function pendingChangeSets(stackName: string): Promise<string[]> {
    const out = await cfn.send(new ListChangeSetsCommand({ StackName: stackName }));
    return (out.Summaries ?? [])
      .filter((s) => s.StackName === stackName && s.ExecutionStatus === 'AVAILABLE')
      .map((s) => s.ChangeSetName!);
  }

  it('creates, then redeploys with nothing changed as a no-op, then updates', async function () {
    const p = project('moto-basic', base());
    const created = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(created.status, created.stderr).to.equal(0);
    expect(created.stdout).to.match(
      /^Creating moto-basic \(change set sftpgw-\d{14}-[0-9a-f]{8}\):/,
    );
    expect(created.stdout).to.match(/\+ Queue +AWS::SQS::Queue/);
    expect(created.stdout).to.include('3 to add, 0 to change, 0 to remove');
    // moto returns no Outputs for stacks made through change sets (the engine's outputs are tested with the fake).
    expect(created.stdout).to.match(/moto-basic: CREATE_COMPLETE\n/);
    expect(await status('moto-basic')).to.equal('CREATE_COMPLETE');

    const again = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stdout).to.equal(
      'no changes: moto-basic is up to date (nothing executed; the empty change set was deleted)\n',
    );
    expect(await pendingChangeSets('moto-basic')).to.deep.equal([]);

    p.write(base(900));
    const updated = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(updated.status, updated.stderr).to.equal(0);
    expect(updated.stdout).to.match(/~ Queue +AWS::SQS::Queue/);
    expect(updated.stdout).to.include('moto-basic: UPDATE_COMPLETE');
    expect(
      (await deployedTemplate('moto-basic')).Resources.Queue.Properties?.MessageRetentionPeriod,
    ).to.equal(900);
  });

  it('removes a stateless resource, but refuses to delete a queue or replace a bucket without --allow-replace', async function () {
    const p = project('moto-guard', base());
    expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);

    const { Topic: _topic, ...noTopic } = base();
    p.write(noTopic);
    const removed = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(removed.status, removed.stderr).to.equal(0);
    expect(removed.stdout).to.match(/- Topic +AWS::SNS::Topic/);
    expect(Object.keys((await deployedTemplate('moto-guard')).Resources).sort()).to.deep.equal([
      'Data',
      'Queue',
    ]);

    p.write({ Data: base().Data, Queue: base().Queue, Extra: { Type: 'AWS::SNS::Topic' } }, {});
    const { Queue: _queue, ...noQueue } = { ...base(), Extra: { Type: 'AWS::SNS::Topic' } };
    p.write(noQueue, { Outputs: {} });
    const refused = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(refused.status).to.equal(1);
    expect(refused.stdout).to.match(/- Queue +AWS::SQS::Queue +REFUSED/);
    expect(refused.stderr).to.include(
      'error: refused: the change to moto-guard would replace or delete 1 stateful resource',
    );
    expect(refused.stderr).to.include('Queue: AWS::SQS::Queue would be deleted');
    expect(refused.stderr).to.include('--allow-replace Queue');
    expect(
      Object.keys((await deployedTemplate('moto-guard')).Resources).sort(),
      'nothing changed',
    ).to.deep.equal(['Data', 'Queue']);
    expect(
      await pendingChangeSets('moto-guard'),
      'the refused change set is deleted',
    ).to.deep.equal([]);

    p.write(base(600, 'b'));
    const replace = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(replace.status).to.equal(1);
    expect(replace.stdout).to.match(
      /~ Data +AWS::S3::Bucket +REPLACE: BucketName is create-only and changes; REFUSED/,
    );
    expect(replace.stderr).to.include('--allow-replace Data');

    const allowed = cli(p.dir, [
      'deploy',
      '--template',
      'template.json',
      '--yes',
      '--allow-replace',
      'Data',
    ]);
    expect(allowed.status, allowed.stderr).to.equal(0);
    expect((await deployedTemplate('moto-guard')).Resources.Data.Properties?.BucketName).to.equal(
      `${bucketPrefix}-b`,
    );
  });

  it('--no-execute leaves a change set another job applies with --execute NAME', async function () {
    const p = project('moto-review', base());
    expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);
    p.write(base(1200));
    const review = cli(p.dir, ['deploy', '--template', 'template.json', '--no-execute']);
    expect(review.status, review.stderr).to.equal(0);
    const name = /apply it with: sftpgw deploy --execute (sftpgw-\S+)/.exec(review.stdout)?.[1];
    expect(name, review.stdout).to.be.a('string');
    expect(
      (await deployedTemplate('moto-review')).Resources.Queue.Properties?.MessageRetentionPeriod,
      'not applied yet',
    ).to.equal(600);
    expect(await pendingChangeSets('moto-review')).to.deep.equal([name]);

    // The apply job has only the config (no template, no build).
    const apply = cli(p.dir, ['deploy', '--execute', name!, '--yes']);
    expect(apply.status, apply.stderr).to.equal(0);
    expect(apply.stdout).to.match(/~ Queue +AWS::SQS::Queue/);
    expect(apply.stdout).to.include('moto-review: UPDATE_COMPLETE');
    expect(
      (await deployedTemplate('moto-review')).Resources.Queue.Properties?.MessageRetentionPeriod,
    ).to.equal(1200);

    const unknown = cli(p.dir, ['deploy', '--execute', 'sftpgw-nope', '--yes']);
    expect(unknown.status).to.equal(1);
    expect(unknown.stderr).to.include('no change set sftpgw-nope on stack moto-review');
  });

  it('--execute NAME creates a stack that did not exist yet (the first production deploy of a pipeline)', async function () {
    const p = project('moto-first', base());
    const review = cli(p.dir, ['deploy', '--template', 'template.json', '--no-execute']);
    expect(review.status, review.stderr).to.equal(0);
    const name = /apply it with: sftpgw deploy --execute (sftpgw-\S+)/.exec(review.stdout)?.[1];
    expect(name, review.stdout).to.be.a('string');
    expect(await status('moto-first')).to.equal('REVIEW_IN_PROGRESS');
    const apply = cli(p.dir, ['deploy', '--execute', name!, '--yes']);
    expect(apply.status, apply.stderr).to.equal(0);
    expect(apply.stdout).to.include('moto-first: CREATE_COMPLETE');
    expect(Object.keys((await deployedTemplate('moto-first')).Resources).sort()).to.deep.equal([
      'Data',
      'Queue',
      'Topic',
    ]);
  });

  it('in CI without --yes leaves the change set for review, says so, and prints no colour codes', async function () {
    const p = project('moto-ci', base());
    const r = cli(p.dir, ['deploy', '--template', 'template.json'], { NO_COLOR: undefined });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include(
      'not a terminal and no --yes: the change set is created and left for review',
    );
    expect(r.stdout).to.include('is ready for review and was not executed');
    expect(r.stdout + r.stderr).not.to.match(/\u001b\[/);
    expect(await status('moto-ci')).to.equal('REVIEW_IN_PROGRESS');
    // The change set left for review is not deleted silently by the next deploy
    // (test/cli/interrupt-moto.test.ts): --replace-pending says to replace it.
    const next = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(next.status).to.equal(1);
    expect(next.stderr).to.include('has a change set waiting for review');
    const replaced = cli(p.dir, [
      'deploy',
      '--template',
      'template.json',
      '--yes',
      '--replace-pending',
    ]);
    expect(replaced.status, replaced.stderr).to.equal(0);
    expect(replaced.stderr).to.include('waiting for review (created');
    expect(await status('moto-ci')).to.equal('CREATE_COMPLETE');
  });

  it('passes a template over 51,200 bytes by S3 URL, and says what to set without a bucket', async function () {
    const big = { Metadata: { Padding: 'x'.repeat(60_000) } };
    const p = project('moto-big', base());
    p.write(base(), big);
    const r = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(
      /template is \d{5} bytes: passed by URL \(s3:\/\/sftpgw-artifacts\/sftpgw\/moto-big\/templates\/[0-9a-f]{64}\.json\)/,
    );
    expect(await status('moto-big')).to.equal('CREATE_COMPLETE');

    const noBucket = tempDir();
    writeFileSync(path.join(noBucket, 'sftpgw.yaml'), 'stackName: moto-big-2\n');
    writeFileSync(
      path.join(noBucket, 'template.json'),
      readFileSync(path.join(p.dir, 'template.json')),
    );
    const refused = cli(noBucket, ['deploy', '--template', 'template.json', '--yes']);
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.match(
      /the template is \d+ bytes; CloudFormation takes at most 51200 inline/,
    );
    expect(refused.stderr).to.include('set artifacts.bucket in sftpgw.yaml or pass --s3-bucket');
  });

  it('packages and deploys nested stacks: the child template is uploaded and named by URL', async function () {
    const p = project('moto-nested', {});
    writeFileSync(
      path.join(p.dir, 'child.json'),
      JSON.stringify({
        Resources: { ChildQueue: { Type: 'AWS::SQS::Queue' } },
        Outputs: { Url: { Value: { Ref: 'ChildQueue' } } },
      }),
    );
    p.write({
      Queue: base().Queue,
      Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'child.json' } },
    });
    const r = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(
      /uploaded to s3:\/\/sftpgw-artifacts\/sftpgw\/moto-nested\/templates\/[0-9a-f]{64}\.json: Child child template/,
    );
    expect(await status('moto-nested')).to.equal('CREATE_COMPLETE');
    const stacks = await cfn.send(new ListStacksCommand({}));
    expect(
      stacks.StackSummaries?.some(
        (s) => s.StackName?.startsWith('moto-nested-Child') && s.StackStatus === 'CREATE_COMPLETE',
      ),
    ).to.equal(true);
  });

  it('--execute NAME reads the child templates back from S3 to plan them (the apply job has no build)', async function () {
    const p = project('moto-nested-review', {});
    const child = (retention: number) =>
      writeFileSync(
        path.join(p.dir, 'child.json'),
        JSON.stringify({
          Resources: {
            ChildQueue: {
              Type: 'AWS::SQS::Queue',
              Properties: { MessageRetentionPeriod: retention },
            },
          },
        }),
      );
    child(600);
    p.write(
      {
        Queue: base().Queue,
        Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'child.json' } },
      },
      { Outputs: {} },
    );
    expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);
    child(900);
    const review = cli(p.dir, ['deploy', '--template', 'template.json', '--no-execute']);
    expect(review.status, review.stderr).to.equal(0);
    expect(review.stdout).to.match(
      /~ Child +AWS::CloudFormation::Stack\n +~ ChildQueue +AWS::SQS::Queue/,
    );
    const name = /apply it with: sftpgw deploy --execute (sftpgw-\S+)/.exec(review.stdout)![1];
    const apply = cli(p.dir, ['deploy', '--execute', name, '--yes', '--debug']);
    expect(apply.status, apply.stderr).to.equal(0);
    expect(apply.stdout).to.include('moto-nested-review: UPDATE_COMPLETE');
    const nested = ((await cfn.send(new ListStacksCommand({}))).StackSummaries ?? []).find(
      (x) =>
        x.StackName?.startsWith('moto-nested-review-Child') && x.StackStatus !== 'DELETE_COMPLETE',
    );
    expect(
      (await deployedTemplate(nested!.StackId!)).Resources.ChildQueue.Properties
        ?.MessageRetentionPeriod,
    ).to.equal(900);
  });

  it('diff: exit 3 and the changes when a deploy would change something, 0 when not; nothing is executed', async function () {
    const p = project('moto-diff', base());
    const absent = cli(p.dir, ['diff', '--template', 'template.json']);
    expect(absent.status).to.equal(3);
    expect(absent.stdout).to.match(
      /moto-diff does not exist yet; a deploy would create:\n {2}\+ Queue/,
    );
    expect(await status('moto-diff'), 'diff creates no stack').to.equal(undefined);

    expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);
    const same = cli(p.dir, ['diff', '--template', 'template.json']);
    expect(same.status, same.stderr).to.equal(0);
    expect(same.stdout).to.equal('no changes: moto-diff is up to date\n');

    p.write(base(300, 'b'));
    const changed = cli(p.dir, ['diff', '--template', 'template.json']);
    expect(changed.status, changed.stderr).to.equal(3);
    expect(changed.stdout).to.match(/~ Queue +AWS::SQS::Queue/);
    expect(changed.stdout).to.match(
      /~ Data +AWS::S3::Bucket +REPLACE: BucketName is create-only and changes; REFUSED/,
    );
    expect(changed.stdout).to.include('a deploy would refuse this without --allow-replace Data');
    expect(changed.stdout).to.include(
      [
        'Template diff (deployed → new):',
        '  ~ Data  AWS::S3::Bucket',
        `      Properties.BucketName: "${bucketPrefix}-a" → "${bucketPrefix}-b"`,
        '  ~ Queue  AWS::SQS::Queue',
        '      Properties.MessageRetentionPeriod: 600 → 300',
      ].join('\n'),
    );
    const asJson = cli(p.dir, ['diff', '--template', 'template.json', '--output', 'json']);
    expect(asJson.status).to.equal(3);
    const doc = JSON.parse(asJson.stdout) as {
      changed: boolean;
      plan: {
        changes: Array<{ logicalId: string; action: string; replacement: boolean }>;
        refused: Array<{ logicalId: string }>;
      };
      templateDiff: Array<{ logicalId: string; paths: string[]; changes: unknown[] }>;
    };
    expect(doc.changed).to.equal(true);
    expect(doc.templateDiff.map((d) => [d.logicalId, d.paths, d.changes])).to.deep.equal([
      [
        'Data',
        ['Properties.BucketName'],
        [
          {
            path: 'Properties.BucketName',
            // every key present, null where it is not that kind (docs/json-output.md)
            items: null,
            before: `${bucketPrefix}-a`,
            after: `${bucketPrefix}-b`,
            removed: null,
            added: null,
          },
        ],
      ],
      [
        'Queue',
        ['Properties.MessageRetentionPeriod'],
        [
          {
            path: 'Properties.MessageRetentionPeriod',
            items: null,
            before: 600,
            after: 300,
            removed: null,
            added: null,
          },
        ],
      ],
    ]);
    expect(
      doc.plan.changes
        .map((c) => `${c.action} ${c.logicalId}${c.replacement ? ' (replace)' : ''}`)
        .sort(),
    ).to.deep.equal(['modify Data (replace)', 'modify Queue']);
    expect(doc.plan.refused.map((c) => c.logicalId)).to.deep.equal(['Data']);
    expect(
      (await deployedTemplate('moto-diff')).Resources.Queue.Properties?.MessageRetentionPeriod,
      'diff executes nothing',
    ).to.equal(600);
    expect(await pendingChangeSets('moto-diff'), 'diff deletes its change set').to.deep.equal([]);
  });

  it('numeric flags are checked while parsing, on every path: a bad value is bad usage (exit 2) naming the flag', async function () {
    const p = project('moto-flags', base());
    const bad: Array<[string[], string]> = [
      [
        ['deploy', '--execute', 'sftpgw-x', '--yes', '--wait-timeout', 'abc'],
        "option '--wait-timeout <minutes>' argument 'abc' is invalid. expected a number of minutes greater than 0",
      ],
      [
        ['deploy', '--template', 'template.json', '--wait-timeout', '0'],
        "option '--wait-timeout <minutes>' argument '0' is invalid",
      ],
      [
        ['diff', '--template', 'template.json', '--wait-timeout', ''],
        "option '--wait-timeout <minutes>' argument '' is invalid",
      ],
      [
        ['diff', '--template', 'template.json', '--lint-timeout', '-5'],
        "option '--lint-timeout <seconds>' argument '-5' is invalid. expected a number of seconds greater than 0",
      ],
      [
        ['build', '--no-lint', '--lint-timeout', 'abc'],
        "option '--lint-timeout <seconds>' argument 'abc' is invalid",
      ],
      [
        ['destinations', 'put', 'acme', '--port', '70000'],
        "option '--port <port>' argument '70000' is invalid. expected a port number from 1 to 65535",
      ],
    ];
    for (const [args, message] of bad) {
      const r = cli(p.dir, args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.include(`error: ${message}`);
    }
    expect(await status('moto-flags'), 'nothing was created').to.equal(undefined);
  });

  it('diff uploads nothing for a stack that does not exist, and never the handler code', async function () {
    const bucket = 'sftpgw-diff-only';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const keys = async () =>
      ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? [])
        .map((o) => o.Key!)
        .sort();
    const dir = await exampleInMoto();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8').replace(
        /^stackName: .*$/m,
        'stackName: moto-diff-only',
      ),
    );
    const diff = () => cli(dir, ['diff', '--no-lint', '--s3-bucket', bucket]);

    const absent = diff();
    expect(absent.status, absent.stderr).to.equal(3);
    expect(absent.stdout).to.include('moto-diff-only does not exist yet; a deploy would create:');
    expect(await keys(), 'nothing uploaded for a stack that does not exist').to.deep.equal([]);

    // Deployed with its code under another prefix: a diff would name the code under its own.
    const deployed = cli(dir, [
      'deploy',
      '--no-lint',
      '--yes',
      '--s3-bucket',
      bucket,
      '--s3-prefix',
      'deployed',
    ]);
    expect(deployed.status, deployed.stderr).to.equal(0);
    const before = await keys();
    expect(before).to.have.length(1);
    expect(before[0]).to.match(/^deployed\/handler\/[0-9a-f]{64}\.zip$/);
    const changed = diff();
    expect(changed.status, changed.stderr).to.equal(3);
    expect(await keys(), 'the handler code is named, never uploaded').to.deep.equal(before);
    expect(changed.stderr).to.match(
      /PushFunction code: s3:\/\/sftpgw-diff-only\/sftpgw\/moto-diff-only\/handler\/[0-9a-f]{64}\.zip \(not uploaded: a preview only names it\)/,
    );
    expect(changed.stdout).to.match(/~ PushFunction +AWS::Lambda::Function/);
    // Too long for one line: old and new each get one.
    expect(changed.stdout, changed.stdout).to.match(
      /\n {2}~ PushFunction +AWS::Lambda::Function\n {6}Properties\.Code\.S3Key:\n {8}- "deployed\/handler\/([0-9a-f]{64})\.zip"\n {8}\+ "sftpgw\/moto-diff-only\/handler\/\1\.zip"\n/,
    );
  });

  it('package: deterministic handler zip, uploaded once, code location filled in', async function () {
    const dir = exampleProject();
    const first = cli(dir, [
      'package',
      '--no-lint',
      '--s3-bucket',
      ARTIFACTS,
      '--s3-prefix',
      'pkg',
    ]);
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stderr).to.match(
      /1 artifact, 1 uploaded \(\d+ bytes\), 0 already in s3:\/\/sftpgw-artifacts/,
    );
    const packaged = JSON.parse(
      readFileSync(path.join(dir, 'dist/gateway/default/packaged/template.json'), 'utf8'),
    ) as {
      Parameters?: Record<string, unknown>;
      Resources: Record<string, { Properties: { Code?: { S3Bucket: string; S3Key: string } } }>;
    };
    const code = packaged.Resources.PushFunction.Properties.Code!;
    expect(code.S3Bucket).to.equal(ARTIFACTS);
    expect(code.S3Key).to.match(/^pkg\/handler\/[0-9a-f]{64}\.zip$/);
    expect(
      packaged.Parameters?.ArtifactBucket,
      'the artifact bucket parameter is gone once filled in',
    ).to.equal(undefined);

    const second = cli(dir, [
      'package',
      '--no-lint',
      '--s3-bucket',
      ARTIFACTS,
      '--s3-prefix',
      'pkg',
    ]);
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stderr).to.match(/1 artifact, 0 uploaded \(0 bytes\), 1 already in/);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: ARTIFACTS, Prefix: 'pkg/' }));
    expect(listed.KeyCount).to.equal(1);

    // The uploaded zip: its name is its hash; one entry index.mjs with the DOS epoch as its time.
    const zip = Buffer.from(
      await (
        await s3.send(new GetObjectCommand({ Bucket: ARTIFACTS, Key: code.S3Key }))
      ).Body!.transformToByteArray(),
    );
    expect(`pkg/handler/${createHash('sha256').update(zip).digest('hex')}.zip`).to.equal(
      code.S3Key,
    );
    expect(zip.readUInt32LE(0)).to.equal(0x04034b50);
    expect(
      [zip.readUInt16LE(10), zip.readUInt16LE(12)],
      'DOS time and date: 1980-01-01 00:00',
    ).to.deep.equal([0, 0x21]);
    expect(zip.subarray(30, 30 + zip.readUInt16LE(26)).toString()).to.equal('index.mjs');
    expect(zip.length, 'the artifact stays under 1 MiB').to.be.below(1024 * 1024);

    // Same bytes in another time zone, in another process.
    const script = `import('${path.join(repoRoot, 'dist/cli/engine/package/package.js')}').then(async (m) => process.stdout.write(require('node:crypto').createHash('sha256').update((await m.handlerZip()).zip).digest('hex')))`;
    const elsewhere = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, TZ: 'Pacific/Kiritimati' },
      encoding: 'utf8',
    });
    expect(`pkg/handler/${elsewhere}.zip`).to.equal(code.S3Key);
  });

  it('the shipped example deploys (nothing stripped), and a redeploy uploads nothing and executes nothing', async function () {
    const dir = await exampleInMoto();
    const first = cli(dir, ['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.include('27 to add, 0 to change, 0 to remove');
    expect(first.stdout).to.include('sftpgw-example: CREATE_COMPLETE');
    const again = cli(dir, ['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stderr).to.match(
      /already in s3:\/\/sftpgw-artifacts\/sftpgw\/sftpgw-example\/handler\/[0-9a-f]{64}\.zip/,
    );
    expect(again.stderr).not.to.include('uploaded to');
    expect(again.stdout).to.equal(
      'no changes: sftpgw-example is up to date (nothing executed; the empty change set was deleted)\n',
    );
  });

  it('says which credentials to set when there are none', function () {
    const p = project('moto-nocreds', base());
    const r = cli(p.dir, ['deploy', '--template', 'template.json', '--yes'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('error: no AWS credentials found');
    expect(r.stderr).to.include('set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  });

  describe('throttling: the clients retry it (cli/adapters/aws/retry.ts), no caller does', function () {
    beforeEach(() => proxy.reset());
    /** The CloudFormation adapter through the proxy, with the retry strategy the clients use and short waits. */
    const throughProxy = (waits: number[]) =>
      sdkCloudFormation(
        withErrorContext(
          new CloudFormationClient({
            endpoint: proxy.endpoint,
            region: 'us-east-1',
            credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
            retryStrategy: new PatientRetryStrategy({
              attempts: 8,
              firstDelayMs: 1,
              maxDelayMs: 8,
              onThrottled: (ms) => waits.push(ms),
            }),
          }),
        ),
      );

    it('a throttled call is retried with doubling waits until it gets through', async function () {
      const waits: number[] = [];
      proxy.fail('DescribeStacks', 5);
      expect(await throughProxy(waits).describeStack('moto-never-made')).to.equal(undefined);
      expect(
        proxy.calls.get('DescribeStacks'),
        'five throttled, the sixth answered by moto',
      ).to.equal(6);
      expect(waits).to.deep.equal([1, 2, 4, 8, 8]);
    });

    it('gives up after eight attempts, and the error says the retries ran out', async function () {
      const waits: number[] = [];
      proxy.fail('DescribeStackEvents', 100);
      const err = await throughProxy(waits)
        .stackEvents('moto-never-made', new Date(0))
        .catch((e: unknown) => e);
      expect(proxy.calls.get('DescribeStackEvents')).to.equal(8);
      expect(waits).to.have.length(7);
      expect((explainAwsError(err) as Error).message).to.equal(
        'AWS kept throttling the requests (cloudformation:DescribeStackEvents); the retries ran out',
      );
    });

    it("other errors keep the SDK's standard handling: a 5xx three attempts, a refusal none", async function () {
      proxy.fail('ListChangeSets', 100, {
        status: 500,
        code: 'InternalFailure',
        message: 'try again',
      });
      const cfnApi = throughProxy([]);
      await cfnApi.listChangeSets('moto-never-made').catch((e: unknown) => e);
      expect(proxy.calls.get('ListChangeSets')).to.equal(3);
      proxy.fail('DeleteChangeSet', 100, {
        status: 400,
        code: 'ValidationError',
        message: 'no such change set',
      });
      const refused = await cfnApi.deleteChangeSet('moto-never-made', 'x').catch((e: unknown) => e);
      expect((refused as Error).name).to.equal('ValidationError');
      expect(proxy.calls.get('DeleteChangeSet')).to.equal(1);
    });

    it('sftpgw deploy rides out throttling, saying so with --debug', async function () {
      const p = project('moto-throttled', base());
      proxy.fail('DescribeStacks', 1);
      proxy.fail('DescribeChangeSet', 1);
      const r = await runCliAsync(['deploy', '--template', 'template.json', '--yes', '--debug'], {
        cwd: p.dir,
        env: { ...env, AWS_ENDPOINT_URL_CLOUDFORMATION: proxy.endpoint },
      });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include('moto-throttled: CREATE_COMPLETE');
      expect(
        r.stderr
          .split('\n')
          .filter((l) => l.includes('throttled by CloudFormation; retrying in 2000 ms')),
      ).to.have.length(2);
      expect(await status('moto-throttled')).to.equal('CREATE_COMPLETE');
    });
  });
});

describe('child template URLs → S3 bucket and key (what deploy --execute NAME reads)', function () {
  it("takes apart the URLs CloudFormation accepts, and the custom endpoint's", function () {
    expect(
      s3Location('https://s3.eu-west-1.amazonaws.com/artifacts/sftpgw/gw/templates/a%20b.json'),
    ).to.deep.equal({ bucket: 'artifacts', key: 'sftpgw/gw/templates/a b.json' });
    expect(s3Location('https://my.artifacts.s3.eu-west-1.amazonaws.com/t/x.json')).to.deep.equal({
      bucket: 'my.artifacts',
      key: 't/x.json',
    });
    expect(s3Location('https://artifacts.s3.amazonaws.com/x.json')).to.deep.equal({
      bucket: 'artifacts',
      key: 'x.json',
    });
    expect(s3Location('https://s3.cn-north-1.amazonaws.com.cn/artifacts/x.json')).to.deep.equal({
      bucket: 'artifacts',
      key: 'x.json',
    });
    expect(
      s3Location('http://localhost:5000/artifacts/t/x.json', 'http://127.0.0.1:5000'),
    ).to.deep.equal({ bucket: 'artifacts', key: 't/x.json' });
    expect(
      s3Location('http://localhost:5001/artifacts/t/x.json', 'http://127.0.0.1:5000'),
      'another port is not the endpoint',
    ).to.equal(undefined);
    expect(s3Location('https://example.com/artifacts/x.json')).to.equal(undefined);
    expect(s3Location('not a url')).to.equal(undefined);
  });
});
