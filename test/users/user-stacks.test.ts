// Users in child stacks (userStacks): placement is a hash of the username, so
// adding or removing a user touches exactly one child; every child is
// validated; a config change that would move users is refused by deploy
// (against moto, in test/deploy/deploy-moto.test.ts's style: a real moto server).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { ed25519PublicKey, writeUsers } from '../../bench/users.js';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { build } from '../../cli/engine/build.js';
import type { SftpgwError } from '../../cli/engine/errors.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { MAX_USERS_PER_STACK, userStackIndex } from '../../cli/engine/users/placement.js';
import { lintArgs } from '../../cli/engine/validate/lint.js';
import { CFN_LINT_RANGE, cfnLintCommand, withCfnLintNote } from '../helpers/cfn-lint.js';
import { cleanTempDirs, listFiles, repoRoot, runCli, tempDir } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

function project(users: number, userStacks?: number): string {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'sftpgw.yaml'),
    `stackName: many\n${userStacks ? `userStacks: ${userStacks}\n` : ''}`,
  );
  writeUsers(path.join(dir, 'users'), users);
  return dir;
}

/** build without cfn-lint (the first test runs it on one child itself). */
async function buildProject(dir: string) {
  return build(
    { configFile: path.join(dir, 'sftpgw.yaml'), cwd: dir, environment: {} },
    { jsonnet: libjsonnet, reporter: new RecordingReporter() },
  );
}

/** Every output file's text, by name. */
function outputs(dir: string): Map<string, string> {
  const out = path.join(dir, 'dist', 'gateway', 'default');
  return new Map(
    readdirSync(out)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, readFileSync(path.join(out, f), 'utf8')]),
  );
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((f) => before.get(f) !== after.get(f))
    .sort();
}

describe('users in child stacks (userStacks)', function () {
  this.timeout(180_000);
  after(cleanTempDirs);

  it(`10,000 users build into valid nested templates (all our layers on every child; ${CFN_LINT_RANGE} on one child)`, async function () {
    const dir = project(10_000, 32);
    const result = await buildProject(dir);
    expect(result.users).to.equal(10_000);
    expect(result.stacks).to.equal(33);
    expect(result.findings.filter((f) => f.severity === 'error')).to.deep.equal([]);
    // 10,000 is Transfer Family's default quota of service-managed users per
    // server itself: the build says so (test/validate/user-quota.unit.test.ts).
    expect(
      result.findings.filter((f) => f.rule === 'users/per-server-quota').map((f) => f.severity),
    ).to.deep.equal(['warning']);
    const files = outputs(dir);
    const root = JSON.parse(files.get('template.json')!) as {
      Resources: Record<string, { Type: string; Properties: { TemplateURL?: string } }>;
      Metadata: unknown;
    };
    const stacks = Object.entries(root.Resources).filter(
      ([, r]) => r.Type === 'AWS::CloudFormation::Stack',
    );
    expect(stacks).to.have.length(32);
    expect(root.Metadata).to.deep.equal({
      sftpgw: {
        userStacks: 32,
        ids: {
          server: 'Server',
          bucket: 'GatewayBucket',
          key: 'GatewayKey',
          userRole: 'UserRole',
          serverLogGroup: 'ServerLogGroup',
          stagingBucket: 'StagingBucket',
          pushFunction: 'PushFunction',
          pushLogGroup: 'PushLogGroup',
          failureQueue: 'FailureQueue',
        },
      },
    });
    let users = 0;
    for (const [id, r] of stacks) {
      const child = JSON.parse(files.get(r.Properties.TemplateURL!)!) as {
        Resources: Record<string, unknown>;
        Parameters: Record<string, unknown>;
      };
      const n = Object.keys(child.Resources).length;
      users += n;
      expect(n, id).to.be.at.most(MAX_USERS_PER_STACK);
      expect(Buffer.byteLength(files.get(r.Properties.TemplateURL!)!), id).to.be.below(
        1_000_000 * 0.9,
      );
      expect(Object.keys(child.Parameters).sort()).to.deep.equal([
        'BucketName',
        'KeyArn',
        'RoleArn',
        'ServerId',
      ]);
    }
    expect(users).to.equal(10_000);
    // The real cfn-lint on one child (the children differ only in their users).
    const child = path.join(dir, 'dist/gateway/default', stacks[0][1].Properties.TemplateURL!);
    const lint = (() => {
      try {
        return execFileSync(cfnLintCommand, [...lintArgs(), '--', child], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        });
      } catch (err) {
        return (err as { stdout: string }).stdout;
      }
    })();
    expect(JSON.parse(lint || '[]'), withCfnLintNote()).to.deep.equal([]);
  });

  it('adding or removing a user changes exactly one child template, never the root or the others', async function () {
    const dir = project(1_000, 8);
    await buildProject(dir);
    const before = outputs(dir);
    writeFileSync(
      path.join(dir, 'users', 'newcomer.libsonnet'),
      `{ sshPublicKeys: ['${ed25519PublicKey('newcomer@test')}'] }\n`,
    );
    await buildProject(dir);
    const added = outputs(dir);
    const childOf = (name: string) => `users-${userStackIndex(name, 8)}.json`;
    expect(changed(before, added)).to.deep.equal([childOf('newcomer')]);
    rmSync(path.join(dir, 'users', 'partner00042.libsonnet'));
    await buildProject(dir);
    expect(changed(added, outputs(dir))).to.deep.equal([childOf('partner00042')]);
  });

  it('refuses users that do not fit in the root stack, naming userStacks, and writes nothing', async function () {
    const dir = project(460);
    let err: SftpgwError | undefined;
    await buildProject(dir).catch((e: SftpgwError) => {
      err = e;
    });
    expect(err?.message).to.match(
      /^460 users do not fit in one stack: the root template has \d+ resources/,
    );
    expect(err?.problems[0]).to.include({ field: 'userStacks', message: 'is not set' });
    expect(err?.problems[0].hint).to.match(/set userStacks/);
    expect(listFiles(path.join(dir, 'dist'))).to.deep.equal([]);
  });

  it('refuses a child stack that would overflow', async function () {
    const dir = project(1_000, 2);
    let err: SftpgwError | undefined;
    await buildProject(dir).catch((e: SftpgwError) => {
      err = e;
    });
    expect(
      err?.problems.some((p) =>
        /child stack Users[01] would hold \d+ users \(at most 450\)/.test(p.message),
      ),
    ).to.equal(true);
  });

  describe('against moto', function () {
    let moto: Moto;
    let cfn: CloudFormationClient;
    let s3: S3Client;
    before(async function () {
      moto = await startMoto();
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
      const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
      cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
      s3 = new S3Client({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials,
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
    });
    after(async function () {
      await moto?.stop();
    });

    const sftpgw = (dir: string, args: string[]) =>
      runCli(args, {
        cwd: dir,
        env: { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
    const deploy = (dir: string, ...extra: string[]) =>
      sftpgw(dir, ['deploy', '--no-lint', '--yes', '--s3-bucket', 'artifacts', ...extra]);
    const artifacts = async () =>
      ((await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts' }))).Contents ?? [])
        .map((o) => o.Key!)
        .sort();

    async function childTemplates(root: string): Promise<Map<string, string>> {
      // Nested stacks are named <root>-<logical id>-<suffix> (moto sets no ParentId).
      const all = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
      const out = new Map<string, string>();
      for (const s of all) {
        const m = new RegExp(`^${root}-(Users\\d+)-[A-Z0-9]+$`).exec(s.StackName ?? '');
        if (m)
          out.set(
            m[1],
            (await cfn.send(new GetTemplateCommand({ StackName: s.StackId }))).TemplateBody!,
          );
      }
      return out;
    }

    it('deploys a sharded gateway as nested stacks; adding a user updates one child; a userStacks change is refused', async function () {
      const dir = tempDir();
      cpSync(path.join(repoRoot, 'test/users/fixtures/moto-sharded'), dir, { recursive: true });
      const created = deploy(dir);
      expect(created.status, created.stderr).to.equal(0);
      expect(created.stdout).to.include('moto-sharded: CREATE_COMPLETE');
      const before = await childTemplates('moto-sharded');
      const expected = [
        ...new Set(
          ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map(
            (u) => `Users${userStackIndex(u, 4)}`,
          ),
        ),
      ].sort();
      expect([...before.keys()].sort(), 'one nested stack per non-empty child').to.deep.equal(
        expected,
      );

      writeFileSync(
        path.join(dir, 'users', 'zoe.libsonnet'),
        `{ sshPublicKeys: ['${ed25519PublicKey('zoe@test')}'] }\n`,
      );
      const target = `Users${userStackIndex('zoe', 4)}`;
      // diff uploads the one child template CloudFormation must read, nothing else, and names the user.
      const uploaded = await artifacts();
      const diff = sftpgw(dir, ['diff', '--no-lint', '--s3-bucket', 'artifacts']);
      expect(diff.status, diff.stderr).to.equal(3);
      const added = (await artifacts()).filter((k) => !uploaded.includes(k));
      expect(added).to.have.length(1);
      expect(added[0]).to.match(/^sftpgw\/moto-sharded\/templates\/[0-9a-f]{64}\.json$/);
      expect(diff.stdout).to.match(
        new RegExp(
          `~ ${target} +AWS::CloudFormation::Stack\\n +\\+ user zoe \\(UserZoe\\) +AWS::Transfer::User`,
        ),
      );
      expect(diff.stdout).to.include(`  + user zoe (${target}/UserZoe)  AWS::Transfer::User`);
      const updated = deploy(dir);
      expect(updated.status, updated.stderr).to.equal(0);
      expect(updated.stdout).to.match(
        new RegExp(
          `~ ${target} +AWS::CloudFormation::Stack\\n +\\+ user zoe \\(UserZoe\\) +AWS::Transfer::User`,
        ),
      );
      expect(updated.stdout).to.include('0 to add, 1 to change, 0 to remove');
      const after = await childTemplates('moto-sharded');
      const differs = [...after.keys()].filter((id) => after.get(id) !== before.get(id));
      expect(differs).to.deep.equal([target]);
      expect(JSON.stringify(JSON.parse(after.get(target)!))).to.include('"UserName":"zoe"');

      writeFileSync(
        path.join(dir, 'sftpgw.yaml'),
        readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8').replace(
          'userStacks: 4',
          'userStacks: 5',
        ),
      );
      const moved = deploy(dir);
      expect(moved.status).to.equal(1);
      expect(moved.stderr).to.match(
        /error: refused: the change to moto-sharded would move \d+ SFTP users? between stacks \(userStacks 4 → 5\)/,
      );
      expect(moved.stderr).to.match(/\n {2}\w+: Users\d → Users\d/);
      expect(moved.stderr).to.include('--allow-user-moves');
      expect(await childTemplates('moto-sharded'), 'nothing changed').to.deep.equal(after);

      // The layout change on purpose, planned and applied by two jobs: --allow-user-moves goes with --execute too.
      const planned = sftpgw(dir, [
        'deploy',
        '--no-lint',
        '--no-execute',
        '--s3-bucket',
        'artifacts',
        '--allow-user-moves',
      ]);
      expect(planned.status, planned.stderr).to.equal(0);
      const name = /apply it with: sftpgw deploy --execute (sftpgw-\S+)/.exec(planned.stdout)?.[1];
      expect(name, planned.stdout).to.be.a('string');
      const applied = sftpgw(dir, ['deploy', '--execute', name!, '--yes', '--allow-user-moves']);
      expect(applied.status, applied.stderr).to.equal(0);
      expect(applied.stdout).to.include('moto-sharded: UPDATE_COMPLETE');
    });
  });
});
