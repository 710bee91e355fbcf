// Lambda Invoke of Node functions in moto, which moto 5.2.1 runs only in
// Docker: our launcher runs them in `node` child processes
// (test/helpers/moto/lambda_node.py, lambda-node-runtime.mjs). Proven here
// through Lambda's own API (signed requests, test/helpers/lambda-invoke.ts)
// on one moto server for the file:
// - hand-made functions: the answer, the environment, warm containers, errors
//   as Lambda reports them, the Timeout, Event invocations, a code update, and
//   no container outliving its server;
// - the identity function's bundle (dist/handler/identity.js as identity.mjs)
//   answering Transfer's key-login event from a directory in moto S3;
// - the push function of the example gateway deployed through the CLI: a
//   staged file for a destination whose secret points at a closed port fails
//   as Lambda reports it and leaves the failed fate in the version's tags; one
//   for a real sshd is delivered.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  GetObjectTaggingCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Runtime } from '@aws-sdk/client-lambda';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { expect } from 'chai';
import { deterministicZip } from '../../cli/engine/package/zip.js';
import { GATEWAY_TAG } from '../../shared/gateway-names.js';
import { FATE_TAG } from '../../shared/outbound/fate.js';
import { s3Record } from '../helpers/handler-harness.js';
import {
  IDENTITY_BUNDLE,
  loginEvent,
  ROLE_ARN,
  startIdentityHarness,
  type IdentityHarness,
} from '../helpers/identity-harness.js';
import { keyPair } from '../helpers/keys.js';
import {
  createFunction as createLambda,
  functionConfiguration,
  invokeFunction,
  updateFunctionCode,
} from '../helpers/lambda-invoke.js';
import { createHostedZone, createLambdaRole } from '../helpers/moto-calls.js';
import { cleanTempDirs, exampleProject, runCliAsync, tempDir } from '../helpers/project.js';
import { freePort, startMoto, startSshd, type Sshd } from '../helpers/servers.js';

const ARTIFACTS = 'sftpgw-invoke-artifacts';

/** A process that exists (signal 0). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('moto Lambda Invoke runs Node functions (launcher + node child processes)', function () {
  this.timeout(300_000);
  let h: IdentityHarness;
  let endpoint: string;
  let role: string;

  before(async function () {
    h = await startIdentityHarness();
    endpoint = h.moto.endpoint;
    role = await createLambdaRole(h.moto, 'invoke-test-function');
  });

  after(async function () {
    await h?.stop();
    cleanTempDirs();
  });

  const zipOf = (files: Record<string, string>) =>
    deterministicZip(
      Object.entries(files).map(([name, text]) => ({ name, data: Buffer.from(text) })),
    );

  async function createFunction(
    name: string,
    files: Record<string, string>,
    o: { handler?: string; timeout?: number; env?: Record<string, string>; runtime?: string } = {},
  ): Promise<void> {
    await createLambda(endpoint, {
      FunctionName: name,
      Runtime: (o.runtime ?? 'nodejs22.x') as Runtime,
      Role: role,
      Handler: o.handler ?? 'app.handler',
      zip: await zipOf(files),
      Timeout: o.timeout ?? 3,
      Environment: { Variables: o.env ?? {} },
    });
  }

  const PROBE = `
let calls = 0;
export const handler = async (event, context) => {
  calls += 1;
  process.stdout.write('probe saw ' + JSON.stringify(event) + '\\n');
  if (event.throw) throw new RangeError(event.throw);
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.exit !== undefined) process.exit(event.exit);
  if (event.touch) (await import('node:fs')).writeFileSync(event.touch, 'ran');
  const e = process.env;
  return {
    calls, pid: process.pid, event,
    requestId: context.awsRequestId, remainingMs: context.getRemainingTimeInMillis(),
    env: { COLOUR: e.COLOUR, AWS_ENDPOINT_URL: e.AWS_ENDPOINT_URL, AWS_REGION: e.AWS_REGION,
      AWS_LAMBDA_FUNCTION_NAME: e.AWS_LAMBDA_FUNCTION_NAME, _HANDLER: e._HANDLER,
      LAMBDA_TASK_ROOT: e.LAMBDA_TASK_ROOT, AWS_ACCESS_KEY_ID: e.AWS_ACCESS_KEY_ID },
  };
};
`;

  it('answers with the handler’s JSON, in the function’s environment plus moto as AWS_ENDPOINT_URL, warm between invocations', async () => {
    await createFunction('probe', { 'app.mjs': PROBE }, { env: { COLOUR: 'teal' }, timeout: 7 });
    const first = await invokeFunction(endpoint, 'probe', { n: 1 }, { logType: 'Tail' });
    expect(first.status).to.equal(200);
    expect(first.functionError).to.equal(undefined);
    const a = first.payload as any;
    expect(a.event).to.deep.equal({ n: 1 });
    expect(a.env).to.deep.include({
      COLOUR: 'teal',
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'probe',
      _HANDLER: 'app.handler',
      AWS_ACCESS_KEY_ID: 'testing',
    });
    expect(existsSync(path.join(a.env.LAMBDA_TASK_ROOT, 'app.mjs'))).to.equal(true);
    expect(a.remainingMs).to.be.within(5_000, 7_000);
    expect(first.log).to.match(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(first.log).to.include('probe saw {"n":1}\n');
    expect(first.log).to.match(/\nREPORT RequestId: [0-9a-f-]{36}\tDuration: /);
    // the same warm container: module state lives on, as in Lambda
    const second = (await invokeFunction(endpoint, 'probe', { n: 2 })).payload as any;
    expect(second.calls).to.equal(2);
    expect(second.pid).to.equal(a.pid);
    expect(second.requestId).not.to.equal(a.requestId);
  });

  it('overlapping invocations run in containers of their own, as Lambda scales out', async () => {
    const [a, b] = await Promise.all([
      invokeFunction(endpoint, 'probe', { sleepMs: 600 }),
      invokeFunction(endpoint, 'probe', { sleepMs: 600 }),
    ]);
    expect((a.payload as any).pid).not.to.equal((b.payload as any).pid);
  });

  it('a thrown error answers as Lambda reports it: X-Amz-Function-Error Unhandled, errorType, errorMessage, trace', async () => {
    const out = await invokeFunction(
      endpoint,
      'probe',
      { throw: 'out of range' },
      { logType: 'Tail' },
    );
    expect(out.status).to.equal(200);
    expect(out.functionError).to.equal('Unhandled');
    const body = out.payload as any;
    expect(body.errorType).to.equal('RangeError');
    expect(body.errorMessage).to.equal('out of range');
    expect(body.trace[0]).to.equal('RangeError: out of range');
    expect(out.log).to.include('"errorType": "RangeError"');
    // the container survives a thrown error
    const next = (await invokeFunction(endpoint, 'probe', {})).payload as any;
    expect(next.calls).to.be.greaterThan(2);
  });

  it('runs out of Timeout: the container is killed and the answer is Sandbox.Timedout; the next invocation starts a new one', async () => {
    await createFunction('sleeper', { 'app.mjs': PROBE }, { timeout: 1 });
    const warm = (await invokeFunction(endpoint, 'sleeper', {})).payload as any;
    expect(running(warm.pid)).to.equal(true);
    const out = await invokeFunction(endpoint, 'sleeper', { sleepMs: 5_000 });
    expect(out.functionError).to.equal('Unhandled');
    expect(out.payload).to.deep.include({ errorType: 'Sandbox.Timedout' });
    expect((out.payload as any).errorMessage).to.match(
      /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/,
    );
    expect(out.ms).to.be.within(900, 3_000);
    expect(running(warm.pid), 'the timed-out container is killed').to.equal(false);
    const fresh = (await invokeFunction(endpoint, 'sleeper', {})).payload as any;
    expect(fresh.calls).to.equal(1);
    expect(fresh.pid).not.to.equal(warm.pid);
  });

  it('a process that exits, a module that is missing, an export that is missing: Lambda’s Runtime errors', async () => {
    const exited = await invokeFunction(endpoint, 'probe', { exit: 3 });
    expect(exited.functionError).to.equal('Unhandled');
    expect(exited.payload).to.deep.include({ errorType: 'Runtime.ExitError' });
    expect((exited.payload as any).errorMessage).to.match(
      /Runtime exited with error: exit status 3$/,
    );
    await createFunction('no-module', { 'other.mjs': PROBE });
    const noModule = await invokeFunction(endpoint, 'no-module', {});
    expect(noModule.functionError).to.equal('Unhandled');
    expect(noModule.payload).to.deep.include({ errorType: 'Runtime.ImportModuleError' });
    await createFunction('no-export', { 'app.mjs': PROBE }, { handler: 'app.missing' });
    const noExport = await invokeFunction(endpoint, 'no-export', {});
    expect(noExport.payload).to.deep.include({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'app.missing is undefined or not exported',
    });
  });

  it('InvocationType Event answers 202 at once and runs in the background', async () => {
    const marker = path.join(tempDir('sftpgw-invoke-'), 'ran');
    const out = await invokeFunction(
      endpoint,
      'probe',
      { touch: marker, sleepMs: 300 },
      { invocationType: 'Event' },
    );
    expect(out.status).to.equal(202);
    expect(out.payloadText).to.equal('');
    for (let i = 0; i < 50 && !existsSync(marker); i++) await sleep(100);
    expect(readFileSync(marker, 'utf8')).to.equal('ran');
  });

  it('UpdateFunctionCode: the next invocation runs the new code in a new container', async () => {
    const before = (await invokeFunction(endpoint, 'probe', {})).payload as any;
    const zip = await zipOf({
      'app.mjs': 'export const handler = async () => ({ version: 2, pid: process.pid });',
    });
    await updateFunctionCode(endpoint, 'probe', zip);
    const after = (await invokeFunction(endpoint, 'probe', {})).payload as any;
    expect(after.version).to.equal(2);
    expect(after.pid).not.to.equal(before.pid);
    expect(running(before.pid), 'the old container is retired').to.equal(false);
  });

  it('stopping the moto server stops its containers', async () => {
    const moto = await startMoto();
    try {
      const r = await createLambdaRole(moto, 'short-lived');
      await createLambda(moto.endpoint, {
        FunctionName: 'short',
        Runtime: 'nodejs20.x',
        Role: r,
        Handler: 'app.handler',
        zip: await zipOf({ 'app.mjs': PROBE }),
      });
      const { pid } = (await invokeFunction(moto.endpoint, 'short', {})).payload as any;
      expect(running(pid)).to.equal(true);
      await moto.stop();
      for (let i = 0; i < 30 && running(pid); i++) await sleep(100);
      expect(running(pid), 'a container outlived its server').to.equal(false);
    } finally {
      await moto.stop();
    }
  });

  it('the identity function’s bundle answers Transfer’s key-login event from the directory in moto S3', async () => {
    const key = keyPair('ed25519', 'partner@invoke');
    await h.putDirectory({
      format: 'sftpgw-directory/1',
      gateway: 'invoke-test',
      passwords: false,
      users: {
        partner: {
          policy:
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:${AWS::Partition}:s3:::${Bucket}/partner/*"}]}',
          home: [{ Entry: '/', Target: '/${Bucket}/partner' }],
          keys: [{ key: key.publicKey, expires: null }],
          readOnly: true,
        },
      },
    });
    const env = h.env();
    const variables = Object.fromEntries(
      [
        'DIRECTORY_BUCKET',
        'DIRECTORY_KEY',
        'DIRECTORY_CACHE_SECONDS',
        'USER_ROLE_ARN',
        'BUCKET_NAME',
        'KEY_ARN',
      ].map((k) => [k, env[k]!]),
    );
    await createFunction(
      'identity',
      { 'identity.mjs': readFileSync(IDENTITY_BUNDLE, 'utf8') },
      {
        handler: 'identity.handler',
        timeout: 10,
        env: variables,
      },
    );
    const allow = await invokeFunction(endpoint, 'identity', loginEvent('partner'), {
      logType: 'Tail',
    });
    expect(allow.functionError, allow.payloadText).to.equal(undefined);
    expect(allow.payload).to.deep.include({
      Role: ROLE_ARN,
      HomeDirectoryType: 'LOGICAL',
      PublicKeys: [key.publicKey],
    });
    const deny = await invokeFunction(endpoint, 'identity', loginEvent('stranger'));
    expect(deny.payload).to.deep.equal({});
    // one JSON line per login in the log, no key body in it
    expect(allow.log).to.include('"message":"login"');
    expect(allow.log).not.to.include(key.publicKey.split(' ')[1]);
  });

  describe('the push function of the example gateway, deployed through the CLI', function () {
    let sshd: Sshd;
    let pushFunction: string;
    let stagingBucket: string;
    let prefix: string;
    let gateway: string;
    let s3: S3Client;
    let sm: SecretsManagerClient;

    before(async function () {
      sshd = await startSshd();
      const c = {
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      };
      s3 = new S3Client({ ...c, forcePathStyle: true });
      sm = new SecretsManagerClient(c);
      await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
      const dir = exampleProject();
      const zone = await createHostedZone(h.moto, 'example.com');
      const yaml = path.join(dir, 'sftpgw.yaml');
      writeFileSync(
        yaml,
        readFileSync(yaml, 'utf8').replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`),
      );
      const r = await runCliAsync(['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS], {
        cwd: dir,
        env: { ...h.moto.env },
      });
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      const template = JSON.parse(
        readFileSync(path.join(dir, 'dist', 'gateway', 'default', 'template.json'), 'utf8'),
      ) as { Resources: Record<string, { Type: string; Properties?: any }> };
      const [pushId] = Object.entries(template.Resources).find(
        ([, res]) =>
          res.Type === 'AWS::Lambda::Function' && res.Properties?.Handler === 'index.handler',
      )!;
      const [bucketId] = Object.entries(template.Resources).find(
        ([, res]) =>
          res.Type === 'AWS::S3::Bucket' &&
          res.Properties?.NotificationConfiguration?.LambdaConfigurations,
      )!;
      const cfn = new CloudFormationClient(c);
      const resources = (
        await cfn.send(new DescribeStackResourcesCommand({ StackName: 'sftpgw-example' }))
      ).StackResources!;
      const physical = (id: string) =>
        resources.find((x) => x.LogicalResourceId === id)!.PhysicalResourceId!;
      pushFunction = physical(pushId);
      stagingBucket = physical(bucketId);
      const config = await functionConfiguration(endpoint, pushFunction);
      const variables = config.Environment?.Variables ?? {};
      prefix = variables.SECRET_PREFIX;
      gateway = variables.GATEWAY;
      expect(prefix, 'SECRET_PREFIX').to.be.a('string').and.not.empty;
    });

    after(async function () {
      await sshd?.stop();
    });

    async function destination(name: string, secret: Record<string, unknown>): Promise<void> {
      await sm.send(
        new CreateSecretCommand({
          Name: `${prefix}/${name}`,
          SecretString: JSON.stringify(secret),
          Tags: [{ Key: GATEWAY_TAG, Value: gateway }],
        }),
      );
    }

    async function stage(
      key: string,
      body: string,
    ): Promise<{ key: string; versionId: string; size: number }> {
      const out = await s3.send(
        new PutObjectCommand({ Bucket: stagingBucket, Key: key, Body: body }),
      );
      return { key, versionId: out.VersionId!, size: Buffer.byteLength(body) };
    }

    async function tags(o: { key: string; versionId: string }): Promise<Record<string, string>> {
      const out = await s3.send(
        new GetObjectTaggingCommand({ Bucket: stagingBucket, Key: o.key, VersionId: o.versionId }),
      );
      return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key!, t.Value!]));
    }

    const secretFor = (remote: string, port: number) => ({
      Host: '127.0.0.1',
      Port: port,
      Username: sshd.user,
      PrivateKey: sshd.clientKey.privateKey,
      TrustedHostKeys: [sshd.hostPublicKey],
      RemoteDirectory: remote,
      FilePattern: '.*',
    });

    it('a destination whose secret points at a closed port: Unhandled, and the failed fate in the version’s tags', async () => {
      await destination('closed', secretFor(sshd.root, await freePort()));
      const obj = await stage('closed/report.csv', 'a,b\n1,2\n');
      const out = await invokeFunction(
        endpoint,
        pushFunction,
        { Records: [s3Record(stagingBucket, obj)] },
        {
          logType: 'Tail',
        },
      );
      expect(out.functionError, out.payloadText).to.equal('Unhandled');
      expect((out.payload as any).errorMessage).to.be.a('string').and.not.empty;
      const t = await tags(obj);
      expect(t[FATE_TAG.status]).to.equal('failed');
      expect(t[FATE_TAG.detail]).to.match(/^cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      expect(out.log ?? '', 'no private key in the log').not.to.include('PRIVATE KEY');
    });

    it('a destination on a real sshd: delivered, the file on the server and the fate in the tags', async () => {
      const remote = path.join(sshd.root, 'open');
      (await import('node:fs')).mkdirSync(remote);
      await destination('open', secretFor(remote, sshd.port));
      const obj = await stage('open/report.csv', 'a,b\n3,4\n');
      const out = await invokeFunction(endpoint, pushFunction, {
        Records: [s3Record(stagingBucket, obj)],
      });
      expect(out.functionError, out.payloadText).to.equal(undefined);
      expect((out.payload as any).outcomes).to.deep.equal([
        { outcome: 'delivered', destination: 'open', file: 'report.csv' },
      ]);
      expect(readFileSync(path.join(remote, 'report.csv'), 'utf8')).to.equal('a,b\n3,4\n');
      expect((await tags(obj))[FATE_TAG.status]).to.equal('delivered');
    });
  });
});
