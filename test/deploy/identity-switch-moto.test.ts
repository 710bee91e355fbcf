// The forward switch service-managed → lambda (docs/identity-provider.md
// #service-managed--lambda) against moto: the shipped example deployed
// service-managed through the CLI, then switched.
// - Without --allow-identity-provider-change the CLI refuses with the plan
//   text and changes nothing.
// - With it, the deploy flow (cli/engine/flows/deploy.ts, in this process)
//   runs change set 1 (the staging template), uploads the directory, invokes
//   the function, and only then change set 2 (the lambda template).
// The function is invoked through the engine's invoker port
// (FunctionInvoker), NOT through Lambda Invoke: moto 5.2.1 runs no Lambda
// function without Docker, and the launcher's Invoke (helper 27g) was not on
// this branch. Two stand-ins: one that answers wrong (allows an unknown
// user), which must stop the switch before the server changes; and the real
// identity bundle (dist/handler/identity.js) in a worker thread with the
// staged function's environment, reading the directory the deploy uploaded
// to moto — so the check runs the real function on the real object, only
// the transport is not Lambda's. 27g's end-to-end test drives the real path.
// The staging template changes the gateway key's policy: moto needs the
// launcher's in-place AWS::KMS::Key update (27g's launcher, branch wt27g) for
// the switch and the way back; without it moto drops the key from the stack
// and the second change set fails on Fn::GetAtt GatewayKey.
// The way back needs only --allow-identity-provider-change: DirectoryBucket
// and IdentityLogGroup are DeletionPolicy Retain, so the guard lets their
// deletion through and the plan lists them as kept, with their physical ids.
// moto itself applies no DeletionPolicy on update (see the last test).
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeServerCommand, TransferClient } from '@aws-sdk/client-transfer';
import { expect } from 'chai';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { awsContext } from '../../cli/commands/aws-context.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { deploy, type DeployOptions } from '../../cli/engine/flows/deploy.js';
import type { FunctionInvoker } from '../../cli/engine/identity/smoke.js';
import { silentReporter } from '../../cli/engine/reporter.js';
import { bundleWorkers, type BundleWorkers } from '../helpers/bundle-worker.js';
import { IDENTITY_BUNDLE } from '../helpers/identity-harness.js';
import { cleanTempDirs, runCliAsync } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';
import { exampleOnMoto, setIdentityProvider } from '../helpers/identity-project.js';

const REGION = 'us-east-1';
const ARTIFACTS = 'sftpgw-switch-artifacts';
const STACK = 'sftpgw-example';

describe('switching a deployed gateway to the lambda identity provider (moto)', function () {
  this.timeout(300_000);
  let moto: Moto;
  let env: Record<string, string>;
  let cfn: CloudFormationClient;
  let transfer: TransferClient;
  let s3: S3Client;
  let logs: CloudWatchLogsClient;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const workers: Array<BundleWorkers<Record<string, unknown>>> = [];

  before(async function () {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    // The flow runs in this process: its SDK clients read the endpoint and credentials from here.
    for (const [k, v] of Object.entries({ ...env, AWS_REGION: REGION })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const c = {
      endpoint: moto.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    cfn = new CloudFormationClient(c);
    transfer = new TransferClient(c);
    s3 = new S3Client({ ...c, forcePathStyle: true });
    logs = new CloudWatchLogsClient(c);
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    dir = await exampleOnMoto(moto, 'service-managed');
    const r = await runCliAsync(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS], {
      cwd: dir,
      env,
    });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
  });

  after(async function () {
    await Promise.all(workers.map((w) => w.stop()));
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await moto?.stop();
    cleanTempDirs();
  });

  const resources = async () =>
    new Map(
      (
        (await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK }))).StackResources ??
        []
      ).map((x) => [x.LogicalResourceId!, { type: x.ResourceType!, id: x.PhysicalResourceId! }]),
    );
  const identityType = async () => {
    const serverId = (await resources()).get('Server')!.id.split('/').pop()!;
    return (await transfer.send(new DescribeServerCommand({ ServerId: serverId }))).Server
      ?.IdentityProviderType;
  };
  const deployedMode = async () =>
    (
      JSON.parse((await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody!) as {
        Metadata?: { sftpgw?: { identityProvider?: string } };
      }
    ).Metadata?.sftpgw?.identityProvider ?? 'service-managed';

  /** The deploy flow in this process, with `invoker` in place of Lambda Invoke. */
  function switchWith(invoker: FunctionInvoker) {
    const opts: DeployOptions = {
      cwd: dir,
      environment: env,
      parameters: [],
      waitTimeoutMs: 120_000,
      execute: 'yes',
      allowReplace: [],
      allowUserMoves: false,
      allowEndpointChange: false,
      allowIdentityProviderChange: true,
      recreateFailed: 'no',
      replacePending: 'no',
    };
    const steps: string[] = [];
    return deploy(
      opts,
      {
        jsonnet: libjsonnet,
        reporter: silentReporter,
        confirm: async () => true,
        aws: async (config) => ({
          ...(await awsContext({ s3Bucket: ARTIFACTS, region: REGION }, config, silentReporter)),
          invoker: async () => invoker,
        }),
      },
      { plan: () => {}, directory: () => {}, step: (t) => steps.push(t) },
    ).then((result) => ({ result, steps }));
  }

  it('refuses the switch without --allow-identity-provider-change, with the plan, and changes nothing', async function () {
    setIdentityProvider(dir, 'lambda');
    const r = await runCliAsync(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS], {
      cwd: dir,
      env,
    });
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stderr).to.contain(
      "error: refused: the change to sftpgw-example switches the SFTP server's identity provider",
    );
    expect(r.stderr).to.contain(
      'Server: IdentityProviderType SERVICE_MANAGED → AWS_LAMBDA (updated in place: same server, endpoint and host keys)',
    );
    expect(r.stderr).to.contain(
      '3. remove 3 AWS::Transfer::User resources in the root stack after the function answers',
    );
    expect(r.stderr).to.contain(
      '→ nothing was changed. If this is intended: --allow-identity-provider-change',
    );
    expect(r.stdout).to.contain(
      'SFTP users removed with the switch: 3 AWS::Transfer::User resources in the root stack',
    );
    expect((await resources()).has('DirectoryBucket')).to.equal(false);
    expect(await identityType()).to.equal('SERVICE_MANAGED');
  });

  it('a function that answers wrong stops the switch after staging: the server stays service-managed with its users', async function () {
    const wrong: FunctionInvoker = {
      // allows everyone, with no keys: the known user lacks its keys, the unknown one is let in
      async invoke() {
        return { payload: { Role: 'arn:aws:iam::123456789012:role/x' } };
      },
    };
    const err = await switchWith(wrong).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SftpgwError);
    const e = err as SftpgwError;
    expect(e.message).to.match(
      /^the staged identity function \S+ did not answer as expected: the server was NOT switched$/,
    );
    expect(e.problems.map((p) => `${p.field}: ${p.message}`)).to.deep.equal([
      "known user acme-corp: WRONG: expected the user's 1 unexpired key in PublicKeys, got no PublicKeys",
      'unknown user sftpgw-smoke-unknown: WRONG: expected a denial (no Role), got an answer with a Role',
    ]);
    expect(e.hint).to.contain('the server is still service-managed with every user in place');
    const r = await resources();
    expect(r.has('DirectoryBucket') && r.has('IdentityFunction'), 'staged').to.equal(true);
    expect([...r.values()].filter((x) => x.type === 'AWS::Transfer::User')).to.have.length(3);
    expect(await identityType()).to.equal('SERVICE_MANAGED');
    expect(await deployedMode()).to.equal('staging');
  });

  it('with the function answering right (the real bundle on the uploaded directory), the switch completes: server AWS_LAMBDA, users gone', async function () {
    const r = await resources();
    const arn = (id: string) => r.get(id)!.id;
    // the staged function's environment, as the template gives it (docs/identity-provider.md)
    const fn = bundleWorkers<Record<string, unknown>>(IDENTITY_BUNDLE, 'identity.mjs', () => ({
      ...process.env,
      ...env,
      DIRECTORY_BUCKET: arn('DirectoryBucket'),
      DIRECTORY_KEY: 'directory.json',
      DIRECTORY_CACHE_SECONDS: '0',
      USER_ROLE_ARN: `arn:aws:iam::123456789012:role/${arn('UserRole')}`,
      BUCKET_NAME: arn('GatewayBucket'),
      KEY_ARN: `arn:aws:kms:${REGION}:123456789012:key/${arn('GatewayKey')}`,
      AWS_PARTITION: 'aws',
    }));
    workers.push(fn);
    const invoked: string[] = [];
    const bundle: FunctionInvoker = {
      async invoke(name, event) {
        invoked.push(`${name} ${(event as { username: string }).username}`);
        const inv = await fn.invoke(event, 10_000);
        return inv.error
          ? { payload: { errorMessage: inv.error.message }, functionError: 'Unhandled' }
          : { payload: inv.result };
      },
    };
    const { result, steps } = await switchWith(bundle);
    expect(
      result.switched?.smoke.checks.map((c) => `${c.case} ${c.username}: ${c.detail}`),
    ).to.deep.equal([
      'known user acme-corp: allowed with 1 key',
      'unknown user sftpgw-smoke-unknown: denied',
    ]);
    expect(invoked.map((i) => i.split(' ')[0])).to.deep.equal([
      arn('IdentityFunction'),
      arn('IdentityFunction'),
    ]);
    expect(result.result.kind).to.equal('executed');
    expect(steps[0]).to.match(/^switching to the lambda identity provider, step 1 of 3/);
    expect(steps.some((s) => s.startsWith('step 3 of 3'))).to.equal(true);
    expect(await deployedMode()).to.equal('lambda');
    expect(await identityType()).to.equal('AWS_LAMBDA');
    const after = await resources();
    expect([...after.values()].filter((x) => x.type === 'AWS::Transfer::User')).to.deep.equal([]);
    expect(after.get('Server')!.id, 'the same server').to.equal(arn('Server'));
  });

  it('back to service-managed: refused without the flag, then one change set; the users are created again; DirectoryBucket and IdentityLogGroup kept (no --allow-replace)', async function () {
    setIdentityProvider(dir, 'service-managed');
    const before = await resources();
    const bucket = before.get('DirectoryBucket')!.id;
    const logGroup = before.get('IdentityLogGroup')!.id;
    const cli = (extra: string[]) =>
      runCliAsync(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS, ...extra], {
        cwd: dir,
        env,
      });
    const refused = await cli([]);
    expect(refused.status, refused.stdout + refused.stderr).to.equal(1);
    // DirectoryBucket and IdentityLogGroup are DeletionPolicy Retain: kept, not
    // refused; only the switch asks for its flag.
    expect(refused.stderr).to.contain(
      "error: refused: the change to sftpgw-example switches the SFTP server's identity provider",
    );
    expect(refused.stderr).to.contain(
      'Server: IdentityProviderType AWS_LAMBDA → SERVICE_MANAGED (updated in place)',
    );
    expect(refused.stderr).not.to.contain('stateful');
    expect(refused.stderr).not.to.contain('--allow-replace');
    expect(refused.stdout).to.match(
      new RegExp(
        `- DirectoryBucket +AWS::S3::Bucket +KEPT \\(DeletionPolicy Retain\\): retained in the account, no longer managed by the stack: ${bucket}$`,
        'm',
      ),
    );
    expect(refused.stdout).to.match(
      new RegExp(
        `- IdentityLogGroup +AWS::Logs::LogGroup +KEPT \\(DeletionPolicy Retain\\): retained in the account, no longer managed by the stack: ${logGroup.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        'm',
      ),
    );
    const r = await cli(['--allow-identity-provider-change']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain(
      "the SFTP server's identity provider switches (allowed by --allow-identity-provider-change)",
    );
    expect(r.stdout).to.contain(`no longer managed by the stack: ${bucket}`);
    expect(r.stdout).to.contain(
      'unavailable: every user from the switch until their AWS::Transfer::User is created (3 users, the root stack)',
    );
    expect(r.stdout).not.to.contain('directory uploaded');
    expect(await identityType()).to.equal('SERVICE_MANAGED');
    expect(await deployedMode()).to.equal('service-managed');
    const after = await resources();
    expect([...after.values()].filter((x) => x.type === 'AWS::Transfer::User')).to.have.length(3);
    expect(after.has('IdentityFunction')).to.equal(false);
    expect(after.has('DirectoryBucket'), 'out of the stack').to.equal(false);
    expect(after.has('IdentityLogGroup'), 'out of the stack').to.equal(false);
    // Kept in the account? moto applies no DeletionPolicy on a stack update:
    // it deletes every resource the template dropped (the log group goes),
    // but silently leaves a bucket that holds objects. So the bucket is still
    // there with its directory, for moto's reason, not CloudFormation's;
    // what sftpgw decides (no refusal, KEPT in the plan) is asserted above.
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect((listed.Versions ?? []).map((v) => v.Key)).to.include('directory.json');
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup }));
    expect(
      (groups.logGroups ?? []).map((g) => g.logGroupName),
      'moto deletes a Retain log group on update (CloudFormation would keep it)',
    ).to.deep.equal([]);
  });
});
