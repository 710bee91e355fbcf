// sftpgw init and doctor as an organisation's users run them: this checkout
// packed, re-published as @acme/sftpgw 0.2.0 (npm pkg set name=…, as
// docs/getting-started.md tells an organisation to), installed with npm into a
// temporary project, and run from its node_modules/.bin. One pack and one
// install for the file. The install skips install scripts (--ignore-scripts):
// init evaluates no jsonnet, so libjsonnet's compile (cmake, g++) would only
// cost time; and an install whose addon is not built is what doctor's
// build-tools check is about. The full install and pipeline:
// test/repo/gateway-repo.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { installTarball, npmFreeEnv, packSftpgw } from '../helpers/packed.js';
import { cleanTempDirs, tempDir } from '../helpers/project.js';

const MINUTE = 60_000;

describe('sftpgw installed as @acme/sftpgw 0.2.0 (packed, re-scoped, npm installed)', function () {
  this.timeout(5 * MINUTE);
  let app = '';

  before(function () {
    this.timeout(25 * MINUTE);
    const work = tempDir('sftpgw-installed-');
    const tarball = packSftpgw(work, { name: '@acme/sftpgw', version: '0.2.0' });
    app = path.join(work, 'app');
    installTarball(app, tarball, { ignoreScripts: true });
  });
  after(cleanTempDirs);

  const sftpgw = (args: string[], cwd = app) => {
    const r = spawnSync(path.join(app, 'node_modules', '.bin', 'sftpgw'), args, {
      cwd,
      env: npmFreeEnv(),
      encoding: 'utf8',
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('init without --package names the package sftpgw was installed as, and says what it wrote', function () {
    const r = sftpgw(['init', 'gw']);
    expect(r.status, r.stderr).to.equal(0);
    const dir = path.join(app, 'gw');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
      allowScripts: Record<string, boolean>;
    };
    expect(pkg.devDependencies).to.deep.equal({ '@acme/sftpgw': '^0.2.0' });
    expect(pkg.allowScripts['@acme/sftpgw']).to.equal(false);
    expect(r.stderr).to.include(
      'created gw: sftpgw.yaml, users/example-partner.libsonnet, .gitlab-ci.yml, package.json, .gitignore, README.md\n',
    );
    expect(r.stderr).to.include('sftpgw: "@acme/sftpgw": "^0.2.0" in package.json\n');
    expect(r.stderr).to.include(
      'sftpgw comes from @acme/sftpgw@^0.2.0, the package this sftpgw was installed as, on the registry npm uses for the @acme scope',
    );
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).to.include(
      'node_modules/@acme/sftpgw/docs/',
    );
    expect(existsSync(path.join(dir, '.npmrc'))).to.equal(false);
  });

  it('init --registry alone maps the installed package’s scope to the registry', function () {
    const r = sftpgw([
      'init',
      'gw-registry',
      '--registry',
      'https://gitlab.example.com/api/v4/packages/npm',
    ]);
    expect(r.status, r.stderr).to.equal(0);
    const dir = path.join(app, 'gw-registry');
    expect(
      JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).devDependencies,
    ).to.deep.equal({
      '@acme/sftpgw': '^0.2.0',
    });
    expect(readFileSync(path.join(dir, '.npmrc'), 'utf8')).to.include(
      '@acme:registry=https://gitlab.example.com/api/v4/packages/npm/\n',
    );
  });

  it('a refused init writes nothing here either', function () {
    const r = sftpgw([
      'init',
      'gw-bad',
      '--package',
      'git+https://gitlab.example.com/platform/sftpgw.git',
    ]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include('names no tag or commit');
    expect(readdirSync(app)).not.to.include('gw-bad');
  });

  it('doctor in this install: the jsonnet addon is not built, so cmake and g++ are needed now (exit 1)', function () {
    const r = sftpgw(['doctor', '--offline', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(1);
    const checks = Object.fromEntries(
      (
        JSON.parse(r.stdout) as {
          checks: Array<{ id: string; status: string; detail: string; fix?: string }>;
        }
      ).checks.map((c) => [c.id, c]),
    );
    expect(checks['jsonnet-addon'].status).to.equal('fail');
    expect(checks['jsonnet-addon'].fix).to.include('npm rebuild @hanazuki/node-jsonnet');
    expect(checks['build-tools'].status).to.equal('ok');
    expect(checks['build-tools'].detail).to.match(
      /^needed now, to compile the libjsonnet addon: cmake \S+ found, g\+\+ \S+ found/,
    );
    expect(checks['aws-credentials'].status).to.equal('skip');
  });
});
