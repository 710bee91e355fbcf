// sftpgw doctor: the engine with injected probes (every outcome of every
// check, without changing the machine), and the command as a process: a PATH
// without cfn-lint, and AWS credentials checked against a real moto server.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  type AwsProbe,
  type Check,
  type CheckId,
  type DoctorProbes,
  doctor,
} from '../../cli/engine/doctor/doctor.js';
import { cleanTempDirs, runCliAsync, tempDir } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const allGood = (over: Partial<DoctorProbes> = {}): DoctorProbes => ({
  nodeVersion: '22.11.0',
  nodeEngine: '>=20',
  pinnedCfnLint: '1.51.0',
  cfnLint: async () => ({ command: 'cfn-lint', found: true, version: '1.51.3' }),
  jsonnetAddon: async () => ({ loads: true }),
  buildTool: async (name) => ({ command: name, found: true, version: '13.2.0' }),
  aws: {
    region: async () => ({ name: 'eu-central-1', source: 'the SDK chain' }),
    callerIdentity: async () => ({
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/ops',
    }),
  },
  ...over,
});

async function checks(p: DoctorProbes): Promise<Record<CheckId, Check>> {
  const r = await doctor(p);
  return Object.fromEntries(r.checks.map((c) => [c.id, c])) as Record<CheckId, Check>;
}

describe('sftpgw doctor', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  describe('the checks (engine, injected probes)', () => {
    it('all good: every check ok, in a fixed order, ok is true', async () => {
      const r = await doctor(allGood());
      expect(r.checks.map((c) => [c.id, c.status])).to.deep.equal([
        ['node', 'ok'],
        ['node-aws-sdk', 'ok'],
        ['cfn-lint', 'ok'],
        ['jsonnet-addon', 'ok'],
        ['build-tools', 'ok'],
        ['aws-region', 'ok'],
        ['aws-credentials', 'ok'],
      ]);
      expect(r.ok).to.equal(true);
      expect(r.counts).to.deep.equal({ ok: 7, warn: 0, fail: 0, skip: 0 });
      const c = await checks(allGood());
      expect(c['aws-credentials'].detail).to.equal(
        'account 123456789012 as arn:aws:iam::123456789012:user/ops',
      );
      expect(c['aws-region'].detail).to.equal('eu-central-1 (from the SDK chain)');
      for (const check of r.checks) expect(check.fix, check.id).to.equal(undefined);
    });

    it('Node.js: older than engines.node fails; Node.js 20 is ok but warned about the AWS SDK (Node.js 22 from January 2027); an unreadable range warns', async () => {
      const old = await checks(allGood({ nodeVersion: '18.20.4' }));
      expect(old.node.status).to.equal('fail');
      expect(old.node.detail).to.equal('Node.js 18.20.4 is older than sftpgw needs (>=20)');
      expect(old.node.fix).to.match(/install Node\.js 22/);
      const twenty = await checks(allGood({ nodeVersion: '20.20.2' }));
      expect(twenty.node.status).to.equal('ok');
      expect(twenty['node-aws-sdk'].status).to.equal('warn');
      expect(twenty['node-aws-sdk'].detail).to.match(
        /after the first week of January 2027 need Node\.js 22 or newer/,
      );
      expect(twenty['node-aws-sdk'].fix).to.match(/move to Node\.js 22 before January 2027/);
      const odd = await checks(allGood({ nodeEngine: '^20 || ^22' }));
      expect(odd.node.status).to.equal('warn');
      expect(odd.node.detail).to.include('is not a ">=x" range');
      expect((await doctor(allGood({ nodeVersion: '18.0.0' }))).ok).to.equal(false);
    });

    it('cfn-lint: missing fails with how to install the pinned release; another minor warns; a broken one fails', async () => {
      const missing = await checks(
        allGood({ cfnLint: async () => ({ command: 'cfn-lint', found: false }) }),
      );
      expect(missing['cfn-lint'].status).to.equal('fail');
      expect(missing['cfn-lint'].detail).to.include('cfn-lint is not on PATH');
      expect(missing['cfn-lint'].fix).to.include("pipx install 'cfn-lint~=1.51.0'");
      expect(missing['cfn-lint'].fix).to.include("pip install --user 'cfn-lint~=1.51.0'");
      expect(missing['cfn-lint'].fix).to.include('SFTPGW_CFN_LINT');
      const other = await checks(
        allGood({ cfnLint: async () => ({ command: 'cfn-lint', found: true, version: '1.40.2' }) }),
      );
      expect(other['cfn-lint'].status).to.equal('warn');
      expect(other['cfn-lint'].detail).to.include('cfn-lint 1.40.2 is not 1.51.x');
      const broken = await checks(
        allGood({
          cfnLint: async () => ({
            command: 'cfn-lint',
            found: true,
            error: "ModuleNotFoundError: No module named 'cfnlint'",
          }),
        }),
      );
      expect(broken['cfn-lint'].status).to.equal('fail');
      expect(broken['cfn-lint'].detail).to.include('No module named');
    });

    it('cmake and g++ matter only when the jsonnet addon must be compiled', async () => {
      const noTools: DoctorProbes['buildTool'] = async (name) => ({ command: name, found: false });
      // Built: not needed, whatever the machine has (and it says what it has).
      const built = await checks(allGood({ buildTool: noTools }));
      expect(built['build-tools'].status).to.equal('ok');
      expect(built['build-tools'].detail).to.match(
        /^not needed now: .*cmake not found, g\+\+ not found/,
      );
      // Not built: the addon fails, and the tools are needed now.
      const unbuilt = allGood({
        jsonnetAddon: async () => ({ loads: false, message: 'Cannot find module …/jsonnet.node' }),
      });
      const withTools = await checks(unbuilt);
      expect(withTools['jsonnet-addon'].status).to.equal('fail');
      expect(withTools['jsonnet-addon'].fix).to.include('npm rebuild @hanazuki/node-jsonnet');
      expect(withTools['build-tools'].status).to.equal('ok');
      expect(withTools['build-tools'].detail).to.match(/^needed now, .*cmake 13\.2\.0 found/);
      const without = await checks({
        ...unbuilt,
        buildTool: async (name) =>
          name === 'cmake' ? { command: name, found: false } : { command: name, found: true },
      });
      expect(without['build-tools'].status).to.equal('fail');
      expect(without['build-tools'].fix).to.match(
        /^install cmake \(Debian\/Ubuntu: apt-get install cmake;/,
      );
    });

    it('AWS: --offline skips; no region warns; no, expired or unreachable credentials fail with what to do', async () => {
      const offline = await doctor(allGood({ aws: undefined }));
      expect(offline.checks.filter((c) => c.status === 'skip').map((c) => c.id)).to.deep.equal([
        'aws-region',
        'aws-credentials',
      ]);
      expect(offline.ok).to.equal(true);
      const aws = (over: Partial<AwsProbe>): DoctorProbes =>
        allGood({ aws: { ...allGood().aws!, ...over } });
      const noRegion = await checks(aws({ region: async () => undefined }));
      expect(noRegion['aws-region'].status).to.equal('warn');
      expect(noRegion['aws-region'].fix).to.include('AWS_REGION');
      const fail = (name: string, message: string) =>
        aws({
          callerIdentity: async () => {
            throw Object.assign(new Error(message), { name });
          },
        });
      const none = await checks(
        fail('CredentialsProviderError', 'Could not load credentials from any providers'),
      );
      expect(none['aws-credentials']).to.deep.include({
        status: 'fail',
        detail: 'no credentials found in the SDK chain',
      });
      expect(none['aws-credentials'].fix).to.include('AWS_PROFILE');
      const expired = await checks(
        fail('ExpiredToken', 'The security token included in the request is expired'),
      );
      expect(expired['aws-credentials'].detail).to.match(/^the credentials have expired/);
      const slow = await checks(
        fail('TimeoutError', 'STS GetCallerIdentity: no answer within 5 s'),
      );
      expect(slow['aws-credentials'].fix).to.include('--offline');
      expect((await doctor(fail('AccessDenied', 'no'))).ok).to.equal(false);
    });
  });

  describe('the command (process)', () => {
    let moto: Moto | undefined;
    before(async function () {
      this.timeout(60_000);
      moto = await startMoto();
    });
    after(async () => {
      await moto?.stop();
    });

    /** A PATH with cmake and g++ (linked from this machine) but no cfn-lint. */
    function pathWithoutCfnLint(): string {
      const bin = path.join(tempDir('sftpgw-path-'), 'bin');
      mkdirSync(bin);
      for (const tool of ['cmake', 'g++'])
        symlinkSync(
          execFileSync('which', [tool], { encoding: 'utf8' }).trim(),
          path.join(bin, tool),
        );
      return bin;
    }
    const noAwsFiles = (dir: string) => ({
      AWS_CONFIG_FILE: path.join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
      AWS_PROFILE: undefined,
      AWS_EC2_METADATA_DISABLED: 'true',
      SFTPGW_CFN_LINT: undefined,
    });

    it('a PATH without cfn-lint: fails (exit 1) saying how to install the pinned release; the credentials of moto are ok', async () => {
      const cwd = tempDir();
      const r = await runCliAsync(['doctor', '--output', 'json'], {
        cwd,
        env: { ...noAwsFiles(cwd), ...moto!.env, PATH: pathWithoutCfnLint() },
      });
      expect(r.status, r.stderr).to.equal(1);
      const report = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
      const by = Object.fromEntries(report.checks.map((c) => [c.id, c]));
      expect(report.ok).to.equal(false);
      expect(by['cfn-lint'].status).to.equal('fail');
      expect(by['cfn-lint'].fix).to.match(/pipx install 'cfn-lint~=\d+\.\d+\.\d+'/);
      expect(by['build-tools'].status).to.equal('ok');
      expect(by['jsonnet-addon'].status).to.equal('ok');
      expect(by['aws-region']).to.deep.include({ status: 'ok' });
      expect(by['aws-region'].detail).to.match(/^us-east-1 /);
      expect(by['aws-credentials'].status).to.equal('ok');
      expect(by['aws-credentials'].detail).to.equal(
        `account 123456789012 as arn:aws:sts::123456789012:user/moto (${moto!.endpoint})`,
      );
    });

    it('with cfn-lint and moto: exit 0, text on stdout; without credentials: exit 1 and what to do; --offline skips AWS', async () => {
      const cwd = tempDir();
      const good = await runCliAsync(['doctor'], {
        cwd,
        env: { ...noAwsFiles(cwd), ...moto!.env },
      });
      expect(good.status, good.stdout + good.stderr).to.equal(0);
      expect(good.stdout).to.match(/^ok +cfn-lint +cfn-lint \d/m);
      expect(good.stdout).to.match(/^ok +AWS credentials +account 123456789012 /m);
      expect(good.stdout).to.match(/\d ok, \d warnings?, 0 failed\n$/);
      const noCreds = {
        ...noAwsFiles(cwd),
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: moto!.endpoint,
      };
      const none = await runCliAsync(['doctor'], { cwd, env: noCreds });
      expect(none.status).to.equal(1);
      expect(none.stdout).to.match(
        /^fail +AWS credentials +no credentials found in the SDK chain\n +→ give the SDK credentials: AWS_PROFILE/m,
      );
      expect(none.stdout).to.include(
        '1 failed: sftpgw cannot work here until the failed checks are fixed',
      );
      const offline = await runCliAsync(['doctor', '--offline'], { cwd, env: noCreds });
      expect(offline.status, offline.stdout).to.equal(0);
      expect(offline.stdout).to.match(/^skip +AWS credentials +not checked \(--offline\)/m);
    });
  });
});
