// The operator commands on a lambda gateway that `sftpgw deploy` made: the
// shipped example with server.identityProvider.type: lambda, built and
// deployed to moto through the CLI (27d's template, 27e's deploy, which
// uploads the directory after the change set). `info`, `users list
// --deployed` and `users keys --deployed` then read exactly the object the
// deploy wrote (same version id, same users), and `validate` reports the
// directory the build makes (bytes and gzipped, as measured here from the
// build's directory.json) and the identity function role's policy size.
// A key change deployed (a new version, no change set) shows as the new
// version. Bad directories and the service-managed path:
// identity-commands-moto.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parseDocument } from 'yaml';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { cleanTempDirs, exampleProject, runCliAsync } from '../helpers/project.js';
import { createHostedZone } from '../helpers/moto-calls.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const ARTIFACTS = 'sftpgw-identity-commands-artifacts';

describe('info, users list/keys --deployed and validate on a lambda gateway deployed by the CLI (moto)', function () {
  this.timeout(300_000);
  let moto: Moto;
  let env: Record<string, string>;
  let s3: S3Client;
  let cfn: CloudFormationClient;
  let dir = '';
  let stack = '';
  let bucket = '';
  let functionName = '';

  const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env });
  const built = () =>
    readFileSync(path.join(dir, 'dist', 'gateway', 'default', 'directory.json'), 'utf8');
  const currentVersion = async () =>
    (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'directory.json' }))).VersionId;

  before(async function () {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1' };
    const c = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    cfn = new CloudFormationClient(c);
    s3 = new S3Client({ ...c, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    // The example, its hosted zone made in moto, switched to the identity function.
    dir = exampleProject();
    const file = path.join(dir, 'sftpgw.yaml');
    const zone = await createHostedZone(moto, 'example.com');
    const doc = parseDocument(
      readFileSync(file, 'utf8').replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`),
    );
    doc.setIn(['server', 'identityProvider'], { type: 'lambda' });
    writeFileSync(file, doc.toString());
    const r = await cli(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    stack = /^(\S+): CREATE_COMPLETE$/m.exec(r.stdout)?.[1] ?? '';
    const resources = new Map(
      (
        (await cfn.send(new DescribeStackResourcesCommand({ StackName: stack }))).StackResources ??
        []
      ).map((x) => [x.LogicalResourceId!, x.PhysicalResourceId!]),
    );
    bucket = resources.get('DirectoryBucket') ?? '';
    functionName = resources.get('IdentityFunction') ?? '';
    expect(bucket, 'DirectoryBucket').to.not.equal('');
    expect(functionName, 'IdentityFunction').to.not.equal('');
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  it('info: lambda, the function the stack made, passwords off, the version the deploy wrote', async () => {
    const version = await currentVersion();
    const users = Object.keys(JSON.parse(built()).users);
    const r = await cli(['info', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    const validate = new Ajv({ allErrors: true }).compile(outputSchema('info.schema.json'));
    expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
    expect(doc.identityProvider).to.deep.include({ type: 'lambda', deployed: true, functionName });
    expect(doc.identityProvider.directory).to.deep.include({
      bucket,
      versionId: version,
      users: users.length,
      passwords: false,
      usersWithPassword: 0,
      bytes: Buffer.byteLength(built()),
    });
    expect(doc.usersFrom).to.equal('directory');
    expect(doc.users.map((u: { name: string }) => u.name)).to.deep.equal([...users].sort());
    const text = await cli(['info']);
    expect(text.stdout).to.include(
      `  Identity provider: lambda: function ${functionName}, passwords off\n`,
    );
    expect(text.stdout).to.include(
      `    directory: s3://${bucket}/directory.json version ${version} of `,
    );
  });

  it('users list --deployed: the same users as the files, each with its file; users keys --deployed: every key deployed', async () => {
    const list = await cli(['users', 'list', '--deployed', '--output', 'json']);
    expect(list.status, list.stderr).to.equal(0);
    const doc = JSON.parse(list.stdout);
    const files = JSON.parse((await cli(['users', 'list', '--output', 'json'])).stdout);
    expect(doc.users.map((u: { name: string }) => u.name)).to.deep.equal(
      files.map((u: { name: string }) => u.name),
    );
    for (const u of doc.users) expect(u.file, u.name).to.be.a('string');
    // the same keys (fingerprints) as the files, as the build put them in the directory
    const fps = (users: Array<{ keys: Array<{ fingerprint: string }> }>) =>
      users.flatMap((u) => u.keys.map((k) => k.fingerprint)).sort();
    expect(fps(doc.users)).to.deep.equal(fps(files));
    const keys = await cli(['users', 'keys', '--deployed', '--output', 'json']);
    expect(keys.status, keys.stderr).to.equal(0);
    const kd = JSON.parse(keys.stdout);
    expect(kd.identityProvider).to.equal('lambda');
    expect(kd.keys.every((k: { deployed: boolean }) => k.deployed)).to.equal(true);
  });

  it('validate: the directory the build makes (bytes, gzipped, users) and the function role policy, as info findings', async () => {
    const r = await cli(['validate', '--no-lint', '--output', 'json']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    const text = built();
    const size = doc.findings.find((f: { rule: string }) => f.rule === 'identity/directory-size');
    expect(size, JSON.stringify(doc.findings.map((f: { rule: string }) => f.rule))).to.include({
      severity: 'info',
    });
    expect(size.message).to.include(
      `is ${Buffer.byteLength(text)} bytes, ${gzipSync(text).length} gzipped, for ${Object.keys(JSON.parse(text).users).length} users`,
    );
    const role = doc.findings.find(
      (f: { rule: string }) => f.rule === 'identity/function-policy-size',
    );
    expect(role).to.include({ severity: 'info', logicalId: 'IdentityFunctionRole' });
    expect(role.message).to.match(
      /inline policies of \d+ characters .* of IAM's 10240 for one role/,
    );
  });

  it('a key change deployed (no change set): the commands name the new version', async () => {
    const before = await currentVersion();
    const added = ed25519PublicKey('alice@new-laptop');
    const file = path.join(dir, 'users', 'alice.libsonnet');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  ],', `    '${added}',\n  ],`));
    const r = await cli(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const after = await currentVersion();
    expect(after).to.not.equal(before);
    const list = await cli(['users', 'list', '--deployed']);
    expect(list.status, list.stderr).to.equal(0);
    expect(list.stderr).to.include(`s3://${bucket}/directory.json version ${after} of `);
    expect(list.stdout).to.not.include(added.split(' ')[1]);
    const alice = list.stdout.split('\n').find((l) => l.startsWith('alice '));
    expect(alice?.match(/ssh-ed25519 SHA256:/g)?.length ?? 0).to.be.greaterThan(1);
  });
});
