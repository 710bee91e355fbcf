// A lambda gateway's deploy THROUGH THE CLI against moto (docs/identity-provider.md,
// cli/engine/deploy/gateway-deploy.ts): the shipped example with
// server.identityProvider.type: lambda, built and deployed as a process.
// - the first deploy creates the stack, THEN uploads the directory the build
//   wrote (same bytes, SSE-KMS with the gateway key);
// - a second deploy of the same sources uploads nothing (same bytes) and
//   creates no change set (the template, parameters and tags are the
//   deployed ones: cli/engine/deploy/unchanged-template.ts);
// - a key change is a change to the directory only: `sftpgw diff` exits 3 and
//   shows it (no template change), and the deploy creates no change set at
//   all (CreateChangeSet never called: CloudFormation's calls counted by a
//   proxy that passes every one on to moto; the stack not updated) and
//   writes a new object version;
// - a template change (with a key change) still goes through a change set,
//   then uploads the directory.
// The forward switch and its check of the function are in
// identity-switch-moto.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { exampleOnMoto } from '../helpers/identity-project.js';
import { cleanTempDirs, runCliAsync } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../helpers/throttling-proxy.js';

const REGION = 'us-east-1';
const ARTIFACTS = 'sftpgw-identity-artifacts';

describe('a lambda gateway deployed to moto: the directory uploaded after the change set', function () {
  this.timeout(300_000);
  let moto: Moto;
  // Counts CloudFormation's calls (it fails none: nothing is asked to).
  let proxy: ThrottlingProxy;
  let env: Record<string, string>;
  let cfn: CloudFormationClient;
  let s3: S3Client;
  let dir: string;
  let stack: string;
  let bucket: string;

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
    s3 = new S3Client({ ...c, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    dir = await exampleOnMoto(moto, 'lambda');
    proxy = await startThrottlingProxy(moto.endpoint);
  });

  after(async function () {
    await proxy?.close();
    await moto?.stop();
    cleanTempDirs();
  });

  const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env });
  /** The CLI with CloudFormation through the counting proxy; its calls by action. */
  const counted = async (args: string[]) => {
    proxy.reset();
    const r = await runCliAsync(args, {
      cwd: dir,
      env: { ...env, AWS_ENDPOINT_URL_CLOUDFORMATION: proxy.endpoint },
    });
    return { ...r, calls: new Map(proxy.calls) };
  };
  const changeSets = async () =>
    ((await cfn.send(new ListChangeSetsCommand({ StackName: stack }))).Summaries ?? []).map(
      (c) => c.ChangeSetName,
    );
  const addKey = (comment: string) => {
    const added = ed25519PublicKey(comment);
    const file = path.join(dir, 'users', 'alice.libsonnet');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  ],', `    '${added}',\n  ],`));
    return added;
  };
  const built = () =>
    readFileSync(path.join(dir, 'dist', 'gateway', 'default', 'directory.json'), 'utf8');
  const versions = async () =>
    (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'directory.json' })))
      .Versions ?? [];
  /**
   * The stack's status and how many events it has: an update adds events.
   * (moto sets no LastUpdatedTime, which AWS would also show.)
   */
  const history = async () => {
    const status = (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0]
      ?.StackStatus;
    const events =
      (await cfn.send(new DescribeStackEventsCommand({ StackName: stack }))).StackEvents ?? [];
    return `${status} after ${events.length} events`;
  };

  it('creates the stack, then uploads the built directory (same bytes, SSE-KMS with the gateway key)', async function () {
    const r = await cli(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    stack = /^(\S+): CREATE_COMPLETE$/m.exec(r.stdout)?.[1] ?? '';
    expect(stack, r.stdout).not.to.equal('');
    expect(r.stdout).to.contain(
      'Identity directory DirectoryBucket (created by this deploy) (none yet):',
    );
    expect(r.stdout).to.match(/^directory uploaded: s3:\/\/\S+\/directory\.json version \S+/m);
    // the upload comes after the change set, never before
    expect(r.stderr.indexOf('executing change set')).to.be.greaterThan(-1);
    expect(r.stderr.indexOf('executing change set')).to.be.lessThan(
      r.stderr.indexOf('uploaded the directory to'),
    );
    const resources = new Map(
      (
        (await cfn.send(new DescribeStackResourcesCommand({ StackName: stack }))).StackResources ??
        []
      ).map((x) => [x.LogicalResourceId!, x.PhysicalResourceId!]),
    );
    bucket = resources.get('DirectoryBucket')!;
    expect(bucket, 'DirectoryBucket').to.be.a('string');
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'directory.json' }));
    expect(await obj.Body!.transformToString()).to.equal(built());
    expect(obj.ServerSideEncryption).to.equal('aws:kms');
    expect(obj.SSEKMSKeyId).to.contain(resources.get('GatewayKey')!);
    expect(obj.ContentType).to.equal('application/json');
    expect(await versions()).to.have.length(1);
  });

  it('a second deploy of the same sources creates no change set and uploads nothing; diff says why (exit 0)', async function () {
    const before = await history();
    const r = await counted(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('unchanged (same bytes as the current version; not uploaded)');
    expect(r.stdout).to.contain(`no changes: ${stack} is up to date`);
    expect(r.stdout).to.contain(
      `template unchanged: no change set for ${stack} (the template, parameters and tags are the deployed ones; the stack is CREATE_COMPLETE)`,
    );
    expect(r.stdout).not.to.contain('directory uploaded');
    expect(r.calls.get('CreateChangeSet'), 'CreateChangeSet').to.equal(undefined);
    expect(r.calls.get('GetTemplate'), 'the deployed template read').to.be.greaterThan(0);
    expect(await versions()).to.have.length(1);
    expect(await history()).to.equal(before);
    const d = await counted(['diff', '--no-lint', '--s3-bucket', ARTIFACTS, '--output', 'json']);
    expect(d.status, d.stdout + d.stderr).to.equal(0);
    const doc = JSON.parse(d.stdout);
    expect(doc.changed).to.equal(false);
    expect(doc.changeSetSkipped).to.deep.equal({
      reason: 'template-unchanged',
      detail:
        'the template, parameters and tags are the deployed ones; the stack is CREATE_COMPLETE',
    });
    expect(d.calls.get('CreateChangeSet'), 'diff: CreateChangeSet').to.equal(undefined);
  });

  it('a key change: diff shows the directory only (exit 3), the deploy creates no change set and writes a new version', async function () {
    const added = addKey('alice@new-laptop');
    const d = await counted(['diff', '--no-lint', '--s3-bucket', ARTIFACTS, '--output', 'json']);
    expect(d.status, d.stdout + d.stderr).to.equal(3);
    expect(d.calls.get('CreateChangeSet'), 'diff: CreateChangeSet').to.equal(undefined);
    const doc = JSON.parse(d.stdout);
    expect(doc.changeSetSkipped?.reason).to.equal('template-unchanged');
    expect(doc.plan.changes).to.deep.equal([]);
    expect(doc.directory.unchanged).to.equal(false);
    expect(doc.directory.usersChanged.map((u: { user: string }) => u.user)).to.deep.equal([
      'alice',
    ]);
    expect(doc.directory.usersChanged[0].keysAdded).to.have.length(1);
    expect(d.stdout, 'no key body in the JSON').not.to.contain(added.split(' ')[1]);
    const before = await history();
    const setsBefore = await changeSets();
    const started = Date.now();
    const r = await counted(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    const took = Date.now() - started;
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('~ user alice');
    expect(r.stdout).to.match(/\+ key ssh-ed25519 SHA256:\S+ \(no expiry\)/);
    expect(r.stdout).not.to.contain(added.split(' ')[1]);
    expect(r.stdout).to.match(
      new RegExp(
        `^template unchanged: no change set for ${stack} \\(.*\\)\ndirectory uploaded: s3://\\S+/directory\\.json version \\S+`,
        'm',
      ),
    );
    // no change set at all: none created (so none deleted, none executed)
    for (const call of [
      'CreateChangeSet',
      'DescribeChangeSet',
      'DeleteChangeSet',
      'ExecuteChangeSet',
    ])
      expect(r.calls.get(call), call).to.equal(undefined);
    expect(await history(), 'the stack was not updated').to.equal(before);
    expect(await changeSets()).to.deep.equal(setsBefore);
    const v = await versions();
    expect(v).to.have.length(2);
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'directory.json' }));
    expect(await obj.Body!.transformToString()).to.equal(built());
    console.log(
      `      user-only change deployed in ${took} ms (build included, no change set created; CloudFormation calls: ${[...r.calls].map(([k, n]) => `${k} ${n}`).join(', ')})`,
    );
  });

  it('a template change (with a key change) still goes through a change set, then the directory upload', async function () {
    const before = await history();
    const config = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(/^( {2}retentionDays:) 365$/m, '$1 180'),
    );
    addKey('alice@second-laptop');
    const r = await counted(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.calls.get('CreateChangeSet'), 'CreateChangeSet').to.equal(1);
    expect(r.calls.get('ExecuteChangeSet'), 'ExecuteChangeSet').to.equal(1);
    expect(r.stdout).not.to.contain('template unchanged');
    expect(r.stdout).to.match(/^\S+: UPDATE_COMPLETE$/m);
    expect(r.stdout).to.match(/^directory uploaded: s3:\/\/\S+\/directory\.json version \S+/m);
    expect(r.stderr.indexOf('executing change set')).to.be.greaterThan(-1);
    expect(r.stderr.indexOf('executing change set')).to.be.lessThan(
      r.stderr.indexOf('uploaded the directory to'),
    );
    expect(await history(), 'the stack was updated').not.to.equal(before);
    expect(await versions()).to.have.length(3);
  });
});
