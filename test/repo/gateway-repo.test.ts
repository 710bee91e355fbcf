// The path every user takes, end to end: sftpgw packed with `npm pack`, a
// gateway repository made by `sftpgw init --package file:<tarball>`,
// `npm install` there (once: the pipeline jobs below reuse that install the
// way the runner's cache hands node_modules from job to job), the operator
// commands run from the gateway repository with the INSTALLED sftpgw, and then
// the scaffolded .gitlab-ci.yml itself run by gitlab-ci-local (shell executor)
// against a real moto server on 127.0.0.1, for merge requests, main and a
// pipeline schedule (key-expiry, with the date pinned by SFTPGW_TODAY).
//
// Expensive by nature (libjsonnet compiles during the install): one file, its
// own timeouts, every step done once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { keyPair } from '../helpers/keys.js';
import { cliBin, repoRoot, tempDir } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const MINUTE = 60_000;

interface Step {
  status: number;
  stdout: string;
  stderr: string;
}

describe('a gateway repository made by sftpgw init installs the packed sftpgw and runs its pipeline (end to end)', function () {
  this.timeout(10 * MINUTE);
  let moto: Moto | undefined;
  let work = '';
  let gw = '';
  let env: NodeJS.ProcessEnv = {};
  let tarball = '';
  let cfn: CloudFormationClient;

  function run(
    cmd: string,
    args: string[],
    opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Step {
    const r = spawnSync(cmd, args, {
      cwd: opts.cwd ?? gw,
      env: { ...env, ...opts.env },
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 5 * MINUTE,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error)
      throw new Error(
        `${cmd} ${args.join(' ')}: ${r.error.message}\n${r.stdout ?? ''}${r.stderr ?? ''}`,
      );
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
  const ok = (s: Step, what: string): Step => {
    expect(
      s.status,
      `${what} exited ${s.status}\n--- stdout\n${s.stdout}\n--- stderr\n${s.stderr}`,
    ).to.equal(0);
    return s;
  };
  /** The sftpgw the gateway repository installed (never this checkout's). */
  const sftpgw = (args: string[]): Step =>
    run(path.join(gw, 'node_modules', '.bin', 'sftpgw'), args);
  const gitlabCiLocal = (args: string[]): Step =>
    run(
      path.join(repoRoot, 'node_modules', '.bin', 'gitlab-ci-local'),
      ['--force-shell-executor', ...args],
      { timeoutMs: 10 * MINUTE },
    );
  const git = (args: string[]): Step =>
    ok(
      run('git', ['-c', 'user.name=sftpgw test', '-c', 'user.email=test@sftpgw.invalid', ...args]),
      `git ${args[0]}`,
    );

  async function stackStatus(name: string): Promise<string | undefined> {
    try {
      return (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]
        ?.StackStatus;
    } catch {
      return undefined;
    }
  }

  before(async function () {
    this.timeout(25 * MINUTE);
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    moto = await startMoto();
    env = {
      ...process.env,
      ...moto.env,
      NO_COLOR: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // A machine's own git identity or hooks must not change the run.
      GIT_CONFIG_NOSYSTEM: '1',
    };
    // Run under `npm test`, npm's own npm_* variables (local prefix, package
    // name, lifecycle) describe this checkout: the gateway repository's npm
    // must not see them.
    for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
    cfn = new CloudFormationClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'gw-e2e-artifacts' }));

    work = tempDir('sftpgw-e2e-');
    // `npm test` has just built dist/ (pretest): pack what a release would ship.
    const pack = ok(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
        cwd: repoRoot,
      }),
      'npm pack',
    );
    tarball = path.join(work, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0].filename);

    // init, as a user with sftpgw at hand would (this checkout's CLI).
    const init = spawnSync(
      process.execPath,
      [cliBin, 'init', 'acme-gateway', '--package', `file:${tarball}`],
      { cwd: work, env, encoding: 'utf8' },
    );
    expect(init.status, init.stderr).to.equal(0);
    gw = path.join(work, 'acme-gateway');
    const config = path.join(gw, 'sftpgw.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        '# artifacts:\n#   bucket: my-artifact-bucket',
        'artifacts:\n  bucket: gw-e2e-artifacts',
      ),
    );

    // The one install; the lock file is committed, as the pipeline's npm ci and cache key need it.
    ok(
      run('npm', ['install', '--no-audit', '--no-fund'], { timeoutMs: 20 * MINUTE }),
      'npm install in the gateway repository',
    );
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'new gateway (sftpgw init)']);
  });

  after(async function () {
    await moto?.stop();
  });

  it('the package holds what the CLI needs at run time, and no tests or sources', function () {
    const listing = ok(run('tar', ['-tzf', tarball], { cwd: work }), 'tar')
      .stdout.split('\n')
      .filter(Boolean);
    for (const f of [
      'package/bin/sftpgw.js',
      'package/dist/cli/main.js',
      'package/dist/handler/index.js',
      'package/dist/handler/ingest.js',
      'package/dist/handler/identity.js',
      'package/cli/generated/resource-types.json',
      'package/cli/generated/resources/aws-s3-bucket.js',
      'package/cli/generated/intrinsic.js',
      'package/libsonnet/gateway.libsonnet',
      'package/templates/gateway.jsonnet',
      'package/templates/init/gitlab-ci.yml',
    ]) {
      expect(listing, f).to.include(f);
    }
    expect(
      listing.filter((f) =>
        /(^package\/test\/|\.test\.|\/dist\/test\/|\/dist\/bench\/|\.ts$|\.map$)/.test(f),
      ),
    ).to.deep.equal([]);
    const lock = JSON.parse(readFileSync(path.join(gw, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    // npm records the tarball relative to the repository.
    const resolved = lock.packages['node_modules/@sftpgw/cli']?.resolved ?? '';
    expect(path.resolve(gw, resolved.replace(/^file:/, ''))).to.equal(tarball);
    // ssh2's optional native addons stay unbuilt (allowScripts in the scaffold's package.json).
    expect(
      existsSync(path.join(gw, 'node_modules', 'ssh2', 'lib', 'protocol', 'crypto', 'build')),
    ).to.equal(false);
  });

  it('runs the operator commands from the gateway repository: build, validate with reports, users add, build, deploy, diff', function () {
    const first = ok(sftpgw(['build']), 'sftpgw build');
    expect(first.stderr).to.match(/built acme-gateway: \d+ resources, 1 user\b/);

    const validate = ok(
      sftpgw(['validate', '--report', 'codequality=cq.json', '--report', 'junit=validate.xml']),
      'sftpgw validate',
    );
    expect(validate.stdout + validate.stderr).to.include('0 errors');
    expect(JSON.parse(readFileSync(path.join(gw, 'cq.json'), 'utf8'))).to.be.an('array');
    const junit = new XMLParser({ ignoreAttributes: false }).parse(
      readFileSync(path.join(gw, 'validate.xml'), 'utf8'),
    ) as Record<string, unknown>;
    expect(junit).to.have.property('testsuites');

    const key = keyPair('ed25519', 'transfer@acme');
    writeFileSync(path.join(gw, 'acme.pub'), key.publicKey + '\n');
    ok(sftpgw(['users', 'add', 'acme', '--key', 'acme.pub']), 'sftpgw users add');
    expect(readdirSync(path.join(gw, 'users')).sort()).to.deep.equal([
      'acme.libsonnet',
      'example-partner.libsonnet',
    ]);
    const second = ok(sftpgw(['build']), 'sftpgw build with two users');
    expect(second.stderr).to.match(/built acme-gateway: \d+ resources, 2 users/);

    const deploy = ok(sftpgw(['deploy', '--yes', '--no-lint']), 'sftpgw deploy');
    expect(deploy.stdout).to.include('acme-gateway: CREATE_COMPLETE');
    const diff = sftpgw(['diff', '--no-lint']);
    expect(diff.status, `${diff.stdout}\n${diff.stderr}`).to.equal(0);

    git(['add', 'users/acme.libsonnet']);
    git(['commit', '-q', '-m', 'users: acme']);
  });

  it('runs the scaffolded pipeline under gitlab-ci-local: MR (validate, diff), then main (deploy-staging, plan-production, deploy-production)', async function () {
    this.timeout(20 * MINUTE);
    const jobsPassed = (s: Step, jobs: string[]) => {
      const out = `${s.stdout}\n${s.stderr}`;
      expect(s.status, out).to.equal(0);
      for (const j of jobs) expect(out, `${j} passed`).to.match(new RegExp(`PASS\\s+${j}\\b`));
      // The install done once above serves every job (as the runner's cache would).
      expect(out).not.to.match(/added \d+ packages/);
      expect(out).not.to.match(/sftpgw: command not found|npm error/);
      return out;
    };

    const mr = gitlabCiLocal(['--variable', 'CI_PIPELINE_SOURCE=merge_request_event']);
    const mrOut = jobsPassed(mr, ['validate', 'diff']);
    expect(mrOut).to.match(/valid: acme-gateway-production \(production\)/);
    expect(existsSync(path.join(gw, 'gl-code-quality-report.json'))).to.equal(true);

    jobsPassed(gitlabCiLocal(['deploy-staging']), ['deploy-staging']);
    expect(await stackStatus('acme-gateway-staging')).to.equal('CREATE_COMPLETE');

    // deploy-production is manual and needs plan-production: the first
    // production deploy executes a change set of a stack that does not exist yet.
    const prod = jobsPassed(gitlabCiLocal(['--needs', 'deploy-production']), [
      'plan-production',
      'deploy-production',
    ]);
    expect(prod).to.match(/change set sftpgw-\S+ is ready for review and was not executed/);
    expect(await stackStatus('acme-gateway-production')).to.equal('CREATE_COMPLETE');
    const template = JSON.parse(
      (await cfn.send(new GetTemplateCommand({ StackName: 'acme-gateway-production' })))
        .TemplateBody ?? '{}',
    ) as { Resources: Record<string, { Type: string; Properties?: { UserName?: string } }> };
    const users = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Transfer::User')
      .map((r) => r.Properties?.UserName)
      .sort();
    expect(users).to.deep.equal(['acme', 'example-partner']);

    // A second main pipeline finds nothing to change: plan leaves no change set, the manual job says so.
    const again = jobsPassed(gitlabCiLocal(['--needs', 'deploy-production']), [
      'plan-production',
      'deploy-production',
    ]);
    expect(again).to.include('no changes');
  });

  it('a scheduled pipeline runs key-expiry alone: passes with nothing expiring, fails ahead of time within KEY_EXPIRY_DAYS, and while an expired key is still deployed', function () {
    this.timeout(15 * MINUTE);
    const schedule = (variables: Record<string, string> = {}): { status: number; out: string } => {
      const s = gitlabCiLocal([
        '--variable',
        'CI_PIPELINE_SOURCE=schedule',
        '--ignore-predefined-vars',
        'CI_PIPELINE_SOURCE',
        ...Object.entries(variables).flatMap(([k, v]) => ['--variable', `${k}=${v}`]),
      ]);
      const out = `${s.stdout}\n${s.stderr}`;
      // Only key-expiry ran: nothing was validated, planned or deployed.
      for (const job of [
        'validate',
        'diff',
        'deploy-staging',
        'plan-production',
        'deploy-production',
      ])
        expect(out, `${job} in a scheduled pipeline`).not.to.match(new RegExp(`^${job}\\s`, 'm'));
      expect(out).to.match(/^key-expiry\s/m);
      expect(out).not.to.match(/sftpgw: command not found|npm error/);
      return { status: s.status, out };
    };

    // Nothing expires (no key has a date yet); both deployed stacks are compared.
    const quiet = schedule();
    expect(quiet.status, quiet.out).to.equal(0);
    expect(quiet.out).to.match(/PASS\s+key-expiry/);
    expect(quiet.out).to.include('no key expiring within 14 days or expired as of');
    expect(quiet.out).to.include('no key expired and still deployed (stack acme-gateway-staging)');
    expect(quiet.out).to.include(
      'no key expired and still deployed (stack acme-gateway-production)',
    );

    // beta's key is valid through 2031-01-10; the schedule runs as on 2031-01-01.
    const key = keyPair('ed25519', 'transfer@beta');
    writeFileSync(path.join(gw, 'beta.pub'), key.publicKey + '\n');
    ok(
      sftpgw(['users', 'add', 'beta', '--key', 'beta.pub', '--expires', '2031-01-10']),
      'sftpgw users add --expires',
    );
    git(['add', 'users/beta.libsonnet']);
    git(['commit', '-q', '-m', 'users: beta, valid through 2031-01-10']);
    const fp = JSON.parse(sftpgw(['users', 'keys', '--output', 'json']).stdout).keys.find(
      (k: { user: string }) => k.user === 'beta',
    ).fingerprint as string;

    const ahead = schedule({ SFTPGW_TODAY: '2031-01-01' });
    expect(ahead.status, ahead.out).to.not.equal(0);
    expect(ahead.out).to.match(/FAIL\s+key-expiry/);
    expect(ahead.out).to.match(
      new RegExp(`beta\\s+ssh-ed25519\\s+${fp.replace(/[+/]/g, '\\$&')}\\s`),
    );
    expect(ahead.out).to.include('1 key expiring within 14 days or expired as of 2031-01-01 (UTC)');

    // A shorter window (a schedule variable) does not reach 2031-01-10 yet.
    const later = schedule({ SFTPGW_TODAY: '2031-01-01', KEY_EXPIRY_DAYS: '7' });
    expect(later.status, later.out).to.equal(0);
    expect(later.out).to.match(/PASS\s+key-expiry/);

    // Staging deployed as on 2031-01-01 holds beta's key; on 2031-01-11 it has
    // expired, and the schedule names it in staging (production never had it).
    jobsPassedAlone(gitlabCiLocal(['deploy-staging', '--variable', 'SFTPGW_TODAY=2031-01-01']));
    const expired = schedule({ SFTPGW_TODAY: '2031-01-11' });
    expect(expired.status, expired.out).to.not.equal(0);
    expect(expired.out).to.include(
      `beta: key ${fp} expired (last valid day 2031-01-10) and is still deployed in acme-gateway-staging: deploy to remove it`,
    );
    expect(expired.out).to.include(
      'no key expired and still deployed (stack acme-gateway-production)',
    );

    // The deploy as on 2031-01-11 leaves the key out: staging is clear (the
    // file check still fails until the key leaves beta's file).
    jobsPassedAlone(gitlabCiLocal(['deploy-staging', '--variable', 'SFTPGW_TODAY=2031-01-11']));
    const deployed = schedule({ SFTPGW_TODAY: '2031-01-11' });
    expect(deployed.out).to.include(
      'no key expired and still deployed (stack acme-gateway-staging)',
    );
    expect(deployed.out).to.include(
      '1 key expiring within 14 days or expired as of 2031-01-11 (UTC)',
    );
  });

  /** A job run by name passed. */
  function jobsPassedAlone(s: Step): void {
    const out = `${s.stdout}\n${s.stderr}`;
    expect(s.status, out).to.equal(0);
    expect(out).to.match(/PASS\s+deploy-staging/);
  }
});
