// The outbound push against every kind of SFTP server partners run, with real
// parts: the bundled handler (test/helpers/handler-harness.ts: moto for S3 and
// Secrets Manager), the `sftpgw destinations test` CLI process, and these
// servers on 127.0.0.1, each started once for this file and stopped by PID:
//   - OpenSSH internal-sftp with ed25519 and RSA host keys
//   - gesftpserver as the sftp subsystem of a private OpenSSH sshd
//   - ProFTPD mod_sftp: AllowOverwrite on (as partners commonly set it);
//     SFTPExtensions -posixRename; its defaults (AllowOverwrite off); an
//     RSA host key only
// Every case runs on every server (table-driven). 64 MiB objects only where
// size matters: once plain, once with two invocations racing. The function
// runs with PARALLEL_MIN_BYTES at 1 MiB and PARALLEL_MIN_RTT_MS at 0 (on
// loopback it would stay on one channel), so every file of 1 MiB or more here
// (8 MiB cut mid-way, 64 MiB) is written in ranges over several channels;
// servers allowing one session per connection (OpenSSH MaxSessions 1,
// ProFTPD SFTPMaxChannels 1) show the lanes going over connections of their
// own, and one that also refuses concurrent logins (PerSourceMaxStartups 1)
// the fallback to fewer.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy.js';
import { keyPair, secretFragments, sshKeygenFingerprint } from '../helpers/keys.js';
import {
  logLines,
  sha256,
  startHandlerHarness,
  type HandlerHarness,
  type Invocation,
  type Staged,
} from '../helpers/handler-harness.js';
import { runCliAsync, tempDir, cleanTempDirs } from '../helpers/project.js';
import { startProftpd } from '../helpers/proftpd.js';
import { listeningAddresses, startSshd, type SftpServer } from '../helpers/servers.js';

const GATEWAY = 'interop';
const PREFIX = `sftpgw/${GATEWAY}`; // what the CLI derives from stackName: interop
const MiB = 1024 * 1024;
const BIG = 64 * MiB;
/** Channels a parallel write asks for by default (shared/sftp/push.ts DEFAULT_CHANNELS). */
const CHANNELS = 4;

interface ServerCase {
  id: string;
  title: string;
  start(): Promise<SftpServer>;
  /** The server advertises posix-rename@openssh.com (atomic replace). */
  posixRename: boolean;
  proftpd?: boolean;
  /**
   * Why large files go over one channel here, when they do: ProFTPD with
   * AllowOverwrite off refuses to open the (existing) part file for writing
   * on a second channel, so the push falls back, saying so.
   */
  oneChannel?: RegExp;
}

const SERVERS: ServerCase[] = [
  {
    id: 'openssh',
    title: 'OpenSSH, ed25519 + RSA host keys',
    start: () => startSshd({ hostKeys: ['ed25519', 'rsa'] }),
    posixRename: true,
  },
  {
    id: 'gesftp',
    title: 'gesftpserver behind OpenSSH',
    start: () => startSshd({ sftpServer: '/usr/libexec/gesftpserver' }),
    posixRename: true,
  },
  {
    id: 'proftpd',
    title: 'ProFTPD mod_sftp, AllowOverwrite on',
    start: () => startProftpd({ allowOverwrite: true }),
    posixRename: true,
    proftpd: true,
  },
  {
    id: 'proftpd-norename',
    title: 'ProFTPD, SFTPExtensions -posixRename',
    start: () => startProftpd({ allowOverwrite: true, posixRename: false }),
    posixRename: false,
    proftpd: true,
  },
  {
    id: 'proftpd-default',
    title: 'ProFTPD defaults (AllowOverwrite off)',
    start: () => startProftpd({ allowOverwrite: false }),
    posixRename: true,
    proftpd: true,
    oneChannel:
      /^the server allowed 1 of \d+ channels: opening the part file on another channel failed: Permission denied$/,
  },
  {
    id: 'proftpd-rsa',
    title: 'ProFTPD, RSA host key only',
    start: () => startProftpd({ allowOverwrite: true, hostKeys: ['rsa'] }),
    posixRename: true,
    proftpd: true,
  },
];

/** The host-key algorithms a server offers for one of its keys (what ssh2 sees in KEXINIT). */
function algorithmsOf(line: string): string[] {
  const type = line.split(' ')[0];
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256'] : [type];
}

const parts = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.sftpgw-part'));

describe('SFTP server interop (bundle + moto + OpenSSH, gesftpserver, ProFTPD)', function () {
  this.timeout(180_000);

  let lambda: HandlerHarness;
  const servers = new Map<string, SftpServer>();
  let big: Staged;
  let bigBody: Buffer;
  let project: string;
  let sha1Only: SftpServer;
  let oneSession: SftpServer;
  let oneChannel: SftpServer;
  let fewConnections: SftpServer;

  before(async function () {
    const started = await Promise.allSettled([
      startHandlerHarness({
        prefix: PREFIX,
        gateway: GATEWAY,
        sshd: false,
        env: { PARALLEL_MIN_BYTES: String(MiB), PARALLEL_MIN_RTT_MS: '0' },
      }),
      ...SERVERS.map((s) => s.start()),
      // An old server: its RSA key signs only with SHA-1.
      startSshd({ hostKeys: ['rsa'], extraConfig: ['HostKeyAlgorithms ssh-rsa'] }),
      // Servers that allow one SFTP session per connection; the last also
      // one unauthenticated connection at a time from an address.
      startSshd({ extraConfig: ['MaxSessions 1'] }),
      startProftpd({ allowOverwrite: true, maxChannels: 1 }),
      startSshd({ extraConfig: ['MaxSessions 1', 'PerSourceMaxStartups 1'] }),
    ]);
    const extras = ['sha1-only', 'one-session', 'one-channel', 'few-connections'];
    started.forEach((r, i) => {
      if (r.status === 'fulfilled' && i > 0)
        servers.set(SERVERS[i - 1]?.id ?? extras[i - 1 - SERVERS.length], r.value as SftpServer);
    });
    sha1Only = servers.get('sha1-only')!;
    oneSession = servers.get('one-session')!;
    oneChannel = servers.get('one-channel')!;
    fewConnections = servers.get('few-connections')!;
    if (started[0].status === 'fulfilled') lambda = started[0].value as HandlerHarness;
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason; // after() stops whatever did start
    bigBody = randomBytes(BIG);
    big = await lambda.stage('source/big.bin', bigBody);
    project = tempDir('sftpgw-interop-cli-');
    writeFileSync(path.join(project, 'sftpgw.yaml'), `stackName: ${GATEWAY}\n`);
  });

  after(async function () {
    await Promise.all([lambda?.stop(), ...[...servers.values()].map((s) => s.stop())]);
    const secrets = [...servers.values()].flatMap((s) => secretFragments(s.clientKey.privateKey));
    for (const line of lambda?.allLines ?? []) {
      expect(() => JSON.parse(line), `a log line is not JSON: ${line}`).not.to.throw();
      for (const s of secrets) expect(line, 'a log line leaks secret material').not.to.include(s);
    }
    cleanTempDirs();
  });

  /** A destination `<id>-<name>` on a server; returns its key and the remote (= local) folder. */
  async function destinationOn(
    server: SftpServer,
    id: string,
    name: string,
    overrides: Record<string, unknown> = {},
  ): Promise<{ key: string; dir: string }> {
    const key = `${id}-${name}`;
    const dir = path.join(server.root, key);
    mkdirSync(dir, { recursive: true });
    await lambda.putSecret(key, {
      Host: '127.0.0.1',
      Port: server.port,
      Username: server.user,
      PrivateKey: server.clientKey.privateKey,
      TrustedHostKeys: [server.hostPublicKey],
      RemoteDirectory: dir,
      FilePattern: '.*',
      ...overrides,
    });
    return { key, dir };
  }

  async function deliver(
    key: string,
    file: string,
    body: Buffer | string,
  ): Promise<{ obj: Staged; inv: Invocation }> {
    const obj = await lambda.stage(`${key}/${file}`, body);
    return { obj, inv: await lambda.invoke(lambda.event([obj])) };
  }

  const outcome = (inv: Invocation): string | undefined => inv.result?.outcomes[0]?.outcome;
  const cli = (args: string[]) =>
    runCliAsync(args, {
      cwd: project,
      env: { ...lambda.moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });

  it('ProFTPD runs in the foreground as our child, on 127.0.0.1 only, with its own pid and scoreboard files', function () {
    for (const s of SERVERS.filter((c) => c.proftpd)) {
      const server = servers.get(s.id)!;
      expect(listeningAddresses(server.pid), s.id).to.deep.equal([`127.0.0.1:${server.port}`]);
      expect(
        Number(readFileSync(path.join(server.dir, 'proftpd.pid'), 'utf8').trim()),
        `${s.id} pid file`,
      ).to.equal(server.pid);
      expect(
        existsSync(path.join(server.dir, 'proftpd.scoreboard')),
        `${s.id} scoreboard`,
      ).to.equal(true);
    }
  });

  it('refuses a server that signs with its RSA key only via SHA-1 (ssh-rsa), saying so; --scan marks the key REFUSED', async function () {
    const { key, dir } = await destinationOn(sha1Only, 'sha1', 'pinned');
    const { inv } = await deliver(key, 'a.txt', 'x');
    expect(inv.error).to.be.instanceOf(Error);
    const line = logLines(inv).find((l) => l.outcome === 'failed')!;
    expect(line.errorKind).to.equal('host-key');
    expect(String(line.error)).to.match(
      /holds no host key of a pinned type: pinned: 1 ssh-rsa key; the server offers ssh-rsa; its RSA key signs only with SHA-1 \(ssh-rsa\), which sftpgw never accepts/,
    );
    expect(readdirSync(dir)).to.deep.equal([]);
    const scan = await cli(['destinations', 'test', key, '--scan', '--output', 'json']);
    expect(scan.status, 'no key a delivery accepts').to.equal(1);
    const scanned = JSON.parse(scan.stdout) as {
      offered: string[];
      keys: Array<{ type: string; fingerprint: string; pinned: boolean; acceptable: boolean }>;
    };
    expect(scanned.offered).to.deep.equal(['ssh-rsa']);
    expect(scanned.keys).to.deep.equal([
      {
        type: 'ssh-rsa',
        fingerprint: sshKeygenFingerprint(sha1Only.hostPublicKey),
        line: sha1Only.hostPublicKey.split(' ').slice(0, 2).join(' '),
        pinned: true,
        pinExpires: null,
        expired: false,
        acceptable: false,
      },
    ]);
  });

  for (const [title, which] of [
    ['OpenSSH with MaxSessions 1', () => oneSession],
    ['ProFTPD with SFTPMaxChannels 1', () => oneChannel],
  ] as const) {
    it(`${title}: a large file goes over one channel on each of ${CHANNELS} connections, saying so in the log line, and arrives byte for byte`, async function () {
      const server = which();
      const { key, dir } = await destinationOn(server, 'one', title.split(' ')[0].toLowerCase());
      const body = randomBytes(8 * MiB);
      const { inv } = await deliver(key, 'data.bin', body);
      expect(inv.error, inv.error?.message).to.equal(undefined);
      const line = logLines(inv).find((l) => l.outcome === 'delivered')!;
      expect(line.channels).to.equal(CHANNELS);
      expect(line.connections).to.equal(CHANNELS);
      expect(String(line.fallback)).to.match(
        new RegExp(
          `^the server allowed ${CHANNELS} of ${CHANNELS} channels: .+; ${CHANNELS - 1} of them on connections of their own \\(the server limits channels per connection\\)$`,
        ),
      );
      expect(sha256(readFileSync(path.join(dir, 'data.bin')))).to.equal(sha256(body));
      expect(readdirSync(dir)).to.deep.equal(['data.bin']);
      // destinations test says so before any delivery does.
      const t = await cli(['destinations', 'test', key, '--output', 'json']);
      expect(t.status, t.stderr).to.equal(0);
      const { channels } = JSON.parse(t.stdout) as {
        channels: { wanted: number; allowed: number; refused: string | null };
      };
      expect(channels).to.include({ wanted: CHANNELS, allowed: 1 });
      expect(channels.refused).to.be.a('string');
    });
  }

  it('OpenSSH with MaxSessions 1 and PerSourceMaxStartups 1 (more connections refused too): fewer lanes, the refusals in the log line, byte for byte', async function () {
    const { key, dir } = await destinationOn(fewConnections, 'few', 'openssh');
    const body = randomBytes(8 * MiB);
    const { inv } = await deliver(key, 'data.bin', body);
    expect(inv.error, inv.error?.message).to.equal(undefined);
    const line = logLines(inv).find((l) => l.outcome === 'delivered')!;
    expect(line.channels, 'one channel per connection').to.equal(line.connections ?? 1);
    expect(Number(line.channels)).to.be.lessThan(CHANNELS);
    expect(String(line.fallback)).to.match(/; \d more connections? refused: .+$/);
    expect(sha256(readFileSync(path.join(dir, 'data.bin')))).to.equal(sha256(body));
    expect(readdirSync(dir)).to.deep.equal(['data.bin']);
  });

  for (const spec of SERVERS) {
    describe(spec.title, function () {
      let server: SftpServer;
      before(function () {
        server = servers.get(spec.id)!;
      });

      const destination = (name: string, overrides: Record<string, unknown> = {}) =>
        destinationOn(server, spec.id, name, overrides);

      // --- host-key pins ---------------------------------------------------------

      for (const form of ['key line', 'SHA256 fingerprint'] as const) {
        it(`delivers a small file byte for byte with each of the server's host keys pinned by ${form}`, async function () {
          for (const [i, line] of server.hostPublicKeys.entries()) {
            const pin = form === 'key line' ? line : sshKeygenFingerprint(line);
            const { key, dir } = await destination(
              `pin-${form === 'key line' ? 'line' : 'fp'}-${i}`,
              { TrustedHostKeys: [pin] },
            );
            const body = `pinned ${line.split(' ')[0]} by ${form}\n`;
            const { obj, inv } = await deliver(key, 'orders.csv', body);
            expect(inv.error, `${line.split(' ')[0]}: ${inv.error?.message}`).to.equal(undefined);
            expect(outcome(inv)).to.equal('delivered');
            expect(readFileSync(path.join(dir, 'orders.csv'), 'utf8')).to.equal(body);
            expect(readdirSync(dir)).to.deep.equal(['orders.csv']);
            expect((await lambda.tags(obj))['sftpgw:status']).to.equal('delivered');
          }
        });
      }

      for (const form of ['key line', 'SHA256 fingerprint'] as const) {
        it(`never connects with a wrong pin (${form}); the error names what the server offers and what is pinned`, async function () {
          const other = keyPair('ed25519', 'not-the-server@sftpgw').publicKey;
          const pin = form === 'key line' ? other : sshKeygenFingerprint(other);
          const { key, dir } = await destination(
            `wrongpin-${form === 'key line' ? 'line' : 'fp'}`,
            { TrustedHostKeys: [pin] },
          );
          const { obj, inv } = await deliver(key, 'a.txt', 'x');
          expect(inv.error, 'thrown so Lambda retries').to.be.instanceOf(Error);
          const line = logLines(inv).find((l) => l.outcome === 'failed')!;
          expect(line.errorKind).to.equal('host-key');
          const msg = String(line.error);
          for (const alg of server.hostPublicKeys.flatMap(algorithmsOf))
            expect(msg, 'names the algorithms the server offers').to.include(alg);
          expect(msg).to.include(
            form === 'key line' ? 'pinned: 1 ssh-ed25519 key' : 'pinned: 1 SHA256 fingerprint',
          );
          expect(msg).not.to.match(/key (has )?changed/i);
          expect(readdirSync(dir)).to.deep.equal([]);
          expect((await lambda.tags(obj))['sftpgw:status']).to.equal('failed');
        });
      }

      // --- sizes and names ---------------------------------------------------------

      it(`delivers 64 MiB byte for byte over ${spec.oneChannel ? '1 channel (fallback)' : `${CHANNELS} channels`}, no temporary file left`, async function () {
        const { key, dir } = await destination('big');
        const obj = await lambda.copy(big, `${key}/archive.bin`);
        const inv = await lambda.invoke(lambda.event([obj]));
        expect(inv.error, inv.error?.message).to.equal(undefined);
        const line = logLines(inv).find((l) => l.outcome === 'delivered')!;
        if (spec.oneChannel) {
          expect(line.channels).to.equal(1);
          expect(String(line.fallback)).to.match(spec.oneChannel);
        } else {
          expect(line.channels, String(line.fallback)).to.equal(CHANNELS);
          expect(line.fallback).to.equal(undefined);
        }
        expect(sha256(readFileSync(path.join(dir, 'archive.bin')))).to.equal(sha256(bigBody));
        expect(readdirSync(dir)).to.deep.equal(['archive.bin']);
        await lambda.remove(obj);
      });

      it('MaxConnections caps the channels (2), and 1 writes in order over one, without a fallback', async function () {
        for (const max of [2, 1]) {
          const { key, dir } = await destination(`max${max}`, { MaxConnections: max });
          const body = randomBytes(3 * MiB + 17);
          const { inv } = await deliver(key, 'data.bin', body);
          expect(inv.error, inv.error?.message).to.equal(undefined);
          const line = logLines(inv).find((l) => l.outcome === 'delivered')!;
          expect(line.channels).to.equal(spec.oneChannel ? 1 : max);
          if (spec.oneChannel && max > 1) expect(String(line.fallback)).to.match(spec.oneChannel);
          else expect(line.fallback).to.equal(undefined);
          expect(sha256(readFileSync(path.join(dir, 'data.bin')))).to.equal(sha256(body));
          expect(readdirSync(dir)).to.deep.equal(['data.bin']);
        }
      });

      it('delivers file names of 255 bytes (ASCII and multi-byte): temporary names stay within the limit', async function () {
        const { key, dir } = await destination('longnames');
        const names = ['a'.repeat(251) + '.csv', 'ü'.repeat(125) + '.csv'];
        for (const n of names) expect(Buffer.byteLength(n)).to.be.within(254, 255);
        const objs = await Promise.all(names.map((n) => lambda.stage(`${key}/${n}`, n)));
        const inv = await lambda.invoke(lambda.event(objs));
        expect(inv.error, inv.error?.message).to.equal(undefined);
        expect(readdirSync(dir).sort()).to.deep.equal([...names].sort());
        for (const n of names) expect(readFileSync(path.join(dir, n), 'utf8')).to.equal(n);
      });

      // --- at least once: duplicates, lost tags, existing names -------------------------

      it('does not send a delivered object version again (duplicate event)', async function () {
        const { key, dir } = await destination('dupe');
        const { obj, inv } = await deliver(key, 'once.txt', 'once');
        expect(inv.error).to.equal(undefined);
        writeFileSync(path.join(dir, 'once.txt'), 'the partner changed it'); // a re-send would overwrite it
        const again = await lambda.invoke(lambda.event([obj]));
        expect(again.error).to.equal(undefined);
        expect(outcome(again)).to.equal('duplicate');
        expect(readFileSync(path.join(dir, 'once.txt'), 'utf8')).to.equal('the partner changed it');
      });

      it('re-sends after a lost tag: the final file is the object, nothing else is left', async function () {
        const { key, dir } = await destination('losttag');
        const body = randomBytes(300 * 1024);
        const { obj, inv } = await deliver(key, 'data.bin', body);
        expect(inv.error).to.equal(undefined);
        await lambda.clearTags(obj); // the tag write after the rename was lost
        const again = await lambda.invoke(lambda.event([obj]));
        expect(again.error, again.error?.message).to.equal(undefined);
        // posix-rename replaces atomically; without it the identical file is found and kept.
        expect(outcome(again)).to.equal(spec.posixRename ? 'delivered' : 'duplicate');
        expect(sha256(readFileSync(path.join(dir, 'data.bin')))).to.equal(sha256(body));
        expect(readdirSync(dir)).to.deep.equal(['data.bin']);
        expect(await lambda.tags(obj)).to.include({
          'sftpgw:status': spec.posixRename ? 'delivered' : 'duplicate',
          'sftpgw:detail': path.join(dir, 'data.bin'),
        });
      });

      it('replaces an existing different file under the final name (Overwrite: replace, the default)', async function () {
        const { key, dir } = await destination('replace');
        writeFileSync(path.join(dir, 'report.csv'), 'an older report, longer than the new one\n');
        const { inv } = await deliver(key, 'report.csv', 'new report\n');
        expect(inv.error, inv.error?.message).to.equal(undefined);
        expect(outcome(inv)).to.equal('delivered');
        expect(readFileSync(path.join(dir, 'report.csv'), 'utf8')).to.equal('new report\n');
        expect(readdirSync(dir)).to.deep.equal(['report.csv']);
      });

      it('with Overwrite: never, rejects (no retry) a different existing file and keeps it; an identical one is a duplicate', async function () {
        const { key, dir } = await destination('never', { Overwrite: 'never' });
        writeFileSync(path.join(dir, 'report.csv'), 'the partner has not fetched this one yet\n');
        const { obj, inv } = await deliver(key, 'report.csv', 'new report\n');
        expect(inv.error, 'a rejection is not retried').to.equal(undefined);
        expect(outcome(inv)).to.equal('rejected');
        expect((await lambda.tags(obj))['sftpgw:status']).to.equal('rejected');
        expect((await lambda.tags(obj))['sftpgw:detail']).to.match(
          /^exists: .*report\.csv on 127\.0\.0\.1:\d+ already holds a different file/,
        );
        expect(readFileSync(path.join(dir, 'report.csv'), 'utf8')).to.equal(
          'the partner has not fetched this one yet\n',
        );
        expect(readdirSync(dir)).to.deep.equal(['report.csv']);

        writeFileSync(path.join(dir, 'same.csv'), 'same\n');
        const same = await deliver(key, 'same.csv', 'same\n');
        expect(same.inv.error).to.equal(undefined);
        expect(outcome(same.inv)).to.equal('duplicate');
        expect(await lambda.tags(same.obj)).to.include({
          'sftpgw:status': 'duplicate',
          'sftpgw:detail': path.join(dir, 'same.csv'),
        });
        expect(readdirSync(dir).sort()).to.deep.equal(['report.csv', 'same.csv']);
      });

      // --- failures and races -----------------------------------------------------------

      describe('over a connection that can be dropped', function () {
        let proxy: CuttingProxy;
        before(async function () {
          proxy = await startCuttingProxy(server.port);
        });
        after(async function () {
          await proxy?.close();
        });

        it('a transfer cut mid-way fails; the retry delivers the complete file; stale part files are swept only once old', async function () {
          const { key, dir } = await destination('dropped', { Port: proxy.port });
          const body = randomBytes(8 * MiB);
          const obj = await lambda.stage(`${key}/data.bin`, body);
          const cutsBefore = proxy.cuts;
          proxy.cutNext(2 * MiB);
          const first = await lambda.invoke(lambda.event([obj]));
          expect(proxy.cuts - cutsBefore, 'the connection was cut').to.equal(1);
          expect(first.error, 'thrown so Lambda retries').to.be.instanceOf(Error);
          // 8 MiB take the parallel path: the cut failed ranges, and nothing was published.
          expect(String(logLines(first).find((l) => l.outcome === 'failed')?.error)).to.match(
            spec.oneChannel
              ? /failed after \d+ bytes/
              : new RegExp(`over ${CHANNELS} channels failed after \\d+ bytes`),
          );
          expect(
            readdirSync(dir).filter((f) => !f.endsWith('.sftpgw-part')),
            'nothing under a final name',
          ).to.deep.equal([]);
          const leftovers = parts(dir);

          const retry = await lambda.invoke(lambda.event([obj]));
          expect(retry.error, retry.error?.message).to.equal(undefined);
          expect(sha256(readFileSync(path.join(dir, 'data.bin')))).to.equal(sha256(body));
          expect(parts(dir), 'the retry left nothing of its own').to.deep.equal(leftovers);

          // The dropped attempt's part file, once older than any attempt can run, goes with the next delivery;
          // a young one (an attempt that may still be running) and the partner's hidden files stay.
          const young = `.young.csv.${'a'.repeat(16)}.${'b'.repeat(12)}.sftpgw-part`;
          writeFileSync(path.join(dir, young), 'still being written');
          writeFileSync(path.join(dir, '.partner-temp'), 'not ours');
          const old = new Date(Date.now() - 25 * 60_000);
          for (const p of leftovers) utimesSync(path.join(dir, p), old, old);
          const next = await deliver(key, 'next.txt', 'next');
          expect(next.inv.error, next.inv.error?.message).to.equal(undefined);
          expect(readdirSync(dir).sort()).to.deep.equal(
            ['.partner-temp', young, 'data.bin', 'next.txt'].sort(),
          );
        });

        it('the same event three times at once (64 MiB; two more start at 2 MiB written, one of them cut after 1 MiB): the final file never differs from the object', async function () {
          const { key, dir } = await destination('race', { Port: proxy.port });
          const obj = await lambda.copy(big, `${key}/race.bin`);
          const event = lambda.event([obj]);
          const final = path.join(dir, 'race.bin');
          const accepted = proxy.accepted;
          const cuts = proxy.cuts;
          // Three warm containers: the later two must start while the first is still sending.
          await lambda.warm(3);
          // Hash the final file the moment it appears: a reader only ever sees the complete object.
          let firstSeen: string | undefined;
          let others: Promise<[Invocation, Invocation]> | undefined;
          const watcher = setInterval(() => {
            if (
              !others &&
              parts(dir).some(
                (p) =>
                  (statSync(path.join(dir, p), { throwIfNoEntry: false })?.size ?? 0) >= 2 * MiB,
              )
            ) {
              const second = lambda.invoke(event);
              const third = (async () => {
                while (proxy.accepted < accepted + 2) await new Promise((r) => setTimeout(r, 1));
                proxy.cutNext(MiB);
                return lambda.invoke(event);
              })();
              others = Promise.all([second, third]);
            }
            if (firstSeen === undefined && existsSync(final))
              firstSeen = sha256(readFileSync(final));
          }, 2);
          const first = await lambda.invoke(event);
          const [second, third] = await (others ??
            Promise.reject(new Error('the first invocation finished before 2 MiB were seen')));
          clearInterval(watcher);
          // The guarantee first: whoever won, the final name holds the object, from the first moment on.
          expect(firstSeen, 'the final file as first seen').to.equal(sha256(bigBody));
          expect(sha256(readFileSync(final)), 'the final file in the end').to.equal(
            sha256(bigBody),
          );
          for (const inv of [first, second]) {
            expect(inv.error, inv.error?.message).to.equal(undefined);
            expect(outcome(inv)).to.be.oneOf(['delivered', 'duplicate']);
          }
          expect(proxy.cuts - cuts, 'the third connection was cut').to.equal(1);
          expect(third.error, 'the cut attempt fails (and would be retried)').to.be.instanceOf(
            Error,
          );
          expect(
            readdirSync(dir).filter((f) => !f.endsWith('.sftpgw-part')),
            "besides the cut attempt's part file",
          ).to.deep.equal(['race.bin']);
          expect(parts(dir).length).to.be.at.most(1);
          await lambda.remove(obj);
        });
      });

      // --- the CLI ---------------------------------------------------------------------

      it('sftpgw destinations test, --write and --scan (CLI process) agree with what delivery accepts', async function () {
        const pinned = server.hostPublicKeys[server.hostPublicKeys.length - 1]; // RSA where the server also has ed25519
        const { key, dir } = await destination('cli', { TrustedHostKeys: [pinned] });
        writeFileSync(path.join(dir, 'existing.csv'), 'x');
        const [t, scan] = await Promise.all([
          cli(['destinations', 'test', key]),
          cli(['destinations', 'test', key, '--scan', '--output', 'json']),
        ]);
        expect(t.status, t.stderr).to.equal(0);
        expect(t.stdout).to.match(
          /^ok: 127\.0\.0\.1:\d+ \(pinned host key matched: \S+ SHA256:\S+\), \S+ lists 1 entry/,
        );
        expect(t.stdout).to.include(`channels: ${CHANNELS} of ${CHANNELS} for large files\n`);
        // The key the server proved it holds is the pinned one (RSA where it also has ed25519).
        expect(t.stdout).to.include(
          `matched: ${pinned.split(' ')[0]} ${sshKeygenFingerprint(pinned)}`,
        );
        const w = await cli(['destinations', 'test', key, '--write', '--output', 'json']);
        expect(w.status, w.stderr).to.equal(0);
        expect(JSON.parse(w.stdout)).to.deep.include({ ok: true, wrote: true });
        expect(readdirSync(dir), 'the probe and its temporary file are gone').to.deep.equal([
          'existing.csv',
        ]);
        expect(scan.status, scan.stderr).to.equal(0);
        const scanned = JSON.parse(scan.stdout) as {
          offered: string[];
          keys: Array<{ type: string; fingerprint: string; pinned: boolean; acceptable: boolean }>;
        };
        expect(scanned.offered).to.include.members(server.hostPublicKeys.flatMap(algorithmsOf));
        const keys = scanned.keys;
        expect(keys.every((k) => k.acceptable)).to.equal(true);
        expect(
          keys
            .map((k) => ({ type: k.type, fingerprint: k.fingerprint, pinned: k.pinned }))
            .sort((a, b) => a.type.localeCompare(b.type)),
        ).to.deep.equal(
          server.hostPublicKeys
            .map((l) => ({
              type: l.split(' ')[0],
              fingerprint: sshKeygenFingerprint(l),
              pinned: l === pinned,
            }))
            .sort((a, b) => a.type.localeCompare(b.type)),
        );
        // What --scan calls pinned, delivery accepts.
        const { inv } = await deliver(key, 'after-scan.csv', 'y');
        expect(inv.error, inv.error?.message).to.equal(undefined);
        expect(readdirSync(dir).sort()).to.deep.equal(['after-scan.csv', 'existing.csv']);
      });
    });
  }
});
