// Operator workflows as processes: users add/list/remove on temporary
// repositories; destinations put/test/list against a real moto server and a
// real OpenSSH sshd on 127.0.0.1; init then build as a new team would; the
// shipped .gitlab-ci.yml only runs sftpgw commands and flags that exist.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { expect } from 'chai';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { program } from '../cli/program.js';
import { CFN_LINT_RANGE, checkCfnLintVersion, withCfnLintNote } from './helpers/cfn-lint.js';
import { keyPair, secretFragments, ssh2PublicKey } from './helpers/keys.js';
import {
  cleanTempDirs,
  cliBin,
  exampleProject,
  listFiles,
  repoRoot,
  runCli,
  tempDir,
} from './helpers/project.js';
import { startMoto, startSshd, startTogether, type Moto, type Sshd } from './helpers/servers.js';

describe('operator workflows', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  describe('sftpgw users', function () {
    const repo = () => {
      const dir = tempDir();
      writeFileSync(
        path.join(dir, 'sftpgw.yaml'),
        'stackName: ops-test\noutbound:\n  enabled: false\n',
      );
      mkdirSync(path.join(dir, 'users'));
      return dir;
    };
    const keyFile = (dir: string, text: string) => {
      const f = path.join(dir, `key-${Math.random().toString(36).slice(2)}.pub`);
      writeFileSync(f, text);
      return f;
    };

    it('adds users with every accepted key type; the files build', function () {
      const dir = repo();
      for (const [name, spec] of [
        ['ed-user', 'ed25519'],
        ['rsa-user', 'rsa:2048'],
        ['ec256-user', 'ecdsa:256'],
        ['ec384-user', 'ecdsa:384'],
        ['ec521-user', 'ecdsa:521'],
      ]) {
        const r = runCli(
          ['users', 'add', name, '--key', keyFile(dir, keyPair(spec).publicKey + '\n')],
          { cwd: dir },
        );
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.match(
          new RegExp(`^added ${name} → users/${name}\\.libsonnet: \\S+ SHA256:`),
        );
      }
      const build = runCli(['build', '--no-lint'], { cwd: dir });
      expect(build.status, build.stderr).to.equal(0);
      expect(build.stderr).to.include('5 users');
    });

    it('reads the key from stdin, lists users as a table and as JSON, removes one', function () {
      const dir = repo();
      const kp = keyPair('ed25519', 'stdin@test');
      expect(
        runCli(['users', 'add', 'alice', '--key', '-'], { cwd: dir, input: kp.publicKey + '\n' })
          .status,
      ).to.equal(0);
      expect(
        runCli(['users', 'add', 'bob', '--key', keyFile(dir, keyPair('rsa:2048').publicKey)], {
          cwd: dir,
        }).status,
      ).to.equal(0);
      const table = runCli(['users', 'list'], { cwd: dir });
      expect(table.stdout.split('\n')[0]).to.match(/^NAME +KEYS +HOME +ACCESS$/);
      expect(table.stdout).to.match(/alice +ssh-ed25519 SHA256:\S+ +alice +read-write/);
      const json = JSON.parse(
        runCli(['users', 'list', '--output', 'json'], { cwd: dir }).stdout,
      ) as Array<{
        name: string;
        keys: Array<{ type: string; fingerprint: string }>;
        homeDirectory: string;
        readOnly: boolean;
      }>;
      expect(json.map((u) => u.name)).to.deep.equal(['alice', 'bob']);
      expect(json[0]).to.deep.include({ homeDirectory: 'alice', readOnly: false });
      expect(json[0].keys[0].fingerprint).to.match(/^SHA256:[A-Za-z0-9+/]{43}$/);
      const rm = runCli(['users', 'remove', 'bob'], { cwd: dir });
      expect(rm.status).to.equal(0);
      expect(rm.stderr).to.include('the next deploy deletes SFTP user bob');
      expect(listFiles(path.join(dir, 'users'))).to.deep.equal(['alice.libsonnet']);
      // A failed operation, not bad usage: exit 1.
      const again = runCli(['users', 'remove', 'bob'], { cwd: dir });
      expect(again.status).to.equal(1);
      expect(again.stderr).to.include('no user bob');
      const nobody = runCli(['users', 'remove', 'nobody-here'], { cwd: dir });
      expect(nobody.status).to.equal(1);
      expect(nobody.stderr).to.match(
        /no user nobody-here \(users\/nobody-here\.libsonnet does not exist\)/,
      );
    });

    it('refuses an existing user; --force replaces the keys and keeps home, readOnly and tags', function () {
      const dir = repo();
      writeFileSync(
        path.join(dir, 'users', 'carol.libsonnet'),
        `{ sshPublicKeys: ['${keyPair('ed25519').publicKey}'], homeDirectory: 'shared/carol', readOnly: true, tags: { team: 'audit' } }\n`,
      );
      const next = keyPair('ecdsa:256');
      const refused = runCli(['users', 'add', 'carol', '--key', keyFile(dir, next.publicKey)], {
        cwd: dir,
      });
      expect(refused.status).to.equal(1);
      expect(refused.stderr).to.include('user carol exists');
      expect(refused.stderr).to.include('--force');
      const forced = runCli(
        ['users', 'add', 'carol', '--key', keyFile(dir, next.publicKey), '--force'],
        { cwd: dir },
      );
      expect(forced.status, forced.stderr).to.equal(0);
      const text = readFileSync(path.join(dir, 'users', 'carol.libsonnet'), 'utf8');
      expect(text)
        .to.include(next.publicKey)
        .and.include("homeDirectory: 'shared/carol'")
        .and.include('readOnly: true')
        .and.include("team: 'audit'");
      expect(text).not.to.include(keyPair('ed25519').publicKey);
    });

    it('refuses a username that differs only in case from an existing one, as build would; writes nothing', function () {
      const dir = repo();
      expect(
        runCli(['users', 'add', 'partner-a', '--key', keyFile(dir, keyPair('ed25519').publicKey)], {
          cwd: dir,
        }).status,
      ).to.equal(0);
      const before = readFileSync(path.join(dir, 'users', 'partner-a.libsonnet'), 'utf8');
      const r = runCli(
        ['users', 'add', 'Partner-A', '--key', keyFile(dir, keyPair('ecdsa:256').publicKey)],
        { cwd: dir },
      );
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr).to.match(/Partner-A not added, nothing written/);
      expect(r.stderr).to.match(
        /users\/Partner-A\.libsonnet: duplicate username: "Partner-A" and "partner-a" \(users\/partner-a\.libsonnet\) differ only in case/,
      );
      expect(listFiles(path.join(dir, 'users'))).to.deep.equal(['partner-a.libsonnet']);
      expect(readFileSync(path.join(dir, 'users', 'partner-a.libsonnet'), 'utf8')).to.equal(before);
      const build = runCli(['build', '--no-lint'], { cwd: dir });
      expect(build.status, build.stderr).to.equal(0);
    });

    it("refuses a user whose home would hold another user's home (the build would fail), unless the nesting is waived", function () {
      const dir = repo();
      writeFileSync(
        path.join(dir, 'users', 'acme.libsonnet'),
        `{ sshPublicKeys: ['${keyPair('ed25519').publicKey}'], homeDirectory: 'partners/acme' }\n`,
      );
      const add = () =>
        runCli(
          ['users', 'add', 'partners', '--key', keyFile(dir, keyPair('ecdsa:256').publicKey)],
          { cwd: dir },
        );
      const r = add();
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr).to.match(/partners not added, nothing written/);
      expect(r.stderr).to.match(
        /home directory "partners\/acme" is inside the home of partners \("partners"\).*\[baseline\/user-home-nested\]/,
      );
      expect(listFiles(path.join(dir, 'users'))).to.deep.equal(['acme.libsonnet']);
      const id = /resource: (UserAcme\w*)/.exec(r.stderr)?.[1];
      expect(id, r.stderr).to.be.a('string');
      writeFileSync(
        path.join(dir, 'sftpgw.yaml'),
        readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8') +
          `validation:\n  waivers:\n    - rule: baseline/user-home-nested\n      resource: ${id}\n      reason: the partners user collects every partner's files for the ERP import\n`,
      );
      const waived = add();
      expect(waived.status, waived.stderr).to.equal(0);
      expect(listFiles(path.join(dir, 'users'))).to.deep.equal([
        'acme.libsonnet',
        'partners.libsonnet',
      ]);
    });

    it('--force on a file that uses a helper: refuses, says what to edit by hand, leaves the file byte for byte', function () {
      const dir = repo();
      writeFileSync(
        path.join(dir, 'users', '_partner.libsonnet'),
        "{\n  new(key, folder):: { sshPublicKeys: [key], homeDirectory: 'partners/' + folder },\n}\n",
      );
      const text = [
        '// ACME Corp: drops orders into partners/acme.',
        "local p = import '_partner.libsonnet';",
        '',
        'p.new(',
        `  key='${keyPair('ed25519').publicKey}',  // from the partner portal, 2024-05`,
        "  folder='acme',",
        ')',
        '',
      ].join('\n');
      writeFileSync(path.join(dir, 'users', 'acme.libsonnet'), text);
      const next = keyPair('ecdsa:256');
      const r = runCli(['users', 'add', 'acme', '--key', keyFile(dir, next.publicKey), '--force'], {
        cwd: dir,
      });
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr).to.match(
        /users\/acme\.libsonnet is not plain data \(it computes its value \("local" at line 2\)\): sftpgw does not rewrite it/,
      );
      expect(r.stderr).to.match(/users\/acme\.libsonnet:5: the current key is here/);
      expect(r.stderr).to.include(
        `edit the file by hand: put this key in place of the current one: '${next.publicKey}'`,
      );
      expect(readFileSync(path.join(dir, 'users', 'acme.libsonnet'), 'utf8')).to.equal(text);
    });

    it('--force on a plain-data file changes only its key list: comments, layout and other fields stay', function () {
      const dir = repo();
      const old = keyPair('ed25519').publicKey;
      const lines = [
        '// Carol, internal audit: reads shared/carol.',
        '{',
        '  /* rotated yearly */ sshPublicKeys: [',
        `    '${old}',  // laptop`,
        '  ],',
        "  homeDirectory: 'shared/carol',  # set by the audit team",
        '  readOnly: true,',
        "  tags: { team: 'audit', 'cost-center': 'cc-1' },",
        '}',
        '',
      ];
      writeFileSync(path.join(dir, 'users', 'carol.libsonnet'), lines.join('\n'));
      const next = [keyPair('ecdsa:256').publicKey, keyPair('rsa:2048').publicKey];
      const r = runCli(
        ['users', 'add', 'carol', '--key', keyFile(dir, next.join('\n') + '\n'), '--force'],
        { cwd: dir },
      );
      expect(r.status, r.stderr).to.equal(0);
      expect(readFileSync(path.join(dir, 'users', 'carol.libsonnet'), 'utf8')).to.equal(
        [...lines.slice(0, 3), ...next.map((k) => `    '${k}',`), ...lines.slice(4)].join('\n'),
      );
      const list = JSON.parse(
        runCli(['users', 'list', '--output', 'json'], { cwd: dir }).stdout,
      ) as Array<{ keys: unknown[]; homeDirectory: string; readOnly: boolean }>;
      expect(list[0]).to.deep.include({ homeDirectory: 'shared/carol', readOnly: true });
      expect(list[0].keys).to.have.length(2);
    });

    for (const spec of ['ed25519', 'rsa:3072', 'ecdsa:384']) {
      it(`accepts an RFC 4716 key (ssh-keygen -e, as PuTTYgen exports) for ${spec} and writes the OpenSSH line ssh-keygen -i prints`, function () {
        const dir = repo();
        const kp = keyPair(spec);
        const ssh2 = keyFile(dir, ssh2PublicKey(kp.publicKey));
        const r = runCli(['users', 'add', 'windows-partner', '--key', ssh2], { cwd: dir });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.match(/converted from RFC 4716 to OpenSSH form/);
        const openssh = execFileSync('ssh-keygen', ['-i', '-f', ssh2], { encoding: 'utf8' }).trim();
        const text = readFileSync(path.join(dir, 'users', 'windows-partner.libsonnet'), 'utf8');
        const written = /sshPublicKeys: \[\n {4}'([^']+)',/.exec(text)![1];
        expect(written.split(' ').slice(0, 2).join(' ')).to.equal(openssh);
        const list = JSON.parse(
          runCli(['users', 'list', '--output', 'json'], { cwd: dir }).stdout,
        ) as Array<{ keys: Array<{ fingerprint: string }> }>;
        expect(list[0].keys[0].fingerprint).to.equal(
          execFileSync('ssh-keygen', ['-lf', keyFile(dir, kp.publicKey)], {
            encoding: 'utf8',
          }).split(' ')[1],
        );
        expect(runCli(['build', '--no-lint'], { cwd: dir }).status).to.equal(0);
      });
    }

    it('reads several RFC 4716 blocks and OpenSSH lines in one key file, header continuation lines included; a broken block is one error at its line', function () {
      const dir = repo();
      const a = ssh2PublicKey(keyPair('ed25519').publicKey).replace(
        /^Comment: .*$/m,
        'Comment: "partner-a key for the \\\nproduction gateway"\nx-Private-Header: kept out',
      );
      const b = keyPair('ecdsa:256').publicKey;
      const c = ssh2PublicKey(keyPair('rsa:2048').publicKey);
      const r = runCli(['users', 'add', 'multi', '--key', keyFile(dir, `${a}\n${b}\n\n${c}`)], {
        cwd: dir,
      });
      expect(r.status, r.stderr).to.equal(0);
      const text = readFileSync(path.join(dir, 'users', 'multi.libsonnet'), 'utf8');
      expect(text).to.include(
        `'${keyPair('ed25519').publicKey.split(' ').slice(0, 2).join(' ')} partner-a key for the production gateway',`,
      );
      expect(text).to.include(`'${b}',`);
      expect(text).to.include(keyPair('rsa:2048').publicKey.split(' ')[1]);
      const broken = c
        .split('\n')
        .filter((l) => !l.startsWith('---- END'))
        .join('\n');
      const bad = runCli(['users', 'add', 'broken', '--key', keyFile(dir, `${b}\n${broken}`)], {
        cwd: dir,
      });
      expect(bad.status).to.equal(1);
      expect(bad.stderr).to.match(/1 problem with the public keys/);
      expect(bad.stderr).to.match(
        /key-\w+\.pub:2: RFC 4716 \(SSH2\) public key has no "---- END SSH2 PUBLIC KEY ----" line/,
      );
    });

    for (const [label, name, key, message] of [
      [
        'a reserved username',
        'root',
        () => keyPair('ed25519').publicKey,
        /username "root" is reserved/,
      ],
      [
        'a too-short username',
        'ab',
        () => keyPair('ed25519').publicKey,
        /"ab" is not a valid Transfer Family username/,
      ],
      [
        'a short RSA key',
        'weak-rsa',
        () => keyPair('rsa:1024').publicKey,
        /is a 1024-bit RSA key .*at least 2048 bits are required/,
      ],
      ['garbage', 'garbage', () => 'not a key at all', /not an OpenSSH public key|is not/],
      ['an empty key file', 'empty', () => '\n# only a comment\n', /holds no public key/],
      [
        'a duplicate key line',
        'dup',
        () => `${keyPair('ed25519').publicKey}\n${keyPair('ed25519').publicKey}\n`,
        /is the same key as an earlier line/,
      ],
    ] as const) {
      it(`refuses ${label}, naming the problem, writing nothing`, function () {
        const dir = repo();
        const r = runCli(['users', 'add', name, '--key', keyFile(dir, key())], { cwd: dir });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.match(message);
        expect(listFiles(path.join(dir, 'users'))).to.deep.equal([]);
      });
    }

    it('refuses a private key without printing any part of it', function () {
      const dir = repo();
      const priv = keyPair('ed25519').privateKey;
      for (const args of [
        ['--key', keyFile(dir, priv)],
        ['--key', '-'],
      ]) {
        const r = runCli(['users', 'add', 'leaky', ...args], { cwd: dir, input: priv });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include('PRIVATE key (not shown)');
        for (const f of secretFragments(priv)) expect(r.stdout + r.stderr).not.to.include(f);
      }
      expect(listFiles(path.join(dir, 'users'))).to.deep.equal([]);
    });
  });

  describe('sftpgw destinations (moto + sshd)', function () {
    let moto: Moto;
    let sshd: Sshd;
    let sm: SecretsManagerClient;
    let dir: string;
    const outputs: string[] = [];

    before(async function () {
      [moto, sshd] = await startTogether(startMoto(), startSshd());
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
      sm = new SecretsManagerClient({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      dir = tempDir();
      writeFileSync(path.join(dir, 'sftpgw.yaml'), 'stackName: dest-test\n');
      writeFileSync(path.join(dir, 'client_key'), sshd.clientKey.privateKey, { mode: 0o600 });
    });
    after(async function () {
      await Promise.all([moto?.stop(), sshd?.stop()]);
      // sshd is undefined when the before hook failed: then no output exists either.
      for (const out of outputs)
        for (const f of secretFragments(sshd?.clientKey.privateKey ?? ''))
          expect(out, 'no output carries the private key').not.to.include(f);
    });

    const cli = (args: string[], input?: string) => {
      const r = runCli(args, {
        cwd: dir,
        env: { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        input,
      });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const put = (key: string, extra: string[] = [], pin = sshd.hostPublicKey) =>
      cli([
        'destinations',
        'put',
        key,
        '--host',
        '127.0.0.1',
        '--port',
        String(sshd.port),
        '--username',
        sshd.user,
        '--private-key-file',
        'client_key',
        '--trusted-host-key',
        pin,
        '--remote-dir',
        path.join(sshd.root),
        '--pattern',
        '.*\\.csv',
        ...extra,
      ]);

    it('put creates the tagged secret, a second put adds a version; list shows it; values never printed', async function () {
      const created = put('acme');
      expect(created.status, created.stderr).to.equal(0);
      expect(created.stderr).to.include(
        'created destination acme (secret sftpgw/dest-test/acme, tagged sftpgw:gateway=dest-test)',
      );
      const d = await sm.send(new DescribeSecretCommand({ SecretId: 'sftpgw/dest-test/acme' }));
      expect(d.Tags).to.deep.include({ Key: 'sftpgw:gateway', Value: 'dest-test' });
      const value = JSON.parse(
        (await sm.send(new GetSecretValueCommand({ SecretId: 'sftpgw/dest-test/acme' })))
          .SecretString!,
      ) as Record<string, unknown>;
      expect(value).to.deep.include({
        Host: '127.0.0.1',
        Port: sshd.port,
        Username: sshd.user,
        FilePattern: '.*\\.csv',
        TrustedHostKeys: [sshd.hostPublicKey],
      });
      expect(value.PrivateKey).to.equal(sshd.clientKey.privateKey);

      const updated = put('acme', [], sshd.hostPublicKey);
      expect(updated.status, updated.stderr).to.equal(0);
      expect(updated.stderr).to.include('updated destination acme');
      const versions = await sm.send(
        new ListSecretVersionIdsCommand({ SecretId: 'sftpgw/dest-test/acme' }),
      );
      expect(versions.Versions?.length).to.equal(2);

      const list = JSON.parse(cli(['destinations', 'list', '--output', 'json']).stdout) as Array<{
        key: string;
        tagged: boolean;
        lastChanged?: string;
      }>;
      expect(list).to.deep.include({
        key: 'acme',
        secret: 'sftpgw/dest-test/acme',
        tagged: true,
        lastChanged: list[0]?.lastChanged,
      });
    });

    it('put --overwrite never stores the policy; another value is refused before anything is written', async function () {
      expect(put('careful', ['--overwrite', 'never']).status).to.equal(0);
      const value = JSON.parse(
        (await sm.send(new GetSecretValueCommand({ SecretId: 'sftpgw/dest-test/careful' })))
          .SecretString!,
      ) as Record<string, unknown>;
      expect(value.Overwrite).to.equal('never');
      const bad = put('careless', ['--overwrite', 'always']);
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.match(/--overwrite.*always.*replace, never/);
      const list = JSON.parse(cli(['destinations', 'list', '--output', 'json']).stdout) as Array<{
        key: string;
      }>;
      expect(list.map((d) => d.key)).not.to.include('careless');
    });

    it('put refuses an invalid destination naming the flag, and a private key read from stdin is never echoed', function () {
      const bad = cli(
        [
          'destinations',
          'put',
          'broken',
          '--host',
          '127.0.0.1',
          '--username',
          'u',
          '--private-key-file',
          '-',
          '--trusted-host-key',
          'SHA256:short',
          '--remote-dir',
          '/in',
          '--pattern',
          '([unclosed',
        ],
        sshd.clientKey.privateKey,
      );
      expect(bad.status).to.equal(1);
      expect(bad.stderr).to.include('--trusted-host-key #1');
      expect(bad.stderr).to.include('--pattern: not a valid RE2 pattern (missing closing ])');
      // RE2 has no backreferences or lookaround: refused before anything is stored, the pattern not echoed.
      for (const [pattern, hint] of [
        ['(a)\\1x', 'backreferences are not supported by RE2'],
        ['(?!tmp)qz.*', 'lookahead and lookbehind are not supported by RE2'],
        ['never)|(?:xyz', 'unexpected )'],
      ]) {
        const r = cli(
          [
            'destinations',
            'put',
            'refused',
            '--host',
            '127.0.0.1',
            '--username',
            'u',
            '--password-stdin',
            '--trusted-host-key',
            sshd.hostPublicKey,
            '--remote-dir',
            '/in',
            '--pattern',
            pattern,
          ],
          'pw-12345',
        );
        expect(r.status, pattern).to.equal(1);
        expect(r.stderr, pattern)
          .to.include(`--pattern: not a valid RE2 pattern (`)
          .and.include(hint);
        expect(r.stderr, pattern).not.to.include(pattern);
      }
      const badKey = cli(
        [
          'destinations',
          'put',
          'Not Valid',
          '--host',
          'h',
          '--username',
          'u',
          '--password-stdin',
          '--trusted-host-key',
          sshd.hostPublicKey,
          '--remote-dir',
          '/',
          '--pattern',
          '.*',
        ],
        'pw',
      );
      expect(badKey.status).to.equal(2);
      expect(badKey.stderr).to.include('"Not Valid" is not a destination key');
    });

    it('test connects as the function would: the right pin lists the directory, --write leaves nothing behind', function () {
      expect(put('works').status).to.equal(0);
      writeFileSync(path.join(sshd.root, 'existing.csv'), 'x');
      const before = readdirSync(sshd.root).sort();
      const r = cli(['destinations', 'test', 'works']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        /^ok: 127\.0\.0\.1:\d+ \(pinned host key matched\), \S+ lists \d+ entr/,
      );
      const w = cli(['destinations', 'test', 'works', '--write', '--output', 'json']);
      expect(w.status, w.stderr).to.equal(0);
      expect(JSON.parse(w.stdout)).to.deep.include({ ok: true, wrote: true });
      expect(
        readdirSync(sshd.root).sort(),
        'the probe and its temporary file are gone',
      ).to.deep.equal(before);
    });

    it('test refuses a server whose host key is not pinned, and --scan reports the keys without trusting them', function () {
      const other = keyPair('ed25519', 'not-the-server@test').publicKey;
      expect(put('wrongpin', [], other).status).to.equal(0);
      const r = cli(['destinations', 'test', 'wrongpin']);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(
        /host key of 127\.0\.0\.1:\d+ does not match TrustedHostKeys: the server presented ssh-ed25519 SHA256:\S+; pinned: 1 ssh-ed25519 key/,
      );
      const scan = cli(['destinations', 'test', 'wrongpin', '--scan']);
      expect(scan.status, "no pinned key among the server's").to.equal(1);
      expect(scan.stdout).to.match(/NOT PINNED +ssh-ed25519 +SHA256:\S+/);
      const ok = cli(['destinations', 'test', 'works', '--scan', '--output', 'json']);
      expect(ok.status).to.equal(0);
      const keys = (
        JSON.parse(ok.stdout) as { keys: Array<{ type: string; pinned: boolean; line: string }> }
      ).keys;
      expect(keys.find((k) => k.type === 'ssh-ed25519')).to.deep.include({
        pinned: true,
        line: sshd.hostPublicKey.split(' ').slice(0, 2).join(' '),
      });
    });

    it('put takes the host key as ssh-keyscan and ssh-keygen -lf print it, and test connects with it', function () {
      const scan = execFileSync('sh', ['-c', `ssh-keyscan -p ${sshd.port} 127.0.0.1 2>&1`], {
        encoding: 'utf8',
      });
      const pub = path.join(dir, 'host.pub');
      writeFileSync(pub, sshd.hostPublicKey + '\n');
      const lf = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).trim();
      for (const [key, pin] of [
        ['scanned', scan],
        ['lfline', lf],
      ]) {
        const r = put(key, [], pin);
        expect(r.status, r.stderr).to.equal(0);
        const t = cli(['destinations', 'test', key]);
        expect(t.status, t.stderr).to.equal(0);
      }
      const wrong = put('badpin', [
        '--trusted-host-key',
        'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48',
      ]);
      expect(wrong.status).to.equal(1);
      expect(wrong.stderr).to.include('--trusted-host-key #2: MD5 fingerprints are not accepted');
    });

    const DAY = 86_400_000;
    const deletedDate = async (name: string) =>
      (await sm.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate;
    /** The date `remove` says the secret is deleted on. */
    const saidDate = (stderr: string) =>
      new Date(/is deleted on (\S+);/.exec(stderr)?.[1] ?? NaN).getTime();

    it("remove schedules the deletion of this gateway's secret: 7 days by default, --recovery-window-in-days, or at once", async function () {
      for (const key of ['leaving', 'leaving-later', 'leaving-now'])
        expect(put(key).status).to.equal(0);
      const t0 = Date.now();
      const r = cli(['destinations', 'remove', 'leaving', '--yes']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.include(
        'removed destination leaving: secret sftpgw/dest-test/leaving is deleted on ',
      );
      expect(r.stderr).to.include(
        'restore it with: aws secretsmanager restore-secret --secret-id sftpgw/dest-test/leaving',
      );
      expect(saidDate(r.stderr)).to.be.within(t0 + 7 * DAY - 60_000, Date.now() + 7 * DAY + 60_000);
      expect(
        await deletedDate('sftpgw/dest-test/leaving'),
        'scheduled, still restorable',
      ).to.be.instanceOf(Date);
      const list = JSON.parse(cli(['destinations', 'list', '--output', 'json']).stdout) as Array<{
        key: string;
      }>;
      expect(list.map((d) => d.key)).not.to.include('leaving');

      const later = cli([
        'destinations',
        'remove',
        'leaving-later',
        '--yes',
        '--recovery-window-in-days',
        '30',
      ]);
      expect(later.status, later.stderr).to.equal(0);
      expect(saidDate(later.stderr)).to.be.within(
        t0 + 30 * DAY - 60_000,
        Date.now() + 30 * DAY + 60_000,
      );

      const now = cli([
        'destinations',
        'remove',
        'leaving-now',
        '--yes',
        '--force-delete-without-recovery',
      ]);
      expect(now.status, now.stderr).to.equal(0);
      expect(now.stderr).to.include('secret sftpgw/dest-test/leaving-now is deleted (no recovery)');
      const gone = await sm
        .send(new DescribeSecretCommand({ SecretId: 'sftpgw/dest-test/leaving-now' }))
        .then(
          () => 'exists',
          (e: Error) => e.name,
        );
      expect(gone).to.equal('ResourceNotFoundException');

      const again = cli(['destinations', 'remove', 'leaving', '--yes']);
      expect(again.status).to.equal(1);
      expect(again.stderr).to.include('destination leaving is already scheduled for deletion');
      expect(again.stderr).to.include(
        'aws secretsmanager restore-secret --secret-id sftpgw/dest-test/leaving',
      );
    });

    it("remove refuses a secret without this gateway's tag, and one that does not exist (exit 1, nothing deleted)", async function () {
      await sm.send(
        new CreateSecretCommand({
          Name: 'sftpgw/dest-test/foreign',
          SecretString: '{}',
          Tags: [{ Key: 'sftpgw:gateway', Value: 'other-gateway' }],
        }),
      );
      await sm.send(
        new CreateSecretCommand({ Name: 'sftpgw/dest-test/untagged', SecretString: '{}' }),
      );
      const foreign = cli(['destinations', 'remove', 'foreign', '--yes']);
      expect(foreign.status).to.equal(1);
      expect(foreign.stderr).to.include(
        "secret sftpgw/dest-test/foreign is not this gateway's: its sftpgw:gateway tag says other-gateway, not dest-test; nothing was deleted",
      );
      const untagged = cli([
        'destinations',
        'remove',
        'untagged',
        '--yes',
        '--force-delete-without-recovery',
      ]);
      expect(untagged.status).to.equal(1);
      expect(untagged.stderr).to.include(
        "secret sftpgw/dest-test/untagged is not this gateway's: it has no sftpgw:gateway tag",
      );
      for (const name of ['foreign', 'untagged'])
        expect(await deletedDate(`sftpgw/dest-test/${name}`), name).to.equal(undefined);
      const missing = cli(['destinations', 'remove', 'nosuch', '--yes']);
      expect(missing.status).to.equal(1);
      expect(missing.stderr).to.include(
        'destination nosuch does not exist (no secret sftpgw/dest-test/nosuch)',
      );
    });

    it('remove asks on a terminal, and where nobody can answer deletes only with --yes (exit 2 otherwise)', async function () {
      expect(put('asked').status).to.equal(0);
      const ci = cli(['destinations', 'remove', 'asked']);
      expect(ci.status).to.equal(2);
      expect(ci.stderr).to.include(
        'not a terminal and no --yes: destination asked was not removed',
      );
      // A real terminal: script(1) runs the CLI on a pseudo-terminal and types the answer.
      const onTty = (answer: string) => {
        const command = [process.execPath, cliBin, 'destinations', 'remove', 'asked']
          .map((a) => `'${a}'`)
          .join(' ');
        const r = spawnSync('script', ['-qec', command, '/dev/null'], {
          cwd: dir,
          input: answer,
          encoding: 'utf8',
          env: {
            ...process.env,
            ...moto.env,
            NO_COLOR: '1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
        });
        outputs.push(r.stdout);
        return r;
      };
      const no = onTty('n\n');
      expect(no.stdout).to.include(
        'Delete destination asked (secret sftpgw/dest-test/asked) after a 7-day recovery window? [y/N]',
      );
      expect(no.status).to.equal(1);
      expect(no.stdout).to.include('not removed: destination asked is unchanged');
      expect(await deletedDate('sftpgw/dest-test/asked')).to.equal(undefined);
      const yes = onTty('y\n');
      expect(yes.status, yes.stdout).to.equal(0);
      expect(await deletedDate('sftpgw/dest-test/asked')).to.be.instanceOf(Date);
    });

    it('remove: a recovery window outside 7–30 days, or with --force-delete-without-recovery, is a usage error', function () {
      for (const args of [
        ['--recovery-window-in-days', '3'],
        ['--recovery-window-in-days', 'week'],
        ['--recovery-window-in-days', '8', '--force-delete-without-recovery'],
      ]) {
        const r = cli(['destinations', 'remove', 'works', '--yes', ...args]);
        expect(r.status, args.join(' ')).to.equal(2);
        expect(r.stderr, args.join(' ')).to.match(/--recovery-window-in-days/);
      }
    });

    it('test says what to do when the secret does not exist', function () {
      const r = cli(['destinations', 'test', 'nosuch']);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.include('destination secret sftpgw/dest-test/nosuch does not exist');
      expect(r.stderr).to.include('sftpgw destinations put');
    });
  });

  describe(`sftpgw init (${CFN_LINT_RANGE})`, function () {
    before(checkCfnLintVersion);
    it('scaffolds a repository that builds at once (cfn-lint included), and refuses a non-empty folder', function () {
      const parent = tempDir();
      // From this source checkout init needs --package (test/init-installed.test.ts: the default).
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
      expect(build.stderr).to.match(/built acme-gateway: \d+ resources, 1 users/);
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

  it('--help of every command has examples', function () {
    const commands = [
      [],
      ['build'],
      ['validate'],
      ['package'],
      ['deploy'],
      ['diff'],
      ['users'],
      ['users', 'add'],
      ['users', 'list'],
      ['users', 'remove'],
      ['destinations'],
      ['destinations', 'put'],
      ['destinations', 'test'],
      ['destinations', 'list'],
      ['destinations', 'remove'],
      ['init'],
      ['doctor'],
    ];
    for (const c of commands) {
      const r = runCli([...c, '--help'], { cwd: exampleProject() });
      expect(r.status, c.join(' ')).to.equal(0);
      expect(r.stdout, c.join(' ')).to.include('Examples:');
    }
  });
});
