// A lambda gateway (server.identityProvider.type lambda) through `sftpgw
// deploy` as a process against moto on 127.0.0.1: package uploads the
// identity function's own zip (identity.mjs alone) beside the push/ingest
// zip, CloudFormation (moto) creates the stack with the function, its
// permission and the directory bucket, and no Transfer user. The directory's
// upload, the switch and the guard are the deploy side's (docs/deploy.md).
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { expect } from 'chai';
import path from 'node:path';
import { cleanTempDirs, copyFixture, repoRoot, runCli, tempDir } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const ARTIFACTS = 'sftpgw-identity-artifacts';

describe('a lambda gateway deployed to moto', function () {
  this.timeout(240_000);
  let moto: Moto;
  let dir: string;
  let deployed: ReturnType<typeof runCli>;
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const client = <T>(C: new (c: object) => T) =>
    new C({ endpoint: moto.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });

  before(async function () {
    moto = await startMoto();
    await client(S3Client).send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    dir = tempDir();
    copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', 'identity-lambda'), dir);
    deployed = runCli(
      ['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS, '--today', '2026-06-01'],
      {
        cwd: dir,
        env: { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  it('deploys: the stack holds the function, its permission and the directory bucket, no Transfer user', async () => {
    expect(deployed.status, deployed.stderr).to.equal(0);
    const { StackResources = [] } = await client(CloudFormationClient).send(
      new DescribeStackResourcesCommand({ StackName: 'fixture-identity' }),
    );
    const types = new Map(StackResources.map((r) => [r.LogicalResourceId, r.ResourceType]));
    expect(types.get('IdentityFunction')).to.equal('AWS::Lambda::Function');
    expect(
      StackResources.find((r) => r.LogicalResourceId === 'IdentityFunction')?.PhysicalResourceId,
    ).to.be.a('string');
    expect(types.get('IdentityFunctionPermission')).to.equal('AWS::Lambda::Permission');
    expect(types.get('DirectoryBucket')).to.equal('AWS::S3::Bucket');
    expect([...types.values()]).to.not.include('AWS::Transfer::User');
    expect([...types.values()]).to.not.include('AWS::CloudFormation::Stack');
  });

  it('the identity zip is in the artifact bucket under <prefix>/identity/, holding identity.mjs alone, and the function names it', async () => {
    const s3 = client(S3Client);
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: ARTIFACTS }));
    const keys = Contents.map((o) => o.Key!);
    const identity = keys.filter((k) =>
      /^sftpgw\/fixture-identity\/identity\/[0-9a-f]{64}\.zip$/.test(k),
    );
    expect(identity, keys.join('\n')).to.have.length(1);
    expect(keys.some((k) => /\/handler\/[0-9a-f]{64}\.zip$/.test(k))).to.equal(true);
    const zip = Buffer.from(
      await (
        await s3.send(new GetObjectCommand({ Bucket: ARTIFACTS, Key: identity[0] }))
      ).Body!.transformToByteArray(),
    );
    const nameLength = zip.readUInt16LE(26);
    expect(zip.subarray(30, 30 + nameLength).toString()).to.equal('identity.mjs');
    // The deployed template points the function at that zip, in that bucket.
    const { TemplateBody } = await client(CloudFormationClient).send(
      new GetTemplateCommand({ StackName: 'fixture-identity' }),
    );
    const fn = (
      JSON.parse(TemplateBody!) as {
        Resources: Record<string, { Properties: Record<string, unknown> }>;
      }
    ).Resources.IdentityFunction.Properties;
    expect(fn.Code).to.deep.equal({ S3Bucket: ARTIFACTS, S3Key: identity[0] });
    expect(fn.Handler).to.equal('identity.handler');
  });
});
