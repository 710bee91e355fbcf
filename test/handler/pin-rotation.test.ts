// A partner rotating its host key, on real parts: an OpenSSH sshd that holds
// an ed25519 and an RSA host key (it shows one key per algorithm; the client's
// offer decides which), moto for S3 and Secrets Manager, and every path that
// connects with the function's code — the bundled function
// (test/helpers/handler-harness.ts), handleEvent with an injected clock,
// `destinations deliver --secret-file` and `destinations put/test/list` as
// processes. The ed25519 pin carries an expiry: before it, deliveries go
// through ed25519 (first in the offer); after it, only through the RSA pin;
// with both expired, the delivery fails naming each key and its date.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { expect } from 'chai';
import { handleEvent } from '../../handler/deliver.js';
import { DestinationCache } from '../../handler/destination-cache.js';
import { s3ObjectStore, secretsManagerStore } from '../../handler/aws.js';
import { Logger } from '../../handler/log.js';
import { push } from '../../shared/sftp/push.js';
import {
  logLines,
  metricLines,
  startHandlerHarness,
  type HandlerHarness,
} from '../helpers/handler-harness.js';
import { secretFragments, sshKeygenFingerprint } from '../helpers/keys.js';
import { cleanTempDirs, runCli, tempDir } from '../helpers/project.js';
import { startSshd, type Sshd } from '../helpers/servers.js';

const PREFIX = 'sftpgw/pins';
const CLI_PREFIX = 'sftpgw/pins-cli';
const GATEWAY = 'pins-gateway';
const PAST = '2000-01-31';
const FUTURE = '2999-12-31';

describe('destination host-key pins that expire (sshd with ed25519 + RSA, moto)', function () {
  this.timeout(120_000);

  let lambda: HandlerHarness;
  let sshd: Sshd;
  let ed: { line: string; fp: string };
  let rsa: { line: string; fp: string };
  let project: string;
  const outputs: string[] = [];

  before(async function () {
    [lambda, sshd] = await Promise.all([
      startHandlerHarness({ prefix: PREFIX, gateway: GATEWAY, sshd: false }),
      startSshd({ hostKeys: ['ed25519', 'rsa'] }),
    ]);
    const [edLine, rsaLine] = sshd.hostPublicKeys;
    expect(edLine).to.match(/^ssh-ed25519 /);
    expect(rsaLine).to.match(/^ssh-rsa /);
    ed = { line: edLine, fp: sshKeygenFingerprint(edLine) };
    rsa = { line: rsaLine, fp: sshKeygenFingerprint(rsaLine) };
    project = tempDir();
    writeFileSync(
      path.join(project, 'sftpgw.yaml'),
      // Its own prefix: list --pins sees only the CLI's destination.
      `stackName: ${GATEWAY}\noutbound:\n  secretPrefix: ${CLI_PREFIX}\n`,
    );
    writeFileSync(path.join(project, 'client_key'), sshd.clientKey.privateKey, { mode: 0o600 });
  });

  after(async function () {
    await Promise.all([lambda?.stop(), sshd?.stop()]);
    cleanTempDirs();
    if (!sshd) return;
    const secrets = [...secretFragments(sshd.clientKey.privateKey), 'PRIVATE KEY'];
    for (const text of [...outputs, ...(lambda?.allLines ?? [])])
      for (const s of secrets) expect(text, 'no output carries the private key').not.to.include(s);
  });

  const secretFor = (dir: string, trusted: unknown[]) => ({
    Host: '127.0.0.1',
    Port: sshd.port,
    Username: sshd.user,
    PrivateKey: sshd.clientKey.privateKey,
    TrustedHostKeys: trusted,
    RemoteDirectory: dir,
    FilePattern: '^.*\\.csv$',
  });

  function remoteDir(name: string): string {
    const dir = path.join(sshd.root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  const cli = (args: string[], env: Record<string, string> = {}, input?: string) => {
    const r = runCli(args, {
      cwd: project,
      env: { ...lambda.moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      input,
    });
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  describe('the bundled function', function () {
    it('delivers through the RSA pin when the ed25519 pin expired (ed25519 is offered first otherwise)', async function () {
      // Control: both pins live → the server answers with ed25519 (first in the offer).
      const both = remoteDir('both-live');
      await lambda.putSecret('both-live', secretFor(both, [ed.line, rsa.line]));
      const o1 = await lambda.stage('both-live/a.csv', 'one\n');
      const inv1 = await lambda.invoke(lambda.event([o1]));
      expect(inv1.error, JSON.stringify(inv1.lines)).to.equal(undefined);
      expect(logLines(inv1)[0]).to.include({
        outcome: 'delivered',
        hostKey: `ssh-ed25519 ${ed.fp}`,
      });

      const dir = remoteDir('rotating');
      await lambda.putSecret(
        'rotating',
        secretFor(dir, [
          { Key: ed.line, Expires: PAST },
          { Key: rsa.line, Expires: FUTURE },
        ]),
      );
      const o = await lambda.stage('rotating/orders.csv', 'a,b\n');
      const inv = await lambda.invoke(lambda.event([o]));
      expect(inv.error, JSON.stringify(inv.lines)).to.equal(undefined);
      const [line] = logLines(inv);
      expect(line).to.include({
        outcome: 'delivered',
        hostKey: `ssh-rsa ${rsa.fp}`,
        pinExpires: FUTURE,
      });
      expect(readFileSync(path.join(dir, 'orders.csv'), 'utf8')).to.equal('a,b\n');
      expect((await lambda.tags(o))['sftpgw:status']).to.equal('delivered');
    });

    it('with every pin expired: failed (retried), naming each key, its date and what to do', async function () {
      const dir = remoteDir('all-expired');
      await lambda.putSecret(
        'all-expired',
        secretFor(dir, [
          { Key: ed.line, Expires: PAST },
          { Key: rsa.line, Expires: '2001-06-30' },
        ]),
      );
      const o = await lambda.stage('all-expired/orders.csv', 'a,b\n');
      const inv = await lambda.invoke(lambda.event([o]));
      expect(inv.error?.message).to.match(/1 of 1 record\(s\) failed; the event will be retried/);
      const [line] = logLines(inv);
      expect(line).to.include({ outcome: 'failed', errorKind: 'host-key' });
      const error = line.error as string;
      expect(error).to.include(
        `host key of 127.0.0.1:${sshd.port} is pinned in TrustedHostKeys but no longer trusted: the server presented ssh-ed25519 ${ed.fp}, whose pin expired (Expires ${PAST}: trusted through that UTC day) and ssh-rsa ${rsa.fp}, whose pin expired (Expires 2001-06-30: trusted through that UTC day)`,
      );
      expect(error).to.include('sftpgw destinations put <destination> … --trusted-host-key');
      expect(metricLines(inv)[0]).to.include({ Failed: 1, Delivered: 0 });
      const tags = await lambda.tags(o);
      expect(tags['sftpgw:status']).to.equal('failed');
      expect(tags['sftpgw:detail']).to.include('no longer trusted');
      expect(readdirSync(dir)).to.deep.equal([]);
    });
  });

  describe('handleEvent with an injected clock (the deps’ now)', function () {
    it('trusts the ed25519 pin through its Expires day (23:59:59Z) and uses RSA from 00:00Z the day after', async function () {
      const dir = remoteDir('boundary');
      await lambda.putSecret(
        'boundary',
        secretFor(dir, [{ Key: ed.line, Expires: '2027-01-31' }, rsa.line]),
      );
      const run = async (now: string, file: string) => {
        const o = await lambda.stage(`boundary/${file}`, `${now}\n`);
        const lines: Array<Record<string, unknown>> = [];
        const outcomes = await handleEvent(lambda.event([o]), {
          objects: s3ObjectStore(),
          destinations: new DestinationCache(secretsManagerStore(), 0),
          push,
          log: new Logger((l) => void lines.push(JSON.parse(l)), {}),
          secretPrefix: PREFIX,
          dimensions: { Gateway: GATEWAY },
          deadline: Date.now() + 60_000,
          now: () => new Date(now),
        });
        expect(outcomes[0].outcome).to.equal('delivered');
        return lines.find((l) => l.outcome === 'delivered')!;
      };
      expect(await run('2027-01-31T23:59:59.999Z', 'last-day.csv')).to.include({
        hostKey: `ssh-ed25519 ${ed.fp}`,
        pinExpires: '2027-01-31',
      });
      const after = await run('2027-02-01T00:00:00.000Z', 'day-after.csv');
      expect(after).to.include({ hostKey: `ssh-rsa ${rsa.fp}` });
      expect(after.pinExpires).to.equal(undefined);
    });
  });

  describe('the CLI as a process (same connect code)', function () {
    it('deliver --secret-file: through RSA when the ed25519 pin expired; fails naming both when both did', function () {
      const dir = remoteDir('cli-deliver');
      const file = path.join(project, 'orders.csv');
      writeFileSync(file, 'x,y\n');
      const secretFile = path.join(project, 'rotating.json');
      writeFileSync(
        secretFile,
        JSON.stringify(secretFor(dir, [{ Key: ed.line, Expires: '2027-01-31' }, rsa.line])),
      );
      const deliver = (today: string) =>
        cli(
          [
            'destinations',
            'deliver',
            'partner',
            file,
            '--secret-file',
            secretFile,
            '--output',
            'json',
          ],
          { SFTPGW_TODAY: today },
        );
      const onDay = deliver('2027-01-31');
      expect(onDay.status, onDay.stderr).to.equal(0);
      expect(JSON.parse(onDay.stdout).hostKey).to.deep.equal({
        type: 'ssh-ed25519',
        fingerprint: ed.fp,
        expires: '2027-01-31',
      });
      const dayAfter = deliver('2027-02-01');
      expect(dayAfter.status, dayAfter.stderr).to.equal(0);
      expect(JSON.parse(dayAfter.stdout).hostKey).to.deep.equal({
        type: 'ssh-rsa',
        fingerprint: rsa.fp,
        expires: null,
      });

      writeFileSync(
        secretFile,
        JSON.stringify(
          secretFor(dir, [
            { Key: ed.line, Expires: '2027-01-31' },
            { Key: rsa.line, Expires: '2027-01-31' },
          ]),
        ),
      );
      const failed = cli(
        ['destinations', 'deliver', 'partner', file, '--secret-file', secretFile],
        { SFTPGW_TODAY: '2027-02-01' },
      );
      expect(failed.status).to.equal(1);
      expect(failed.stderr).to.include(
        `delivery to destination partner failed: host key of 127.0.0.1:${sshd.port} is pinned in TrustedHostKeys but no longer trusted: the server presented ssh-ed25519 ${ed.fp}, whose pin expired (Expires 2027-01-31: trusted through that UTC day) and ssh-rsa ${rsa.fp}`,
      );
      expect(failed.stderr).to.include('today is 2027-02-01 (UTC)');

      // A bad date in the file: refused naming the field, before any connection.
      writeFileSync(
        secretFile,
        JSON.stringify(secretFor(dir, [{ Key: ed.line, Expires: '2027-02-30' }])),
      );
      const bad = cli(['destinations', 'deliver', 'partner', file, '--secret-file', secretFile]);
      expect(bad.status).to.equal(1);
      expect(bad.stderr).to.include('TrustedHostKeys/0/Expires: is not a calendar date');
    });

    it('put --pin-expires stores { Key, Expires }; test goes through RSA after the date; list --pins shows expiring and expired pins', async function () {
      const dir = remoteDir('cli-stored');
      const put = (extra: string[], today = '2027-01-01') =>
        cli(
          [
            'destinations',
            'put',
            'partner',
            '--host',
            '127.0.0.1',
            '--port',
            String(sshd.port),
            '--username',
            sshd.user,
            '--private-key-file',
            'client_key',
            '--remote-dir',
            dir,
            '--pattern',
            '.*\\.csv',
            ...extra,
          ],
          { SFTPGW_TODAY: today },
        );
      const before = put(['--pin-expires', '2027-01-31', '--trusted-host-key', ed.line]);
      expect(before.status).to.equal(2);
      expect(before.stderr).to.include(
        '--pin-expires must follow the --trusted-host-key it applies to',
      );
      const past = put(['--trusted-host-key', ed.line, '--pin-expires', '2026-12-31']);
      expect(past.status).to.equal(2);
      expect(past.stderr).to.include('already past (today is 2027-01-01 UTC)');

      const ok = put([
        '--trusted-host-key',
        rsa.line,
        '--trusted-host-key',
        ed.line,
        '--pin-expires',
        '2027-01-31',
      ]);
      expect(ok.status, ok.stderr).to.equal(0);
      const stored = JSON.parse(
        (await lambda.sm.send(new GetSecretValueCommand({ SecretId: `${CLI_PREFIX}/partner` })))
          .SecretString!,
      );
      expect(stored.TrustedHostKeys).to.deep.equal([
        rsa.line,
        { Key: ed.line, Expires: '2027-01-31' },
      ]);

      // rsa pinned first, but the offer is in family order: ed25519 while its pin holds.
      const onDay = cli(['destinations', 'test', 'partner'], { SFTPGW_TODAY: '2027-01-31' });
      expect(onDay.status, onDay.stderr).to.equal(0);
      expect(onDay.stdout).to.include(
        `pinned host key matched: ssh-ed25519 ${ed.fp}, pin trusted through 2027-01-31 UTC`,
      );
      const after = cli(['destinations', 'test', 'partner', '--output', 'json'], {
        SFTPGW_TODAY: '2027-02-01',
      });
      expect(after.status, after.stderr).to.equal(0);
      expect(JSON.parse(after.stdout).hostKey).to.deep.equal({
        type: 'ssh-rsa',
        fingerprint: rsa.fp,
        expires: null,
      });

      const scan = cli(['destinations', 'test', 'partner', '--scan'], {
        SFTPGW_TODAY: '2027-02-01',
      });
      expect(scan.status, scan.stdout).to.equal(0); // the RSA pin still holds
      expect(scan.stdout).to.match(
        new RegExp(`EXPIRED +ssh-ed25519 +${escaped(ed.fp)} +\\(pin expired 2027-01-31 UTC\\)`),
      );
      expect(scan.stdout).to.match(new RegExp(`pinned +ssh-rsa +${escaped(rsa.fp)}`));

      // Names and tags only without --pins (no pins read, exit 0).
      const plain = cli(['destinations', 'list', '--output', 'json']);
      expect(plain.status).to.equal(0);
      expect(JSON.parse(plain.stdout)[0]).to.include({ pins: null, pinsProblem: null });

      const listed = (today: string, extra: string[] = []) =>
        cli(['destinations', 'list', '--pins', ...extra, '--output', 'json'], {
          SFTPGW_TODAY: today,
        });
      const calm = listed('2026-11-01');
      expect(calm.status, calm.stderr).to.equal(0);
      const expiring = listed('2027-01-10');
      expect(expiring.status).to.equal(1);
      const partner = (JSON.parse(expiring.stdout) as Array<Record<string, unknown>>).find(
        (d) => d.key === 'partner',
      )!;
      expect(partner.pins).to.deep.equal([
        { type: 'ssh-rsa', fingerprint: rsa.fp, expires: null, daysLeft: null, state: 'ok' },
        {
          type: 'ssh-ed25519',
          fingerprint: ed.fp,
          expires: '2027-01-31',
          daysLeft: 21,
          state: 'expiring',
        },
      ]);
      // A narrower window: not expiring yet.
      expect(listed('2027-01-10', ['--within', '20']).status).to.equal(0);

      const text = cli(['destinations', 'list', '--pins'], { SFTPGW_TODAY: '2027-02-01' });
      expect(text.status).to.equal(1);
      expect(text.stdout).to.match(
        new RegExp(`partner +ssh-ed25519 ${escaped(ed.fp)} +2027-01-31 +EXPIRED: not trusted`),
      );
      expect(text.stdout).to.match(new RegExp(`partner +ssh-rsa ${escaped(rsa.fp)} +never +ok`));
      expect(text.stdout).to.include("pin the partner's new key beside it");
    });
  });
});

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
