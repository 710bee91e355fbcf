// Operator workflows as processes: sftpgw destinations put/test/list/remove
// against a real moto server and a real OpenSSH sshd on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
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
import { keyPair, secretFragments } from '../helpers/keys.js';
import { cleanTempDirs, cliBin, runCli, tempDir } from '../helpers/project.js';
import { startMoto, startSshd, startTogether, type Moto, type Sshd } from '../helpers/servers.js';

describe('operator workflows', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

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
        // Without --pins no value is read.
        pins: null,
        pinsProblem: null,
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
        /^ok: 127\.0\.0\.1:\d+ \(pinned host key matched: ssh-ed25519 SHA256:\S+\), \S+ lists \d+ entr/,
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
});
