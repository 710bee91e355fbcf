// Operator workflows as processes: sftpgw init then build as a new team would
// (cfn-lint included), and where the scaffolded repository gets sftpgw from
// (--package / --registry).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CFN_LINT_RANGE, checkCfnLintVersion, withCfnLintNote } from '../helpers/cfn-lint.js';
import { cleanTempDirs, listFiles, repoRoot, runCli, tempDir } from '../helpers/project.js';

describe('operator workflows', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  describe(`sftpgw init (${CFN_LINT_RANGE})`, function () {
    before(checkCfnLintVersion);
    it('scaffolds a repository that builds at once (cfn-lint included), and refuses a non-empty folder', function () {
      const parent = tempDir();
      // From this source checkout init needs --package (test/cli/init-installed.test.ts: the default).
      const r = runCli(['init', 'acme-gateway', '--package', '@acme/sftpgw@^0.2.0'], {
        cwd: parent,
      });
      expect(r.status, r.stderr).to.equal(0);
      const dir = path.join(parent, 'acme-gateway');
      expect(listFiles(dir)).to.deep.equal([
        '.gitignore',
        '.gitlab-ci.yml',
        'README.md',
        'package.json',
        'sftpgw.yaml',
        'users/example-partner.libsonnet',
      ]);
      expect(
        JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).devDependencies,
      ).to.deep.equal({ '@acme/sftpgw': '^0.2.0' });
      const build = runCli(['build'], { cwd: dir });
      expect(build.status, withCfnLintNote(build.stderr)).to.equal(0);
      expect(build.stderr).to.match(/built acme-gateway: \d+ resources, 1 user\b/);
      for (const env of ['staging', 'production'])
        expect(runCli(['build', '--env', env, '--no-lint'], { cwd: dir }).status, env).to.equal(0);
      const again = runCli(['init', 'acme-gateway', '--package', '@acme/sftpgw@^0.2.0'], {
        cwd: parent,
      });
      expect(again.status).to.equal(2);
      expect(again.stderr).to.include('acme-gateway is not empty');
    });
  });

  describe('sftpgw init --package / --registry: where the repository gets sftpgw', function () {
    const init = (args: string[]) => {
      const parent = tempDir();
      const r = runCli(['init', 'gw', ...args], { cwd: parent });
      const dir = path.join(parent, 'gw');
      const pkg = existsSync(path.join(dir, 'package.json'))
        ? (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
            devDependencies: Record<string, string>;
            allowScripts: Record<string, boolean>;
          })
        : undefined;
      return { r, dir, parent, pkg };
    };

    it('a scoped registry version, mapped to the organisation registry in .npmrc', function () {
      const { r, dir, pkg } = init([
        '--package',
        '@acme/sftpgw@^0.2.0',
        '--registry',
        'https://gitlab.example.com/api/v4/packages/npm',
      ]);
      expect(r.status, r.stderr).to.equal(0);
      expect(pkg!.devDependencies).to.deep.equal({ '@acme/sftpgw': '^0.2.0' });
      expect(pkg!.allowScripts).to.deep.equal({
        '@hanazuki/node-jsonnet': true,
        ssh2: false,
        'cpu-features': false,
        '@acme/sftpgw': false,
      });
      const npmrc = readFileSync(path.join(dir, '.npmrc'), 'utf8');
      expect(npmrc).to.include('@acme:registry=https://gitlab.example.com/api/v4/packages/npm/\n');
      expect(npmrc).to.include(
        '//gitlab.example.com/api/v4/packages/npm/:_authToken=${CI_JOB_TOKEN?}',
      );
      expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).to.include(
        '"@acme/sftpgw": "^0.2.0"',
      );
      expect(r.stderr).to.include('sftpgw: "@acme/sftpgw": "^0.2.0" in package.json');
    });

    it('a git URL with a tag (its prepare script allowed), a tarball URL, and a relative file: path made absolute', function () {
      const git = init(['--package', 'git+https://gitlab.example.com/platform/sftpgw.git#v0.2.0']);
      expect(git.r.status, git.r.stderr).to.equal(0);
      expect(git.pkg!.devDependencies).to.deep.equal({
        '@sftpgw/cli': 'git+https://gitlab.example.com/platform/sftpgw.git#v0.2.0',
      });
      expect(git.pkg!.allowScripts['@sftpgw/cli']).to.equal(true);
      const tgz = init(['--package', 'https://artifacts.example.com/sftpgw-0.2.0.tgz']);
      expect(tgz.pkg!.devDependencies).to.deep.equal({
        '@sftpgw/cli': 'https://artifacts.example.com/sftpgw-0.2.0.tgz',
      });
      const file = init(['--package', 'file:../vendor/sftpgw.tgz']);
      expect(file.r.status, file.r.stderr).to.equal(0);
      expect(file.pkg!.devDependencies['@sftpgw/cli']).to.equal(
        `file:${path.resolve(file.parent, '../vendor/sftpgw.tgz')}`,
      );
      expect(file.r.stderr).to.include('exists on this machine only');
    });

    it('run from this source checkout, the default is refused: nothing written, the flag and the guide named; an unscoped name is warned about', function () {
      const def = init([]);
      expect(def.r.status, def.r.stderr).to.equal(2);
      expect(def.r.stderr).to.include(
        `this sftpgw runs from a source checkout (${repoRoot}, not installed in a node_modules folder)`,
      );
      expect(def.r.stderr).to.include('nothing was written');
      expect(def.r.stderr).to.include(
        'pass --package with where your organisation publishes sftpgw',
      );
      expect(def.r.stderr).to.include(
        `${path.join(repoRoot, 'docs', 'getting-started.md')}#how-a-gateway-repository-gets-sftpgw`,
      );
      expect(existsSync(def.dir), 'nothing written').to.equal(false);
      expect(readdirSync(def.parent)).to.deep.equal([]);
      // --registry alone does not help: the package is still unknown.
      const reg = init(['--registry', 'https://gitlab.example.com/api/v4/packages/npm/']);
      expect(reg.r.status).to.equal(2);
      expect(reg.r.stderr).to.include('runs from a source checkout');
      expect(existsSync(reg.dir)).to.equal(false);
      const unscoped = init(['--package', 'sftpgw@^0.1.0']);
      expect(unscoped.r.status).to.equal(0);
      expect(unscoped.r.stderr).to.match(/warning: sftpgw is not a scoped name/);
    });

    it('the help examples of init and sftpgw name where sftpgw comes from', function () {
      for (const args of [['init', '--help'], ['--help']]) {
        const r = runCli(args, { cwd: tempDir() });
        const examples = r.stdout.split('\n').filter((l) => /^\s+\$ .*sftpgw init\b/.test(l));
        expect(examples.length, args.join(' ')).to.be.at.least(1);
        // Either run from an installed sftpgw (npm exec --package=…) or with --package.
        for (const l of examples) expect(l, args.join(' ')).to.match(/--package[= ]/);
        expect(examples[0], args.join(' ')).to.match(/^\s+\$ npm exec --package=@acme\/sftpgw@/);
      }
    });

    it('refuses what it cannot write, names the flag, and writes nothing', function () {
      for (const [args, message] of [
        [
          ['--package', 'git+https://gitlab.example.com/platform/sftpgw.git'],
          'names no tag or commit',
        ],
        [['--package', '@@bad name'], 'is not a package npm can install'],
        [
          ['--package', 'https://x.example/s.tgz', '--registry', 'https://r.example/'],
          '--registry maps a package scope',
        ],
        [
          ['--package', '@acme/sftpgw@^1.0.0', '--registry', 'not a url'],
          '--registry not a url is not a URL',
        ],
      ] as Array<[string[], string]>) {
        const { r, dir } = init(args);
        expect(r.status, args.join(' ')).to.equal(2);
        expect(r.stderr, args.join(' ')).to.include(message);
        expect(existsSync(dir), `${args.join(' ')}: nothing written`).to.equal(false);
      }
    });
  });
});
