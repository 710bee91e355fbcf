// Operator workflows as processes: sftpgw users add/list/remove on temporary
// repositories (keys made by ssh-keygen; the files they write then build).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { keyPair, secretFragments, ssh2PublicKey } from '../helpers/keys.js';
import { cleanTempDirs, listFiles, runCli, tempDir } from '../helpers/project.js';

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

    describe('keys with lifetimes (the date pinned: SFTPGW_TODAY)', function () {
      const env = { SFTPGW_TODAY: '2026-06-01' };

      it('users add --expires writes { key, expires }; a past or impossible date is a usage error; list and build show it', function () {
        const dir = repo();
        const kp = keyPair('ed25519', 'ops@acme');
        const r = runCli(
          [
            'users',
            'add',
            'acme',
            '--key',
            keyFile(dir, kp.publicKey + '\n'),
            '--expires',
            '2026-06-15',
          ],
          { cwd: dir, env },
        );
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.match(
          /^added acme → users\/acme\.libsonnet: ssh-ed25519 SHA256:\S+ \(expires 2026-06-15\)/,
        );
        const text = readFileSync(path.join(dir, 'users', 'acme.libsonnet'), 'utf8');
        expect(text).to.include(`{ key: '${kp.publicKey}', expires: '2026-06-15' },`);

        const past = runCli(
          [
            'users',
            'add',
            'acme',
            '--key',
            keyFile(dir, kp.publicKey),
            '--expires',
            '2026-05-31',
            '--force',
          ],
          { cwd: dir, env },
        );
        expect(past.status).to.equal(2);
        expect(past.stderr).to.include('--expires 2026-05-31 is past (today is 2026-06-01, UTC)');
        const impossible = runCli(
          [
            'users',
            'add',
            'acme',
            '--key',
            keyFile(dir, kp.publicKey),
            '--expires',
            '2026-06-31',
            '--force',
          ],
          { cwd: dir, env },
        );
        expect(impossible.status).to.equal(2);
        expect(impossible.stderr).to.include(
          '"2026-06-31" is not a day of the calendar (--expires)',
        );
        expect(readFileSync(path.join(dir, 'users', 'acme.libsonnet'), 'utf8')).to.equal(text);

        const table = runCli(['users', 'list'], { cwd: dir, env });
        expect(table.stdout).to.match(
          /acme +ssh-ed25519 SHA256:\S+ expires 2026-06-15 \(expiring\) +acme/,
        );
        const later = runCli(['users', 'list', '--today', '2026-06-16'], { cwd: dir, env });
        expect(later.stdout).to.match(/expires 2026-06-15 \(expired\)/);

        // Built on its last day it is in the template; the day after it is not, with a warning.
        const onTime = runCli(['build', '--no-lint'], { cwd: dir, env });
        expect(onTime.status, onTime.stderr).to.equal(0);
        expect(onTime.stderr).to.include('[users/key-expiring]');
        const tpl = () =>
          readFileSync(path.join(dir, 'dist', 'gateway', 'default', 'template.json'), 'utf8');
        expect(tpl()).to.include(kp.publicKey.split(' ')[1]);
        const late = runCli(['build', '--no-lint', '--today', '2026-06-16'], { cwd: dir, env });
        expect(late.status, late.stderr).to.equal(0);
        expect(late.stderr).to.match(
          /key SHA256:\S+ \(ssh-ed25519 ops@acme\) of acme expired: valid through 2026-06-15, the build's date is 2026-06-16/,
        );
        expect(late.stderr).to.include('[users/all-keys-expired]');
        expect(tpl()).to.not.include(kp.publicKey.split(' ')[1]);
        for (const out of [r, past, table, onTime, late])
          for (const frag of secretFragments(kp.privateKey))
            expect(out.stdout + out.stderr).to.not.include(frag);
      });

      it('users keys: exit 0 when nothing matches, 1 when a key matches --expiring or --expired, 2 on bad usage', function () {
        const dir = repo();
        const [old, cur] = [keyPair('ed25519', 'old@acme'), keyPair('ecdsa:256', 'new@acme')];
        writeFileSync(
          path.join(dir, 'users', 'acme.libsonnet'),
          `{\n  sshPublicKeys: [\n    { key: '${old.publicKey}', expires: '2026-06-10' },\n    '${cur.publicKey}',\n  ],\n}\n`,
        );
        const keys = (args: string[]) => runCli(['users', 'keys', ...args], { cwd: dir, env });
        const all = keys([]);
        expect(all.status, all.stderr).to.equal(0);
        expect(all.stdout.split('\n')[0]).to.match(
          /^USER +TYPE +FINGERPRINT +COMMENT +EXPIRES +STATE +FILE$/,
        );
        expect(all.stdout).to.match(
          /acme +ssh-ed25519 +SHA256:\S+ +old@acme +2026-06-10 +expiring \(9 days left\) +users\/acme\.libsonnet/,
        );
        expect(all.stdout).to.match(
          /acme +ecdsa-sha2-nistp256 +SHA256:\S+ +new@acme +- +ok +users\/acme\.libsonnet/,
        );
        expect(all.stderr).to.include('2 keys as of 2026-06-01 (UTC): 1 ok, 1 expiring, 0 expired');

        expect(keys(['--expiring', '8']).status).to.equal(0);
        const soon = keys(['--expiring', '9']);
        expect(soon.status).to.equal(1);
        expect(soon.stdout).to.include('old@acme').and.not.include('new@acme');
        expect(soon.stderr).to.include('1 key expiring within 9 days as of 2026-06-01 (UTC)');
        expect(keys(['--expired']).status).to.equal(0);
        const after = runCli(['users', 'keys', '--expired', '--today', '2026-06-11'], {
          cwd: dir,
          env,
        });
        expect(after.status).to.equal(1);
        expect(after.stdout).to.match(/old@acme +2026-06-10 +expired 1 day ago/);
        // On its last day it is still valid: --expired does not match it.
        expect(
          runCli(['users', 'keys', '--expired', '--today', '2026-06-10'], { cwd: dir, env }).status,
        ).to.equal(0);

        for (const bad of [
          ['--expiring', 'soon'],
          ['--expiring', '-3'],
          ['--today', '2026-02-30'],
        ]) {
          const u = keys(bad);
          expect(u.status, bad.join(' ')).to.equal(2);
          expect(u.stdout).to.equal('');
        }
        const badEnv = runCli(['users', 'keys'], { cwd: dir, env: { SFTPGW_TODAY: 'yesterday' } });
        expect(badEnv.status).to.equal(2);
        expect(badEnv.stderr).to.include('SFTPGW_TODAY: expected a UTC date written YYYY-MM-DD');
        for (const out of [all, soon, after])
          for (const kp of [old, cur]) {
            expect(out.stdout + out.stderr).to.not.include(kp.publicKey.split(' ')[1]);
            for (const frag of secretFragments(kp.privateKey))
              expect(out.stdout + out.stderr).to.not.include(frag);
          }
      });
    });
  });
});
