// `sftpgw info`, `users list --deployed` and `users keys --deployed` on a
// gateway whose identity provider is the lambda function: they read the
// directory in the deployed stack's DirectoryBucket (found through
// Metadata.sftpgw.ids.directoryBucket) and name its version and time.
//
// The stack is made here with CreateStack, not by `sftpgw deploy`: the
// lambda template and the deploy that uploads the directory are built in
// the same round by other hands (27d, 27e). It carries what the commands
// read of a deployed lambda gateway (contract-27-wiring): Metadata.sftpgw
// { identityProvider: lambda, ids.directoryBucket, ids.identityFunction },
// a versioned DirectoryBucket encrypted with the gateway's KMS key, the
// identity function and the server switched to it. The test writes the
// directory object as the deploy will (PutObject, SSE-KMS with the key).
// Once the lambda template deploys to moto, this file can deploy it instead.
import { cpSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { hashPassword } from '../../shared/identity/password-hash.js';
import { sshKeygenFingerprint } from '../helpers/keys.js';
import { cleanTempDirs, repoRoot, runCliAsync, tempDir } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

// The keys of test/fixtures/projects/user-key-expiry (its stack: sftpgw-key-expiry).
const CAROL_NEW =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDV6wG62DG4nfDkbInZQokyic/bgakTz135WpX7tYMDO carol-new@acme';
const CAROL_NEXT =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJw7siLKuJlLMFiNlbuDNmoZJb8BiFGwSwXeWhTCFgxs carol-next@acme';
const STACK = 'sftpgw-key-expiry';
const OTHER_STACK = 'sftpgw-service-managed';
// A password only this test knows; its hash must never be printed.
const ERIN_PASSWORD = 'correct horse battery staple 27f';

const policy = (home: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: 'arn:${AWS::Partition}:s3:::${Bucket}',
        Condition: { StringLike: { 's3:prefix': [`${home}/*`, home] } },
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:\${AWS::Partition}:s3:::\${Bucket}/${home}/*`,
      },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '${KeyArn}' },
    ],
  });

function lambdaTemplate(): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Metadata: {
      sftpgw: {
        identityProvider: 'lambda',
        ids: {
          server: 'Server',
          key: 'GatewayKey',
          directoryBucket: 'DirectoryBucket',
          identityFunction: 'IdentityFunction',
        },
      },
    },
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
      DirectoryBucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          VersioningConfiguration: { Status: 'Enabled' },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': ['GatewayKey', 'Arn'] },
                },
                BucketKeyEnabled: true,
              },
            ],
          },
        },
      },
      IdentityFunctionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'lambda.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
      },
      IdentityFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Role: { 'Fn::GetAtt': ['IdentityFunctionRole', 'Arn'] },
          Code: { ZipFile: 'exports.handler = async () => ({});' },
        },
      },
      Server: {
        Type: 'AWS::Transfer::Server',
        Properties: {
          Protocols: ['SFTP'],
          EndpointType: 'PUBLIC',
          IdentityProviderType: 'AWS_LAMBDA',
          IdentityProviderDetails: {
            Function: { 'Fn::GetAtt': ['IdentityFunction', 'Arn'] },
            SftpAuthenticationMethods: 'PUBLIC_KEY_OR_PASSWORD',
          },
        },
      },
    },
  });
}

/** A service-managed gateway as the commands see it: no identityProvider in its Metadata. */
function serviceManagedTemplate(): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Metadata: { sftpgw: { ids: { bucket: 'GatewayBucket' } } },
    Resources: { GatewayBucket: { Type: 'AWS::S3::Bucket' } },
  });
}

describe('info, users list --deployed, users keys --deployed on a lambda gateway (moto)', function () {
  this.timeout(300_000);
  let moto: Moto;
  let env: Record<string, string>;
  let s3: S3Client;
  let dir = '';
  let bucket = '';
  let keyArn = '';
  let functionName = '';
  let erinHash = '';

  const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env });

  /** The directory as the build writes it: compact JSON, users in name order. */
  function directoryText(carolNextExpires: string | null): string {
    return JSON.stringify({
      format: 'sftpgw-directory/1',
      gateway: STACK,
      passwords: true,
      users: {
        carol: {
          policy: policy('carol'),
          home: [{ Entry: '/', Target: '/${Bucket}/carol' }],
          keys: [
            { key: CAROL_NEW, expires: null },
            { key: CAROL_NEXT, expires: carolNextExpires },
          ],
          readOnly: false,
        },
        erin: {
          policy: policy('erin'),
          home: [{ Entry: '/', Target: '/${Bucket}/erin' }],
          keys: [],
          cidrs: ['203.0.113.0/24'],
          passwordHash: erinHash,
          readOnly: true,
        },
        // In the directory, not in the project's users/ (removed since the deploy).
        frank: {
          policy: policy('frank'),
          home: [{ Entry: '/', Target: '/${Bucket}/frank' }],
          keys: [{ key: CAROL_NEW.replace('carol-new@acme', 'frank@x'), expires: '2026-01-31' }],
          readOnly: false,
        },
      },
    });
  }

  async function put(body: string): Promise<string> {
    const out = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'directory.json',
        Body: body,
        ContentType: 'application/json',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: keyArn,
      }),
    );
    expect(out.VersionId, 'the bucket is versioned').to.be.a('string');
    return out.VersionId!;
  }

  /** Nothing secret in what a command printed: no hash, no password, no key body. */
  function expectNothingSecret(text: string): void {
    expect(text).to.not.include(erinHash);
    expect(text).to.not.include(erinHash.split('$').pop()!);
    expect(text).to.not.include(ERIN_PASSWORD);
    expect(text).to.not.include(CAROL_NEW.split(' ')[1]);
    expect(text).to.not.include(CAROL_NEXT.split(' ')[1]);
  }

  before(async function () {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1' };
    const clientConfig = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    const cfn = new CloudFormationClient(clientConfig);
    for (const [name, body] of [
      [STACK, lambdaTemplate()],
      [OTHER_STACK, serviceManagedTemplate()],
    ]) {
      await cfn.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: body,
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      await waitUntilStackCreateComplete(
        { client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 2 },
        { StackName: name },
      );
    }
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK }));
    const physical = (id: string) =>
      resources.StackResources?.find((r) => r.LogicalResourceId === id)?.PhysicalResourceId ?? '';
    bucket = physical('DirectoryBucket');
    functionName = physical('IdentityFunction');
    const keyId = physical('GatewayKey');
    keyArn = keyId.startsWith('arn:') ? keyId : `arn:aws:kms:us-east-1:123456789012:key/${keyId}`;
    expect(bucket, 'DirectoryBucket').to.not.equal('');
    expect(functionName, 'IdentityFunction').to.not.equal('');
    erinHash = await hashPassword(ERIN_PASSWORD);
    dir = tempDir();
    cpSync(path.join(repoRoot, 'test', 'fixtures', 'projects', 'user-key-expiry'), dir, {
      recursive: true,
    });
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  describe('before the first directory is uploaded', () => {
    it('users list --deployed fails naming the bucket and key, and says to deploy', async () => {
      const r = await cli(['users', 'list', '--deployed']);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.include(
        `stack ${STACK} has no directory yet: s3://${bucket}/directory.json does not exist`,
      );
      expect(r.stderr).to.include('sftpgw deploy');
    });

    it('users keys --deployed fails the same way', async () => {
      const r = await cli(['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.include(`s3://${bucket}/directory.json does not exist`);
    });

    it('info still answers: the identity provider and function, the missing directory under "Not known"', async () => {
      const r = await cli(['info']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        new RegExp(`  Identity provider: lambda: function ${escapeRegExp(functionName)}\n`),
      );
      expect(r.stdout).to.include('Not known:');
      expect(r.stdout).to.include(`s3://${bucket}/directory.json does not exist`);
    });
  });

  describe('with a directory deployed', () => {
    let version = '';

    before(async () => {
      // carol-next without an expiry: a directory older than the file's expires date.
      version = await put(directoryText(null));
    });

    it('info: type, function, passwords, the directory version and time, the users from it', async () => {
      const r = await cli(['info']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        new RegExp(
          `  Identity provider: lambda: function ${escapeRegExp(functionName)}, passwords on \\(1 of 3 users with one\\)\n`,
        ),
      );
      expect(r.stdout).to.match(
        new RegExp(
          `\n    directory: s3://${bucket}/directory\\.json version ${escapeRegExp(version)} of \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ: 3 users, \\d+ bytes`,
        ),
      );
      expect(r.stdout).to.include('the identity function admits each user only from its own');
      expect(r.stdout).to.include('    erin: 203.0.113.0/24');
      expect(r.stdout).to.include('    frank: (any network the endpoint admits)');
      // dave is a user file, not in the deployed directory
      expect(r.stdout).to.not.include('    dave:');
      expectNothingSecret(r.stdout + r.stderr);
    });

    it('info --output json: identityProvider and usersFrom (the schema of docs/json-output)', async () => {
      const r = await cli(['info', '--output', 'json']);
      expect(r.status, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      const validate = new Ajv({ allErrors: true }).compile(outputSchema('info.schema.json'));
      expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
      expect(doc.usersFrom).to.equal('directory');
      expect(doc.identityProvider).to.deep.include({
        type: 'lambda',
        deployed: true,
        functionName,
      });
      expect(doc.identityProvider.directory).to.deep.include({
        bucket,
        key: 'directory.json',
        versionId: version,
        users: 3,
        passwords: true,
        usersWithPassword: 1,
        bytes: Buffer.byteLength(directoryText(null)),
      });
      expect(Date.parse(doc.identityProvider.directory.lastModified)).to.not.be.NaN;
      expect(doc.users.map((u: { name: string }) => u.name)).to.deep.equal([
        'carol',
        'erin',
        'frank',
      ]);
      expectNothingSecret(r.stdout);
    });

    it('users list --deployed: the directory users, networks, password set or not; version on stderr', async () => {
      const r = await cli(['users', 'list', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stderr).to.equal(0);
      const rows = r.stdout.trim().split('\n');
      expect(rows[0]).to.match(/^NAME\s+KEYS\s+HOME\s+ACCESS\s+NETWORKS\s+PASSWORD$/);
      expect(rows).to.have.length(4);
      expect(rows[1]).to.match(
        new RegExp(
          `^carol\\s+ssh-ed25519 ${escapeRegExp(sshKeygenFingerprint(CAROL_NEW))}, ssh-ed25519 ${escapeRegExp(sshKeygenFingerprint(CAROL_NEXT))}\\s+carol\\s+read-write\\s+any\\s+-$`,
        ),
      );
      expect(rows[2]).to.match(/^erin\s+-\s+erin\s+read-only\s+203\.0\.113\.0\/24\s+set$/);
      expect(rows[3]).to.match(/^frank\s+ssh-ed25519 \S+ expires 2026-01-31 \(expired\)\s+frank/);
      expect(r.stderr).to.include(
        `3 users in the deployed directory of stack ${STACK}, s3://${bucket}/directory.json version ${version} of `,
      );
      expect(r.stderr).to.include(
        'passwords on; no user file for frank (removed since the deploy?)',
      );
      expectNothingSecret(r.stdout + r.stderr);
    });

    it('users list --deployed --output json (the schema of docs/json-output)', async () => {
      const r = await cli([
        'users',
        'list',
        '--deployed',
        '--today',
        '2026-06-16',
        '--output',
        'json',
      ]);
      expect(r.status, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      const validate = new Ajv({ allErrors: true }).compile(
        outputSchema('users-list-deployed.schema.json'),
      );
      expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
      expect(doc).to.deep.include({ stackName: STACK, passwords: true, today: '2026-06-16' });
      expect(doc.directory).to.deep.include({ bucket, key: 'directory.json', versionId: version });
      const erin = doc.users.find((u: { name: string }) => u.name === 'erin');
      expect(erin).to.deep.include({
        readOnly: true,
        password: true,
        allowedSourceCidrs: ['203.0.113.0/24'],
        homeDirectory: 'erin',
        file: path.join('users', 'erin.libsonnet'),
      });
      expect(doc.users.find((u: { name: string }) => u.name === 'frank').file).to.equal(null);
      expectNothingSecret(r.stdout);
    });

    it('users keys --deployed: a key the files say expired that the directory still trusts (no expiry there) asks for a deploy', async () => {
      const r = await cli(['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      const rows = r.stdout.trim().split('\n');
      expect(rows).to.have.length(2);
      expect(rows[1]).to.match(
        new RegExp(
          `^carol\\s+ssh-ed25519\\s+${escapeRegExp(sshKeygenFingerprint(CAROL_NEXT))}\\s+carol-next@acme\\s+2026-06-15\\s+expired 1 day ago\\s+users/carol.libsonnet\\s+${STACK} directory ${escapeRegExp(version)}$`,
        ),
      );
      expect(r.stderr).to.include(
        `carol: key ${sshKeygenFingerprint(CAROL_NEXT)} expired (last valid day 2026-06-15) and is still trusted by the deployed directory of ${STACK}: deploy to remove it`,
      );
      expect(r.stderr).to.include(
        `1 key expired and still deployed (the directory of stack ${STACK}, s3://${bucket}/directory.json version ${version} of `,
      );
    });

    it('users keys --deployed --output json: identityProvider, directory and deployedIn.directoryVersion', async () => {
      const r = await cli([
        'users',
        'keys',
        '--deployed',
        '--today',
        '2026-06-16',
        '--output',
        'json',
      ]);
      expect(r.status, r.stderr).to.equal(1);
      const doc = JSON.parse(r.stdout);
      const validate = new Ajv({ allErrors: true }).compile(outputSchema('users-keys.schema.json'));
      expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
      expect(doc).to.deep.include({
        identityProvider: 'lambda',
        stackName: STACK,
        stacks: [STACK],
        matched: 1,
      });
      expect(doc.directory).to.deep.include({ bucket, versionId: version });
      const byComment = Object.fromEntries(
        doc.keys.map((k: { comment: string }) => [k.comment, k]),
      ) as Record<string, Record<string, unknown>>;
      expect(byComment['carol-next@acme']).to.deep.include({
        deployed: true,
        deployedIn: { stack: STACK, logicalId: null, directoryVersion: version },
        action: 'deploy to remove it',
      });
      // dave's key is in his file, not in the directory
      expect(byComment['dave@beta']).to.deep.include({ deployed: false, deployedIn: null });
    });

    it('a new directory version giving the key its expiry: nothing to do, the new version named', async () => {
      const next = await put(directoryText('2026-06-15'));
      expect(next).to.not.equal(version);
      const r = await cli(['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stderr).to.include(
        `no key expired and still deployed (the directory of stack ${STACK}, s3://${bucket}/directory.json version ${next} of `,
      );
    });
  });

  describe('a directory the function would refuse', () => {
    after(async () => {
      await put(directoryText('2026-06-15'));
    });

    it('not JSON: an error naming bucket, key and version, and what to do; none of its text', async () => {
      const body = `{"format":"sftpgw-directory/1","users":{"erin":{"passwordHash":"${erinHash}"`;
      const version = await put(body);
      const r = await cli(['users', 'list', '--deployed']);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.include(
        `the directory of stack ${STACK}, s3://${bucket}/directory.json (version ${version} of `,
      );
      expect(r.stderr).to.include('not JSON');
      expect(r.stderr).to.include('sftpgw deploy');
      expectNothingSecret(r.stdout + r.stderr);
      const info = await cli(['info']);
      expect(info.status, info.stderr).to.equal(0);
      expect(info.stdout).to.include('not JSON');
      expectNothingSecret(info.stdout + info.stderr);
    });

    it('JSON that is not a directory: the field at fault, not the value', async () => {
      const bad = JSON.parse(directoryText(null));
      bad.users.carol.keys[0].key = `not-a-key ${erinHash}`;
      await put(JSON.stringify(bad));
      const r = await cli(['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.include('users["carol"].keys[0].key: must be an OpenSSH public key line');
      expect(r.stderr).to.include(`s3://${bucket}/directory.json`);
      expectNothingSecret(r.stdout + r.stderr);
    });

    it('the object deleted (a delete marker): "no directory yet" again', async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'directory.json' }));
      const r = await cli(['users', 'list', '--deployed', '--output', 'json']);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.include(`s3://${bucket}/directory.json does not exist`);
    });
  });

  describe('a service-managed gateway: unchanged', () => {
    it('info says service-managed and lists the user files’ networks', async () => {
      const r = await cli(['info', '--stack-name', OTHER_STACK, '--output', 'json']);
      expect(r.status, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.identityProvider).to.deep.equal({
        type: 'service-managed',
        deployed: true,
        functionName: null,
        directory: null,
      });
      expect(doc.usersFrom).to.equal('user-files');
      expect(doc.users.map((u: { name: string }) => u.name)).to.deep.equal([
        'carol',
        'dave',
        'erin',
      ]);
      const text = await cli(['info', '--stack-name', OTHER_STACK]);
      expect(text.stdout).to.match(
        / {2}Identity provider: service-managed \(Transfer Family's users, from the stack\)\n/,
      );
      expect(text.stdout).to.include("server-wide: any admitted network may try any user's key");
    });

    it('users list --deployed: no directory to list, pointing at users keys --deployed', async () => {
      const r = await cli(['users', 'list', '--deployed', '--stack-name', OTHER_STACK]);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.include(
        `stack ${OTHER_STACK} is a service-managed gateway: it has no deployed directory to list`,
      );
      expect(r.stderr).to.include('users keys --deployed');
    });

    it('users keys --deployed reads its templates as before (identityProvider service-managed)', async () => {
      const r = await cli([
        'users',
        'keys',
        '--deployed',
        '--stack-name',
        OTHER_STACK,
        '--today',
        '2026-06-16',
        '--output',
        'json',
      ]);
      expect(r.status, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).to.deep.include({
        identityProvider: 'service-managed',
        directory: null,
        stacks: [OTHER_STACK],
      });
    });

    it('before any deploy: info states the configured type', async () => {
      const r = await cli(['info', '--stack-name', 'not-deployed-yet', '--output', 'json']);
      expect(r.status, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout).identityProvider).to.deep.equal({
        type: 'service-managed',
        deployed: false,
        functionName: null,
        directory: null,
      });
    });
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
