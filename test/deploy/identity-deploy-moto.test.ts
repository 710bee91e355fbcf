// A lambda gateway's deploy THROUGH THE CLI against moto (docs/identity-provider.md,
// cli/engine/deploy/gateway-deploy.ts): the shipped example with
// server.identityProvider.type: lambda, built and deployed as a process.
// - the first deploy creates the stack, THEN uploads the directory the build
//   wrote (same bytes, SSE-KMS with the gateway key);
// - a second deploy of the same sources uploads nothing (same bytes);
// - a key change is a change to the directory only: `sftpgw diff` exits 3 and
//   shows it (no template change), and the deploy runs no change set (the
//   stack is not updated) and writes a new object version.
// The forward switch and its check of the function are in
// identity-switch-moto.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
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

const REGION = 'us-east-1';
const ARTIFACTS = 'sftpgw-identity-artifacts';

describe('a lambda gateway deployed to moto: the directory uploaded after the change set', function () {
  this.timeout(300_000);
  let moto: Moto;
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
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env });
  const built = () =>
    readFileSync(path.join(dir, 'dist', 'gateway', 'default', 'directory.json'), 'utf8');
  const versions = async () =>
    (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'directory.json' })))
      .Versions ?? [];
  const lastUpdated = async () =>
    (
      await cfn.send(new DescribeStacksCommand({ StackName: stack }))
    ).Stacks?.[0]?.LastUpdatedTime?.toISOString() ?? 'never';

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

  it('a second deploy of the same sources uploads nothing', async function () {
    const r = await cli(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('unchanged (same bytes as the current version; not uploaded)');
    expect(r.stdout).to.contain(`no changes: ${stack} is up to date`);
    expect(r.stdout).not.to.contain('directory uploaded');
    expect(await versions()).to.have.length(1);
  });

  it('a key change: diff shows the directory only (exit 3), the deploy runs no change set and writes a new version', async function () {
    const added = ed25519PublicKey('alice@new-laptop');
    const file = path.join(dir, 'users', 'alice.libsonnet');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  ],', `    '${added}',\n  ],`));
    const d = await cli(['diff', '--no-lint', '--s3-bucket', ARTIFACTS, '--output', 'json']);
    expect(d.status, d.stdout + d.stderr).to.equal(3);
    const doc = JSON.parse(d.stdout);
    expect(doc.plan.changes).to.deep.equal([]);
    expect(doc.directory.unchanged).to.equal(false);
    expect(doc.directory.usersChanged.map((u: { user: string }) => u.user)).to.deep.equal([
      'alice',
    ]);
    expect(doc.directory.usersChanged[0].keysAdded).to.have.length(1);
    expect(d.stdout, 'no key body in the JSON').not.to.contain(added.split(' ')[1]);
    const before = await lastUpdated();
    const changeSets = async () =>
      ((await cfn.send(new ListChangeSetsCommand({ StackName: stack }))).Summaries ?? []).map(
        (c) => c.ChangeSetName,
      );
    const setsBefore = await changeSets();
    const started = Date.now();
    const r = await cli(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('~ user alice');
    expect(r.stdout).to.match(/\+ key ssh-ed25519 SHA256:\S+ \(no expiry\)/);
    expect(r.stdout).not.to.contain(added.split(' ')[1]);
    expect(r.stdout).to.contain(`no template changes: ${stack} needed no change set`);
    expect(await lastUpdated(), 'the stack was not updated').to.equal(before);
    // the empty change set CloudFormation answered "no changes" for was deleted; none executed
    expect(await changeSets()).to.deep.equal(setsBefore);
    const v = await versions();
    expect(v).to.have.length(2);
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'directory.json' }));
    expect(await obj.Body!.transformToString()).to.equal(built());
    console.log(
      `      user-only change deployed in ${Date.now() - started} ms (build included, no change set)`,
    );
  });
});
