// The GitLab CI template a scaffolded repository gets: it only runs sftpgw
// commands and flags that exist, never through npx, and it is the file
// sftpgw init writes.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { program } from '../../cli/program.js';
import { cleanTempDirs, repoRoot, runCli, tempDir } from '../helpers/project.js';

describe('operator workflows', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  describe('the GitLab CI template', function () {
    const file = path.join(repoRoot, 'templates', 'init', 'gitlab-ci.yml');

    /** Every `sftpgw …` command line in the pipeline's scripts. */
    function sftpgwCalls(): string[][] {
      const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, { script?: string[] }>;
      return Object.values(doc)
        .flatMap((job) =>
          job && typeof job === 'object' && Array.isArray(job.script) ? job.script : [],
        )
        .flatMap((line) =>
          [...line.matchAll(/(?:^|[;&|]\s*|then\s+)sftpgw ([^|;&]+)/g)].map((m) =>
            m[1].trim().split(/\s+/),
          ),
        );
    }

    it('never runs sftpgw through npx or a registry lookup, and pins the cfn-lint of the bundled schemas', function () {
      const text = readFileSync(file, 'utf8');
      expect(text).not.to.match(/^[^#]*\bnpx\b/m);
      expect(text).not.to.match(/^[^#]*npm exec/m);
      expect(text).to.include('export PATH="$PWD/node_modules/.bin:$PATH"');
      const dir = path.join(tempDir(), 'gw');
      runCli(['init', dir, '--package', '@acme/sftpgw@^0.2.0'], { cwd: repoRoot });
      const written = readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8');
      const pinned = (
        JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
          config: { cfnLintVersion: string };
        }
      ).config.cfnLintVersion;
      expect(
        (parseYaml(written) as { variables: Record<string, string> }).variables.CFN_LINT_VERSION,
      ).to.equal(pinned);
    });

    it('parses, and every sftpgw command it runs exists with those flags', function () {
      const calls = sftpgwCalls();
      expect(calls.length).to.be.at.least(5);
      const prog = program();
      for (const words of calls) {
        let cmd: Command = prog;
        let i = 0;
        while (i < words.length && !words[i].startsWith('-')) {
          const sub = cmd.commands.find((c) => c.name() === words[i]);
          if (!sub) break;
          cmd = sub;
          i++;
        }
        expect(cmd, `sftpgw ${words.join(' ')}`).not.to.equal(prog);
        const flags = new Set(
          cmd.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined),
        );
        for (const w of words.slice(i).filter((x) => x.startsWith('-')))
          expect(flags.has(w.split('=')[0]), `sftpgw ${cmd.name()} ${w}`).to.equal(true);
      }
    });

    it('a scheduled pipeline runs key-expiry alone; push and web pipelines on main run the usual jobs and never key-expiry (gitlab-ci-local evaluates the rules)', function () {
      const dir = path.join(tempDir(), 'gw');
      runCli(['init', dir, '--package', '@acme/sftpgw@^0.2.0'], { cwd: repoRoot });
      const git = (args: string[]) => {
        const r = spawnSync(
          'git',
          ['-c', 'user.name=sftpgw test', '-c', 'user.email=test@sftpgw.invalid', ...args],
          { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } },
        );
        expect(r.status, r.stderr).to.equal(0);
      };
      git(['init', '-q', '-b', 'main']);
      git(['add', '-A']);
      git(['commit', '-q', '-m', 'new gateway (sftpgw init)']);
      /** The jobs a pipeline of this source on main would run (when: never left out). */
      const jobs = (source: string): Record<string, string> => {
        const r = spawnSync(
          path.join(repoRoot, 'node_modules', '.bin', 'gitlab-ci-local'),
          [
            '--list-json',
            '--variable',
            `CI_PIPELINE_SOURCE=${source}`,
            '--ignore-predefined-vars',
            'CI_PIPELINE_SOURCE',
          ],
          { cwd: dir, encoding: 'utf8' },
        );
        expect(r.status, r.stderr).to.equal(0);
        return Object.fromEntries(
          (JSON.parse(r.stdout) as Array<{ name: string; when: string }>)
            .filter((j) => j.when !== 'never')
            .map((j) => [j.name, j.when]),
        );
      };
      // A schedule targets main, so CI_COMMIT_BRANCH is main there too: no deploy, no plan.
      expect(jobs('schedule')).to.deep.equal({ 'key-expiry': 'on_success' });
      const usual = {
        validate: 'on_success',
        'plan-production': 'on_success',
        'deploy-staging': 'on_success',
        'deploy-production': 'manual',
      };
      expect(jobs('push')).to.deep.equal(usual);
      // "Run pipeline" on main (how the team deploys with no new commit) is a web pipeline.
      expect(jobs('web')).to.deep.equal(usual);

      // What key-expiry runs: the files ahead of time, then both deployed stacks.
      const doc = parseYaml(readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')) as Record<
        string,
        { script: string[] }
      >;
      const script = doc['key-expiry'].script.join('\n');
      expect(script).to.include(
        'sftpgw users keys --expiring "${KEY_EXPIRY_DAYS:-14}" --expired --env production',
      );
      expect(script).to.include('sftpgw users keys --deployed --env staging');
      expect(script).to.include('sftpgw users keys --deployed --env production');
    });

    it('is the file sftpgw init writes', function () {
      const dir = path.join(tempDir(), 'gw');
      runCli(['init', dir, '--package', '@acme/sftpgw@^0.2.0'], { cwd: repoRoot });
      const pinned = (
        JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
          config: { cfnLintVersion: string };
        }
      ).config.cfnLintVersion;
      expect(readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')).to.equal(
        readFileSync(file, 'utf8').replaceAll('{{cfnLintVersion}}', pinned),
      );
    });
  });
});
