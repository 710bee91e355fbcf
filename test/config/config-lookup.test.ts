// How sftpgw finds and reads the project config, as a process: the nearest
// sftpgw.yaml above the working directory (as git and npm look), a hosted
// zone id as the AWS CLI prints it, where an unknown environment came from,
// and the config's problems reported with the user files' in one run.
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { cleanTempDirs, exampleProject, listFiles, runCli, tempDir } from '../helpers/project.js';

const template = (dir: string, out: string): CfnTemplate =>
  JSON.parse(readFileSync(path.join(dir, out, 'template.json'), 'utf8')) as CfnTemplate;

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

describe('finding sftpgw.yaml', () => {
  afterEach(cleanTempDirs);

  it('from users/: the sftpgw.yaml above is used, its paths relative to its own folder', () => {
    const dir = exampleProject();
    const r = runCli(['build'], { cwd: path.join(dir, 'users'), env: { CI: 'true' } });
    expect(r.status, r.stderr).to.equal(0);
    // outDir (dist/gateway/default) and usersDir resolve against the config's folder
    expect(r.stderr).to.match(/built sftpgw-example: \d+ resources, 3 users/);
    expect(listFiles(path.join(dir, 'dist'))).to.include('gateway/default/template.json');
    expect(listFiles(path.join(dir, 'users'))).not.to.include.members([
      'dist/gateway/default/template.json',
    ]);
  });

  it('two folders down, flags stay relative to the working directory', () => {
    const dir = exampleProject();
    const deep = path.join(dir, 'docs', 'notes');
    mkdirSync(deep, { recursive: true });
    const r = runCli(['build', '--out', 'here'], { cwd: deep });
    expect(r.status, r.stderr).to.equal(0);
    expect(listFiles(path.join(deep, 'here'))).to.include('template.json');
  });

  it('nothing found: names the folders it looked in and what to do', () => {
    const dir = tempDir();
    const sub = path.join(dir, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const r = runCli(['build'], { cwd: sub });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/config file sftpgw\.yaml not found/);
    expect(r.stderr).to.include(`looked in ${sub}, ${path.join(dir, 'a')}, ${dir},`);
    expect(r.stderr).to.include('(up to the filesystem root)');
    expect(r.stderr).to.include('--config FILE');
    expect(r.stderr).to.include('sftpgw init DIR');
  });

  it('stops at the git repository it starts in: a sftpgw.yaml above it is not used', () => {
    const dir = exampleProject();
    const repo = path.join(dir, 'other-repo');
    mkdirSync(path.join(repo, '.git'), { recursive: true });
    mkdirSync(path.join(repo, 'src'));
    const r = runCli(['build'], { cwd: path.join(repo, 'src') });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include(`looked in ${path.join(repo, 'src')}, ${repo} (the search stops`);
    expect(r.stderr).to.include(`the git repository's root, ${repo}`);
    // …while in the repository itself, the one at its root is found
    writeFileSync(path.join(repo, 'sftpgw.yaml'), 'stackName: inner\nusersDir: src\n');
    const inner = runCli(['build', '--no-lint', '--out', 'o'], { cwd: path.join(repo, 'src') });
    expect(inner.status, inner.stderr).to.equal(0);
    expect(inner.stderr).to.match(/built inner: \d+ resources, 0 users/);
  });

  it('SFTPGW_CONFIG naming a missing file says the variable named it', () => {
    const dir = exampleProject();
    const r = runCli(['build'], { cwd: dir, env: { SFTPGW_CONFIG: 'nope.yaml' } });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include(
      'config file nope.yaml not found (named by the SFTPGW_CONFIG variable)',
    );
  });
});

describe('dns.hostedZoneId as the AWS CLI prints it', () => {
  afterEach(cleanTempDirs);

  it('/hostedzone/Z… is read as the bare id, with a line saying so', () => {
    const dir = exampleProject();
    edit(path.join(dir, 'sftpgw.yaml'), (t) =>
      t.replace(
        'hostedZoneId: Z0123456789ABCDEFGHIJ',
        'hostedZoneId: /hostedzone/Z0123456789ABCDEFGHIJ',
      ),
    );
    const r = runCli(['build', '--out', 'out'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include(
      'dns.hostedZoneId /hostedzone/Z0123456789ABCDEFGHIJ read as Z0123456789ABCDEFGHIJ',
    );
    const records = Object.values(template(dir, 'out').Resources).filter(
      (x) => x.Type === 'AWS::Route53::RecordSet',
    );
    expect(records).to.have.length(1);
    expect(records[0].Properties?.HostedZoneId).to.equal('Z0123456789ABCDEFGHIJ');
  });

  it('anything else is refused, naming the key, its line and the forms accepted', () => {
    const dir = exampleProject();
    edit(path.join(dir, 'sftpgw.yaml'), (t) =>
      t.replace('hostedZoneId: Z0123456789ABCDEFGHIJ', 'hostedZoneId: hostedzone/z0123'),
    );
    // The line the key is on in the edited file (the example's comments move it).
    const line =
      readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('hostedZoneId: hostedzone/z0123')) + 1;
    expect(line).to.be.greaterThan(0);
    const r = runCli(['build'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(
      new RegExp(`sftpgw\\.yaml:${line}:\\d+: dns\\.hostedZoneId: does not match`),
    );
    expect(r.stderr).to.match(/→ a Route 53 hosted zone id: .*\/hostedzone\/Z…/);
  });
});

describe('an environment that is not in sftpgw.yaml', () => {
  afterEach(cleanTempDirs);

  it('SFTPGW_ENV=stagin: did you mean staging, and the variable named', () => {
    const r = runCli(['build'], { cwd: exampleProject(), env: { SFTPGW_ENV: 'stagin' } });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include(
      'environment "stagin" (from the SFTPGW_ENV variable) is not defined in sftpgw.yaml',
    );
    expect(r.stderr).to.match(/did you mean staging\? \(environments: staging, production\)/);
    expect(r.stderr).to.include('unset SFTPGW_ENV');
  });

  it('--env stagin: did you mean staging, and the flag named', () => {
    const r = runCli(['build', '--env', 'stagin'], {
      cwd: exampleProject(),
      env: { SFTPGW_ENV: 'production' },
    });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include('environment "stagin" (from --env) is not defined in sftpgw.yaml');
    expect(r.stderr).to.match(/did you mean staging\?/);
    expect(r.stderr).not.to.include('SFTPGW_ENV');
  });
});

describe('config and user-file problems in one run', () => {
  afterEach(cleanTempDirs);
  const brokenUser = "{ sshPublicKeys: [], homeDirectry: 'x' }\n";

  it('a broken sftpgw.yaml and a broken user file: both reported', () => {
    const dir = exampleProject();
    edit(path.join(dir, 'sftpgw.yaml'), (t) =>
      t
        .replace('retentionDays: 365', 'retentionDays: 364')
        .replace('usersDir: users', 'userDir: users\nusersDir: users'),
    );
    writeFileSync(path.join(dir, 'users', 'zed.libsonnet'), brokenUser);
    const r = runCli(['build'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(
      /sftpgw\.yaml has 2 problems; the user files in users have 2 problems/,
    );
    expect(r.stderr).to.match(/sftpgw\.yaml:7:1: userDir: unknown key/);
    expect(r.stderr).to.match(/sftpgw\.yaml:\d+:\d+: logs\.retentionDays: must be one of/);
    expect(r.stderr).to.match(/users\/zed\.libsonnet:1: sshPublicKeys: is empty/);
    expect(r.stderr).to.match(/users\/zed\.libsonnet:1: homeDirectry: unknown field/);
    // package and deploy build first: the same report, before anything reaches AWS
    for (const command of ['package', 'deploy']) {
      const p = runCli([command, '--no-lint'], { cwd: dir });
      expect(p.status, command).to.equal(1);
      expect(p.stderr, command).to.match(
        /sftpgw\.yaml has 2 problems; the user files in users have 2 problems/,
      );
    }
  });

  it('a problem found after the schema (no stack name) with a user file that does not evaluate', () => {
    const dir = exampleProject();
    edit(path.join(dir, 'sftpgw.yaml'), (t) => t.replace(/^stackName: .*\n/m, ''));
    writeFileSync(path.join(dir, 'users', 'zed.libsonnet'), '{ sshPublicKeys: [ }\n');
    const r = runCli(['validate', '--no-lint'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/stackName: no stack name is set/);
    expect(r.stderr).to.match(/users\/zed\.libsonnet:1:\d+/);
  });

  it('the users folder of the environment chosen, and --users, are the ones checked', () => {
    const dir = exampleProject();
    mkdirSync(path.join(dir, 'staging-users'));
    writeFileSync(path.join(dir, 'staging-users', 'eve.libsonnet'), brokenUser);
    edit(path.join(dir, 'sftpgw.yaml'), (t) =>
      t
        .replace('retentionDays: 365', 'retentionDays: 364')
        .replace('  staging:\n', '  staging:\n    usersDir: staging-users\n'),
    );
    const r = runCli(['build', '--env', 'staging'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/staging-users\/eve\.libsonnet:1: sshPublicKeys: is empty/);
    const flag = runCli(['build', '--users', 'staging-users'], { cwd: dir });
    expect(flag.stderr).to.match(/staging-users\/eve\.libsonnet:1: sshPublicKeys: is empty/);
  });

  it('usersDir itself broken: the config problems, and why the user files were not checked', () => {
    const dir = exampleProject();
    edit(path.join(dir, 'sftpgw.yaml'), (t) => t.replace('usersDir: users', 'usersDir: 5'));
    writeFileSync(path.join(dir, 'users', 'zed.libsonnet'), brokenUser);
    const r = runCli(['build'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/usersDir: must be string/);
    expect(r.stderr).to.include(
      'user files were not checked: usersDir in sftpgw.yaml is itself invalid',
    );
    expect(r.stderr).not.to.include('zed.libsonnet');
  });

  it('YAML that does not parse: user files not checked, unless --users names them', () => {
    const dir = exampleProject();
    edit(path.join(dir, 'sftpgw.yaml'), (t) => t.replace('usersDir: users', 'usersDir: "users'));
    writeFileSync(path.join(dir, 'users', 'zed.libsonnet'), brokenUser);
    const r = runCli(['build'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/is not valid YAML/);
    expect(r.stderr).to.include('user files were not checked: sftpgw.yaml does not parse');
    const flag = runCli(['build', '--users', 'users'], { cwd: dir });
    expect(flag.stderr).to.match(/is not valid YAML/);
    expect(flag.stderr).to.match(/users\/zed\.libsonnet:1: sshPublicKeys: is empty/);
  });
});
