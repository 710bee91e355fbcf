// sftpgw destinations deliver as a process, against real servers on
// 127.0.0.1 (started once for this file, stopped by PID): OpenSSH's
// internal-sftp, gesftpserver behind OpenSSH, ProFTPD mod_sftp
// (AllowOverwrite on) — the same helpers test/handler/interop.test.ts starts
// them with. Every run with --secret-file gets an environment of PATH, HOME
// (an empty folder) and NO_COLOR only: no AWS_* variable, no credentials
// file, no config; the one case without --secret-file reads the secret from
// moto. Content is compared by SHA-256 on the server's side of the file
// system. No output may carry the secret's private key, password or any
// value of a malformed secret.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { keyPair, secretFragments, sshKeygenFingerprint } from '../helpers/keys.js';
import { cleanTempDirs, cliBin, tempDir, type RunResult } from '../helpers/project.js';
import { startDelayProxy } from '../helpers/delay-proxy.js';
import { startProftpd } from '../helpers/proftpd.js';
import {
  freePort,
  startMoto,
  startSshd,
  startTogether,
  type Moto,
  type SftpServer,
} from '../helpers/servers.js';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const SEPARATOR = 'file name contains a path separator; files go flat into the remote directory';
const PASSWORD = 'pw-never-printed-7f3a91c2';
const ajv = new Ajv({ allErrors: true });

interface Delivered {
  ok: true;
  destination: string;
  secret: { from: string; name: string };
  host: string;
  file: string;
  remoteName: string;
  remotePath: string;
  bytes: number;
  durationMs: number;
  mibPerSecond: number;
  published: string;
  staleRemoved: number;
  channels: number;
  connections: number;
  fallback: string | null;
}

describe('sftpgw destinations deliver (OpenSSH, gesftpserver, ProFTPD; no AWS)', function () {
  this.timeout(120_000);

  let openssh: SftpServer;
  let gesftp: SftpServer;
  let proftpd: SftpServer;
  let moto: Moto;
  /** Working folder of every run without AWS: no sftpgw.yaml. */
  let work: string;
  let home: string;
  const outputs: string[] = [];
  const secretsShown: string[] = [PASSWORD];

  before(async function () {
    [openssh, gesftp, proftpd, moto] = await startTogether(
      startSshd({ hostKeys: ['ed25519', 'rsa'] }),
      startSshd({ sftpServer: '/usr/libexec/gesftpserver' }),
      startProftpd({ allowOverwrite: true }),
      startMoto(),
    );
    work = tempDir('sftpgw-deliver-');
    home = tempDir('sftpgw-home-');
  });

  after(async function () {
    await Promise.all([openssh?.stop(), gesftp?.stop(), proftpd?.stop(), moto?.stop()]);
    const never = [
      ...secretsShown,
      ...[openssh, gesftp, proftpd].flatMap((s) => secretFragments(s?.clientKey.privateKey ?? '')),
    ];
    for (const out of outputs)
      for (const s of never) expect(out, 'no output carries a secret value').not.to.include(s);
    cleanTempDirs();
  });

  /** The environment of a run without AWS: nothing but these three. */
  const bareEnv = (): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    NO_COLOR: '1',
  });

  function sftpgw(
    args: string[],
    opts: { cwd?: string; input?: string; env?: Record<string, string> } = {},
  ): RunResult {
    const env = opts.env ?? bareEnv();
    if (!opts.env)
      expect(
        Object.keys(env).filter((k) => /^AWS_/i.test(k)),
        'no AWS variable',
      ).to.deep.equal([]);
    const r = spawnSync(process.execPath, [cliBin, ...args], {
      cwd: opts.cwd ?? work,
      env,
      input: opts.input,
      encoding: 'utf8',
    });
    outputs.push(r.stdout, r.stderr);
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** As sftpgw(), without blocking this process (a proxy of this process is in the path). */
  function sftpgwAsync(args: string[]): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliBin, ...args], { cwd: work, env: bareEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.once('error', reject);
      child.once('close', (code) => {
        outputs.push(stdout, stderr);
        resolve({ status: code ?? -1, stdout, stderr });
      });
    });
  }

  let n = 0;
  /** A fresh remote folder on the server and a secret file for it; returns both. */
  function destination(
    server: SftpServer,
    overrides: Record<string, unknown> = {},
  ): { dir: string; secretFile: string; secret: Record<string, unknown> } {
    const dir = path.join(server.root, `d${++n}`);
    mkdirSync(dir, { recursive: true });
    const secret = {
      Host: '127.0.0.1',
      Port: server.port,
      Username: server.user,
      PrivateKey: server.clientKey.privateKey,
      // Never used (the key authenticates), never printed.
      Password: PASSWORD,
      TrustedHostKeys: [server.hostPublicKey],
      RemoteDirectory: dir,
      FilePattern: '^[a-z0-9_]+\\.(csv|bin)$',
      ...overrides,
    };
    const secretFile = path.join(work, `secret-${n}.json`);
    writeFileSync(secretFile, JSON.stringify(secret, null, 2), { mode: 0o600 });
    return { dir, secretFile, secret };
  }

  function localFile(name: string, body: Buffer | string): string {
    const folder = path.join(work, `local-${++n}`);
    mkdirSync(folder);
    const file = path.join(folder, name);
    writeFileSync(file, body);
    return file;
  }

  const deliver = (key: string, file: string, secretFile: string, extra: string[] = []) =>
    sftpgw(['destinations', 'deliver', key, file, '--secret-file', secretFile, ...extra]);

  function expectValid(r: RunResult): Delivered {
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as Delivered;
    const validate = ajv.compile(outputSchema('destinations-deliver.schema.json'));
    expect(validate(doc), ajv.errorsText(validate.errors)).to.equal(true);
    return doc;
  }

  const parts = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.sftpgw-part'));

  const servers = (): Array<[string, SftpServer]> => [
    ['OpenSSH', openssh],
    ['gesftpserver', gesftp],
    ['ProFTPD', proftpd],
  ];

  for (const id of ['OpenSSH', 'gesftpserver', 'ProFTPD']) {
    describe(id, function () {
      const server = () => servers().find(([name]) => name === id)![1];

      it('delivers a file byte for byte and says where, how much, how fast and how it was published (text and JSON)', function () {
        const { dir, secretFile } = destination(server());
        const body = randomBytes(3 * 1024 * 1024 + 17);
        const file = localFile('orders_1.bin', body);
        const r = deliver('partner-a', file, secretFile);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.match(
          new RegExp(
            `^delivered ${file} to destination partner-a: ${dir}/orders_1\\.bin on 127\\.0\\.0\\.1:${server().port}\\n` +
              '  sent       3145745 bytes \\(3\\.0 MiB\\) in \\d+\\.\\d\\d s, \\d+\\.\\d\\d MiB/s \\(connecting included\\)\\n' +
              '  host key   ssh-ed25519 SHA256:\\S+\\n' +
              '  channels   1 \\(in order\\)\\n' +
              '  published  renamed into place atomically \\(posix-rename@openssh\\.com\\)\\n' +
              '  cleaned    0 stale part files of earlier attempts removed\\n$',
          ),
        );
        expect(sha256(readFileSync(path.join(dir, 'orders_1.bin')))).to.equal(sha256(body));
        expect(readdirSync(dir)).to.deep.equal(['orders_1.bin']);

        // again as JSON: a new version replaces the old one (Overwrite replace, the default)
        const next = randomBytes(4096);
        writeFileSync(file, next);
        const doc = expectValid(deliver('partner-a', file, secretFile, ['--output', 'json']));
        expect(doc).to.deep.include({
          ok: true,
          destination: 'partner-a',
          secret: { from: 'file', name: secretFile },
          host: `127.0.0.1:${server().port}`,
          file,
          remoteName: 'orders_1.bin',
          remotePath: `${dir}/orders_1.bin`,
          bytes: 4096,
          published: 'posix-rename',
          staleRemoved: 0,
          channels: 1,
          connections: 1,
          fallback: null,
        });
        expect(doc.durationMs).to.be.a('number');
        expect(sha256(readFileSync(path.join(dir, 'orders_1.bin')))).to.equal(sha256(next));
        expect(readdirSync(dir)).to.deep.equal(['orders_1.bin']);
      });

      it('a large file: several channels to a distant server (20 ms proxy), one on loopback; byte for byte either way', async function () {
        const body = randomBytes(20 * 1024 * 1024 + 5); // over the 16 MiB threshold
        const file = localFile('big_1.bin', body);
        const expectDelivered = (r: RunResult, dir: string, channels: number): void => {
          const doc = expectValid(r);
          expect(doc).to.deep.include({
            bytes: body.length,
            channels,
            connections: 1,
            fallback: null,
          });
          expect(sha256(readFileSync(path.join(dir, 'big_1.bin')))).to.equal(sha256(body));
          expect(readdirSync(dir)).to.deep.equal(['big_1.bin']);
        };
        const args = (secretFile: string) => [
          'destinations',
          'deliver',
          'partner-a',
          file,
          '--secret-file',
          secretFile,
          '--output',
          'json',
        ];
        // The proxy runs in this process: the CLI runs asynchronously beside it.
        const proxy = await startDelayProxy(server().port, 20);
        try {
          const far = destination(server(), { Port: proxy.port });
          expectDelivered(await sftpgwAsync(args(far.secretFile)), far.dir, 4);
        } finally {
          await proxy.close();
        }
        // On loopback one channel's window is never the limit: the extra
        // channels asked for at login are closed unused.
        const near = destination(server());
        expectDelivered(sftpgw(args(near.secretFile)), near.dir, 1);
      });

      it('sends under --remote-name, checked against FilePattern instead of the local name', function () {
        const { dir, secretFile } = destination(server(), {
          FilePattern: '^orders_[0-9]{8}\\.csv$',
        });
        const body = 'id,qty\n1,2\n';
        const file = localFile('export.tmp', body);
        const refused = deliver('partner-a', file, secretFile);
        expect(refused.status).to.equal(1);
        expect(refused.stderr).to.include(
          'refused to send "export.tmp": the name does not match the FilePattern of destination partner-a; nothing was sent (no connection made)',
        );
        const r = deliver('partner-a', file, secretFile, ['--remote-name', 'orders_20260412.csv']);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.include(`: ${dir}/orders_20260412.csv on 127.0.0.1:`);
        expect(readdirSync(dir)).to.deep.equal(['orders_20260412.csv']);
        expect(sha256(readFileSync(path.join(dir, 'orders_20260412.csv')))).to.equal(sha256(body));
      });

      it('Overwrite "never": the same file again is "identical" (exit 0); a different one is refused (exit 1), the remote unchanged', function () {
        const { dir, secretFile } = destination(server(), { Overwrite: 'never' });
        const first = 'first version\n';
        const file = localFile('report.csv', first);
        expect(
          expectValid(deliver('partner-a', file, secretFile, ['--output', 'json'])).published,
        ).to.equal('rename');
        const again = deliver('partner-a', file, secretFile);
        expect(again.status, again.stderr).to.equal(0);
        expect(again.stdout).to.include(
          'published  the name already held exactly this file (compared byte for byte): kept, nothing replaced',
        );
        writeFileSync(file, 'second version, different\n');
        const refused = deliver('partner-a', file, secretFile);
        expect(refused.status).to.equal(1);
        expect(refused.stdout).to.equal('');
        expect(refused.stderr).to.include(
          `error: delivery to destination partner-a refused: ${dir}/report.csv on 127.0.0.1:${server().port} already holds a different file and the destination's Overwrite is "never": left as it is\n`,
        );
        expect(refused.stderr).to.include('Overwrite "never"');
        expect(readFileSync(path.join(dir, 'report.csv'), 'utf8')).to.equal(first);
        expect(parts(dir)).to.deep.equal([]);
      });

      it('never connects with a wrong host-key pin: exit 1, the message says what was pinned and presented, nothing written', function () {
        const other = keyPair('ed25519', 'not-the-server@sftpgw').publicKey;
        const { dir, secretFile } = destination(server(), {
          TrustedHostKeys: [sshKeygenFingerprint(other)],
        });
        const r = deliver('partner-a', localFile('a.csv', 'x\n'), secretFile);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.match(
          /^error: delivery to destination partner-a failed: host key of 127\.0\.0\.1:\d+ does not match TrustedHostKeys: the server presented ssh-ed25519 SHA256:/,
        );
        expect(r.stderr).to.include(sshKeygenFingerprint(server().hostPublicKey));
        expect(r.stderr).to.include('pinned: 1 SHA256 fingerprint;');
        expect(r.stderr).to.include('Not connecting.');
        expect(readdirSync(dir)).to.deep.equal([]);
      });
    });
  }

  describe('refused before connecting', function () {
    let closedPort: number;
    before(async function () {
      closedPort = await freePort(); // nothing listens there: a connection attempt would say so
    });

    it('a name FilePattern refuses: exit 1, no connection (the port is closed; ProFTPD logs no session), nothing written', function () {
      const { secretFile } = destination(openssh, { Port: closedPort });
      const r = deliver('partner-a', localFile('Orders.CSV', 'x'), secretFile);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.equal(
        'error: refused to send "Orders.CSV": the name does not match the FilePattern of destination partner-a; nothing was sent (no connection made)\n' +
          '  → send it under a name the pattern matches (--remote-name), or change the pattern (sftpgw destinations put partner-a --pattern …)\n',
      );
      expect(r.stdout).to.equal('');

      // the same against a live ProFTPD: its log shows no new session
      const log = path.join(proftpd.dir, 'sftp.log');
      const before = statSync(log).size;
      const live = destination(proftpd);
      const again = deliver('partner-a', localFile('Orders.CSV', 'x'), live.secretFile);
      expect(again.status).to.equal(1);
      expect(statSync(log).size, 'ProFTPD saw no connection').to.equal(before);
      expect(readdirSync(live.dir)).to.deep.equal([]);
      // and the log does show a session when one is made
      const sent = deliver('partner-a', localFile('orders.csv', 'x'), live.secretFile);
      expect(sent.status, sent.stderr).to.equal(0);
      expect(statSync(log).size, 'ProFTPD logged the session').to.be.greaterThan(before);
    });

    for (const [name, reason] of [
      ['../escape.csv', SEPARATOR],
      ['sub/a.csv', SEPARATOR],
      ['a\\b.csv', SEPARATOR],
      ['..', 'file name contains ".."'],
      ['a..csv', 'file name contains ".."'],
      ['a\u0007.csv', 'file name contains a control character'],
      [`${'a'.repeat(252)}.csv`, 'file name is longer than 255 bytes'],
    ] as const) {
      it(`an unsafe --remote-name ${JSON.stringify(name.length > 40 ? `${name.slice(0, 8)}…` : name)}: exit 1 before connecting, the reason the function gives`, function () {
        // a pattern that takes anything: the name check comes first, as in the function
        const { secretFile } = destination(openssh, { Port: closedPort, FilePattern: '(?s).*' });
        const r = deliver('partner-a', localFile('ok.csv', 'x'), secretFile, [
          '--remote-name',
          name,
        ]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include(
          `error: refused to send ${JSON.stringify(name)} to destination partner-a: ${reason}; nothing was sent (no connection made)`,
        );
        expect(r.stderr).not.to.include('ECONNREFUSED');
      });
    }
  });

  describe('bad input: clear errors naming the file or field, no value shown', function () {
    it('a secret file that is not JSON (holding a password): exit 1, names the file, shows none of it', function () {
      const file = path.join(work, 'broken.json');
      const secret = `{"Host": "127.0.0.1", "Password": "${PASSWORD}", "Username": `;
      writeFileSync(file, secret);
      const r = deliver('partner-a', localFile('a.csv', 'x'), file);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.equal(
        `error: secret file ${file} is not a valid destination secret\n` +
          `  ${file}: the secret string is not JSON\n` +
          '  → the keys are those sftpgw destinations put stores (docs/outbound.md, "The destination secret")\n',
      );
    });

    it('missing fields, a misspelt key holding a secret, a bad Port: each named with the file, no value shown', function () {
      const hidden = 'passphrase-in-a-misspelt-key-51c0';
      secretsShown.push(hidden);
      const { secretFile, secret } = destination(openssh);
      const { Username: _u, FilePattern: _f, ...rest } = secret;
      writeFileSync(
        secretFile,
        JSON.stringify({ ...rest, PassPhrase: hidden, Port: 'twenty-two' }),
      );
      const r = deliver('partner-a', localFile('a.csv', 'x'), secretFile);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.include(
        `error: secret file ${secretFile} is not a valid destination secret`,
      );
      for (const line of [
        `${secretFile}: Username: is required`,
        `${secretFile}: FilePattern: is required`,
        `${secretFile}: Port: must be integer`,
        `${secretFile}: unknown key "PassPhrase"`,
      ])
        expect(r.stderr).to.include(line);
    });

    it('a private key that is not one, and an invalid FilePattern: named, never quoted', function () {
      const notAKey = `not a key but a secret ${randomBytes(8).toString('hex')}`;
      secretsShown.push(notAKey);
      const { secretFile } = destination(openssh, { PrivateKey: notAKey, FilePattern: '(?<=x)a' });
      const r = deliver('partner-a', localFile('a.csv', 'x'), secretFile);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.include(`${secretFile}: PrivateKey: not an OpenSSH or PEM private key`);
      expect(r.stderr).to.include(`${secretFile}: FilePattern: not a valid RE2 pattern`);
      expect(r.stderr).not.to.include('(?<=x)a');
    });

    it('the secret from stdin (--secret-file -) works; broken, it is named as stdin', function () {
      const { dir, secret } = destination(gesftp);
      const file = localFile('from_stdin.csv', 'via stdin\n');
      const ok = sftpgw(
        ['destinations', 'deliver', 'partner-a', file, '--secret-file', '-', '--output', 'json'],
        {
          input: JSON.stringify(secret),
        },
      );
      expect(expectValid(ok).secret).to.deep.equal({ from: 'stdin', name: '-' });
      expect(readFileSync(path.join(dir, 'from_stdin.csv'), 'utf8')).to.equal('via stdin\n');
      const bad = sftpgw(['destinations', 'deliver', 'partner-a', file, '--secret-file', '-'], {
        input: JSON.stringify({ ...secret, Host: 'bad host!' }),
      });
      expect(bad.status).to.equal(1);
      expect(bad.stderr).to.include(
        'error: the secret read from stdin is not a valid destination secret',
      );
      expect(bad.stderr).to.include('  Host: is not a host name or IP address');
    });

    it('FILE missing, FILE a directory, the secret file missing: usage errors (exit 2) naming them; nothing sent', function () {
      const { dir, secretFile } = destination(openssh);
      const missing = path.join(work, 'no-such.csv');
      const r1 = deliver('partner-a', missing, secretFile);
      expect([r1.status, r1.stderr]).to.deep.equal([
        2,
        `error: cannot read FILE ${missing}: no such file\n  → name a regular file to send\n`,
      ]);
      const folder = path.join(work, 'a_folder.csv');
      mkdirSync(folder);
      const r2 = deliver('partner-a', folder, secretFile);
      expect([r2.status, r2.stderr]).to.deep.equal([
        2,
        `error: FILE ${folder} is a directory\n  → name one regular file to send\n`,
      ]);
      const r3 = deliver('partner-a', localFile('a.csv', 'x'), path.join(work, 'no-secret.json'));
      expect(r3.status).to.equal(2);
      expect(r3.stderr).to.equal(
        `error: cannot read secret file ${path.join(work, 'no-secret.json')}: no such file\n`,
      );
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it('a destination key that is not one, no FILE, --env or --region with --secret-file: usage errors (exit 2)', function () {
      const { secretFile } = destination(openssh);
      const file = localFile('a.csv', 'x');
      const r1 = deliver('../x', file, secretFile);
      expect(r1.status).to.equal(2);
      expect(r1.stderr).to.include('error: "../x" is not a destination key');
      const r2 = sftpgw(['destinations', 'deliver', 'partner-a', '--secret-file', secretFile]);
      expect(r2.status).to.equal(2);
      expect(r2.stderr).to.include("missing required argument 'file'");
      const r3 = deliver('partner-a', file, secretFile, [
        '--env',
        'production',
        '--region',
        'eu-west-1',
      ]);
      expect(r3.status).to.equal(2);
      expect(r3.stderr).to.include(
        'error: --env, --region cannot be given with --secret-file: the secret comes from the file, and nothing is read from the config or AWS',
      );
      const r4 = deliver('partner-a', file, secretFile, ['--timeout', '900']);
      expect(r4.status).to.equal(2);
      expect(r4.stderr).to.include('--timeout must be more than 0 and at most 889 seconds');
    });

    it('a broken sftpgw.yaml in the working folder is not read with --secret-file', function () {
      const repo = tempDir('sftpgw-deliver-repo-');
      writeFileSync(path.join(repo, 'sftpgw.yaml'), 'stackName: [not, valid\n');
      const { dir, secretFile } = destination(proftpd);
      const r = sftpgw(
        [
          'destinations',
          'deliver',
          'partner-a',
          localFile('in_repo.csv', 'y\n'),
          '--secret-file',
          secretFile,
        ],
        {
          cwd: repo,
        },
      );
      expect(r.status, r.stderr).to.equal(0);
      expect(readdirSync(dir)).to.deep.equal(['in_repo.csv']);
    });
  });

  describe('interrupted', function () {
    it('Ctrl-C while the file goes out: exit 130, one line saying the final name holds no part of it; nothing under the final name', async function () {
      const { dir, secretFile } = destination(openssh);
      const file = localFile('big.bin', randomBytes(256 * 1024 * 1024));
      const child = spawn(
        process.execPath,
        [cliBin, 'destinations', 'deliver', 'partner-a', file, '--secret-file', secretFile],
        { cwd: work, env: bareEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      // Interrupted once its part file is on the server: mid-transfer.
      const until = Date.now() + 30_000;
      while (parts(dir).length === 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      expect(parts(dir), 'the part file appeared').to.have.length(1);
      child.kill('SIGINT');
      const code = await exited;
      outputs.push(stderr);
      expect(code).to.equal(130);
      expect(stderr).to.match(
        new RegExp(
          `^sftpgw destinations deliver interrupted \\(Ctrl-C\\) while delivering to 127\\.0\\.0\\.1:${openssh.port}: ${dir}/big\\.bin holds the earlier file or the complete new one, never a part of it; a hidden part file \\(\\.<name>\\.….sftpgw-part\\) may be left, which a later delivery to that directory removes once it is 20 minutes old\\n$`,
        ),
      );
      expect(readdirSync(dir).filter((f) => f === 'big.bin')).to.deep.equal([]);
    });
  });

  describe('without --secret-file: the stored secret (moto)', function () {
    it('reads <secretPrefix>/KEY as destinations test does and delivers; a missing secret is exit 1', function () {
      const repo = tempDir('sftpgw-deliver-moto-');
      writeFileSync(path.join(repo, 'sftpgw.yaml'), 'stackName: deliver-test\n');
      writeFileSync(path.join(repo, 'client_key'), openssh.clientKey.privateKey, { mode: 0o600 });
      const env = {
        ...bareEnv(),
        ...moto.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };
      const dir = path.join(openssh.root, 'stored');
      mkdirSync(dir);
      const put = sftpgw(
        [
          'destinations',
          'put',
          'partner-b',
          '--host',
          '127.0.0.1',
          '--port',
          String(openssh.port),
          '--username',
          openssh.user,
          '--private-key-file',
          'client_key',
          '--trusted-host-key',
          openssh.hostPublicKey,
          '--remote-dir',
          dir,
          '--pattern',
          '^[a-z_]+\\.csv$',
        ],
        { cwd: repo, env },
      );
      expect(put.status, put.stderr).to.equal(0);
      const body = randomBytes(100_000);
      const file = localFile('stored_secret.csv', body);
      const r = sftpgw(['destinations', 'deliver', 'partner-b', file, '--output', 'json'], {
        cwd: repo,
        env,
      });
      const doc = expectValid(r);
      expect(doc.secret).to.deep.equal({
        from: 'secrets-manager',
        name: 'sftpgw/deliver-test/partner-b',
      });
      expect(sha256(readFileSync(path.join(dir, 'stored_secret.csv')))).to.equal(sha256(body));

      const none = sftpgw(['destinations', 'deliver', 'partner-c', file], { cwd: repo, env });
      expect(none.status).to.equal(1);
      expect(none.stderr).to.include(
        'error: destination secret sftpgw/deliver-test/partner-c does not exist',
      );
    });
  });
});
