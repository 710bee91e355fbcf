// The built CLI run as a process: exit codes, stderr vs stdout, --help.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  cleanTempDirs,
  cliBin,
  exampleProject,
  listFiles,
  runCli,
  tempDir,
} from '../helpers/project.js';

describe('sftpgw CLI process', () => {
  afterEach(cleanTempDirs);

  it('build: exit 0, the template written, a summary on stderr and nothing on stdout', () => {
    const dir = exampleProject();
    const r = runCli(['build'], { cwd: dir, env: { CI: 'true' } });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(
      /built sftpgw-example: \d+ resources, 3 users → dist\/gateway\/default\/template\.json/,
    );
    expect(r.stderr).to.not.match(/\x1b\[/); // no colour codes in CI
    const t = JSON.parse(
      readFileSync(path.join(dir, 'dist/gateway/default/template.json'), 'utf8'),
    );
    expect(t.Resources.Server.Type).to.equal('AWS::Transfer::Server');
  });

  it('build --env --out --format yaml writes <out>/template.yaml', () => {
    const dir = exampleProject();
    const r = runCli(['build', '--env', 'staging', '--out', 'o', '--format', 'yaml'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    expect(listFiles(path.join(dir, 'o'))).to.deep.equal(['.sftpgw-build.json', 'template.yaml']);
    expect(readFileSync(path.join(dir, 'o/template.yaml'), 'utf8')).to.match(
      /sftpgw-example-staging/,
    );
  });

  it('build --users overrides the users folder; --config points at another project', () => {
    const dir = exampleProject();
    const other = tempDir();
    const r = runCli(
      [
        'build',
        '--config',
        path.join(dir, 'sftpgw.yaml'),
        '--users',
        path.join(dir, 'users'),
        '--out',
        'x',
      ],
      { cwd: other },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(listFiles(path.join(other, 'x'))).to.include('template.json');
  });

  it('SFTPGW_ENV selects the environment; the flag wins over it', () => {
    const dir = exampleProject();
    expect(
      runCli(['build', '-o', 'a'], { cwd: dir, env: { SFTPGW_ENV: 'production' } }).stderr,
    ).to.match(/sftpgw-example-production/);
    expect(
      runCli(['build', '-o', 'b', '--env', 'staging'], {
        cwd: dir,
        env: { SFTPGW_ENV: 'production' },
      }).stderr,
    ).to.match(/sftpgw-example-staging/);
  });

  it('unknown flag: exit 2 with usage on stderr', () => {
    const r = runCli(['build', '--bogus'], { cwd: exampleProject() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/unknown option '--bogus'/);
    expect(r.stdout).to.equal('');
  });

  it('bad --format value: exit 2', () => {
    const r = runCli(['build', '--format', 'xml'], { cwd: exampleProject() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/json, yaml/);
  });

  it('unknown environment: exit 2 naming the ones that exist', () => {
    const r = runCli(['build', '--env', 'prod'], { cwd: exampleProject() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/environment "prod" \(from --env\) is not defined in sftpgw\.yaml/);
    expect(r.stderr).to.match(/staging, production/);
  });

  it('missing config file: exit 2 with what to do', () => {
    const r = runCli(['build'], { cwd: tempDir() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/config file sftpgw\.yaml not found/);
    expect(r.stderr).to.match(/sftpgw init/);
  });

  it('invalid user file: exit 1, the file named on stderr, nothing written', () => {
    const dir = exampleProject();
    writeFileSync(
      path.join(dir, 'users', 'zoe.libsonnet'),
      "{ sshPublicKeys: ['ssh-ed25519 nope'], homeDirectory: '../x' }\n",
    );
    const r = runCli(['build'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/users\/zoe\.libsonnet:1: homeDirectory:/);
    expect(r.stderr).to.match(/users\/zoe\.libsonnet:1: sshPublicKeys\[0\]:/);
    expect(listFiles(path.join(dir, 'dist'))).to.deep.equal([]);
  });

  it('--help for the program and for build, on stdout with exit 0', () => {
    const top = runCli(['--help'], { cwd: tempDir() });
    expect(top.status).to.equal(0);
    expect(top.stdout).to.match(/Usage: sftpgw/);
    expect(top.stdout).to.match(/build/);
    const b = runCli(['build', '--help'], { cwd: tempDir() });
    expect(b.status).to.equal(0);
    for (const flag of [
      '--config',
      '--env',
      '--users',
      '--out',
      '--format',
      '--no-lint',
      'Examples:',
    ])
      expect(b.stdout).to.include(flag);
  });

  it('--help of the program and of the users and destinations groups has examples', () => {
    for (const args of [['--help'], ['users', '--help'], ['destinations', '--help']]) {
      const r = runCli(args, { cwd: tempDir() });
      expect(r.status, args.join(' ')).to.equal(0);
      expect(r.stdout, args.join(' ')).to.match(/\nExamples:\n {2}\$ (npm exec \S+ -- )?sftpgw /);
    }
    expect(runCli(['destinations', '--help'], { cwd: tempDir() }).stdout).to.include(
      '$ sftpgw destinations remove acme',
    );
  });

  it('required flags are marked required in --help', () => {
    const put = runCli(['destinations', 'put', '--help'], { cwd: tempDir() }).stdout.replace(
      /\n\s+/g,
      ' ',
    );
    for (const flag of [
      '--host <host>',
      '--username <user>',
      '--trusted-host-key <key>',
      '--remote-dir <dir>',
      '--pattern <regex>',
    ]) {
      expect(put).to.match(
        new RegExp(`${flag.replace(/[<>]/g, '.')} (?:(?! --[a-z]).)*\\(required\\)`),
        flag,
      );
    }
    expect(put).to.match(/--private-key-file <file> .*\(required: this or --password-stdin\)/);
    expect(put).to.match(/--port <port>\s+SFTP port \(default 22\)\s+--username/); // optional flags are not marked
    expect(
      runCli(['users', 'add', '--help'], { cwd: tempDir() }).stdout.replace(/\n\s+/g, ' '),
    ).to.match(/--key <file> .*\(required\)/);
  });

  it('every missing required flag is reported at once: one error, exit 2, nothing sent', () => {
    const r = runCli(
      ['destinations', 'put', 'acme', '--remote-dir', '/in', '--pattern', '.*', '--password-stdin'],
      { cwd: tempDir(), env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } },
    );
    expect(r.status).to.equal(2);
    expect(r.stderr.split('\n')[0]).to.equal(
      'error: missing required options: --host, --username, --trusted-host-key',
    );
    expect(r.stdout).to.equal('');
    const none = runCli(['destinations', 'put', 'acme'], { cwd: tempDir() });
    expect(none.status).to.equal(2);
    expect(none.stderr.split('\n')[0]).to.equal(
      'error: missing required options: --host, --username, one of --private-key-file or --password-stdin, --trusted-host-key, --remote-dir, --pattern',
    );
    const key = runCli(['users', 'add', 'bob'], { cwd: tempDir() });
    expect(key.status).to.equal(2);
    expect(key.stderr.split('\n')[0]).to.equal('error: missing required option: --key');
  });

  it('a YAML mistake in sftpgw.yaml: file:line:col of the mistake, what is wrong, and the line itself', () => {
    const dir = exampleProject();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      'stackName: gw\ndescription: "an example gateway\ntags:\n  team: platform\n',
    );
    const r = runCli(['build'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include(
      [
        'error: sftpgw.yaml is not valid YAML',
        '  sftpgw.yaml:2:14: description: the " opened here is never closed: everything after it, to the end of the file, became the value of description',
        '      2 | description: "an example gateway',
        '        |              ^',
        '      → end the value with " on the same line (write \\" for a quote inside it)',
      ].join('\n'),
    );
  });

  it('an unknown key in sftpgw.yaml gets "did you mean", also inside an environment', () => {
    const dir = exampleProject();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      'stackName: gw\nuserDir: users\nenvironments:\n  prod:\n    outbound:\n      alarmEmails: ops@example.com\n',
    );
    const r = runCli(['build'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(
      /sftpgw\.yaml:2:1: userDir: unknown key\n\s+→ did you mean usersDir\?/,
    );
    expect(r.stderr).to.match(
      /sftpgw\.yaml:6:7: environments\.prod\.outbound\.alarmEmails: unknown key\n\s+→ did you mean alarmEmail\?/,
    );
  });

  it('--help for package, deploy and diff names every contract flag', () => {
    const flags: Record<string, string[]> = {
      package: ['--s3-bucket', '--s3-prefix', '--out', '--template', 'Examples:'],
      deploy: [
        '--template',
        '--stack-name',
        '--s3-bucket',
        '--yes',
        '--no-execute',
        '--execute <change-set>',
        '--allow-replace',
        '--recreate-failed',
        '--role-arn',
        '--parameter',
        'Examples:',
      ],
      diff: ['--template', '--stack-name', 'Exit 0 when nothing would change, 3', 'Examples:'],
    };
    for (const [cmd, expected] of Object.entries(flags)) {
      const r = runCli([cmd, '--help'], { cwd: tempDir() });
      expect(r.status, cmd).to.equal(0);
      for (const f of expected) expect(r.stdout, `${cmd} --help`).to.include(f);
    }
  });

  it('deploy --yes --no-execute is a usage error (exit 2) before anything is built or sent', () => {
    const dir = exampleProject();
    const r = runCli(['deploy', '--yes', '--no-execute'], {
      cwd: dir,
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include('--yes and --no-execute contradict each other');
    expect(listFiles(path.join(dir, 'dist'))).to.deep.equal([]);
  });

  it('no command: usage on stderr and exit 2; unknown command: exit 2', () => {
    const r = runCli([], { cwd: tempDir() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/Usage: sftpgw/);
    const u = runCli(['biuld'], { cwd: tempDir() });
    expect(u.status).to.equal(2);
    expect(u.stderr).to.match(/unknown command 'biuld'/);
  });

  it('a reader that closes stdout early (| head) gets no EPIPE stack trace', () => {
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${cliBin}" validate --help | head -1`],
      { encoding: 'utf8' },
    );
    expect(r.stdout).to.match(/^Usage: sftpgw validate/);
    expect(r.stderr).to.not.match(/EPIPE|Error/);
  });
});
