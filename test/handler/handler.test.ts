// The outbound handler end to end, with real parts: the bundled artifact
// (dist/handler/index.js, what the Lambda runs), a moto server for S3 and
// Secrets Manager, and OpenSSH's sshd on 127.0.0.1 as the remote SFTP server
// (test/helpers/handler-harness.ts). Other SFTP servers: interop.test.ts.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { S3Event } from 'aws-lambda';
import { expect } from 'chai';
import { tagSafe } from '../../shared/outbound/fate.js';
import { keyPair, secretFragments, type KeyPair } from '../helpers/keys.js';
import {
  eventKey,
  logLines as logs,
  metricLines as metrics,
  sha256 as sha,
  startHandlerHarness,
  type HandlerHarness,
  type Invocation,
  type Staged,
} from '../helpers/handler-harness.js';
import { cleanTempDirs, tempDir } from '../helpers/project.js';
import { freePort, startSshd, type Sshd } from '../helpers/servers.js';

const BUCKET = 'staging-bucket';
const PREFIX = 'sftpgw';
const PASSPHRASE = 'correct horse battery staple';

describe('outbound handler (bundle + moto + sshd)', function () {
  this.timeout(120_000);

  let lambda: HandlerHarness;
  let sshd: Sshd;
  let readOnlySshd: Sshd;
  let encryptedKey: KeyPair;
  const mounts: string[] = [];

  before(async function () {
    encryptedKey = encryptedKeyPair(PASSPHRASE);
    [lambda, sshd, readOnlySshd] = await Promise.all([
      // This file's own sshds: one trusts an extra (encrypted) client key, one is read-only.
      startHandlerHarness({ prefix: PREFIX, gateway: 'test-gateway', bucket: BUCKET, sshd: false }),
      startSshd({ extraAuthorizedKeys: [encryptedKey.publicKey] }),
      startSshd({ readOnly: true }),
    ]);
  });

  after(async function () {
    for (const m of mounts) execFileSync('umount', ['-l', m]);
    await Promise.all([lambda?.stop(), sshd?.stop(), readOnlySshd?.stop()]);
    cleanTempDirs();
    // Runs after a failed before hook too: nothing to check then.
    if (!lambda || !sshd || !encryptedKey) return;
    // Over every test of this file: not one line may carry secret material.
    const secrets = [
      ...secretFragments(sshd.clientKey.privateKey),
      ...secretFragments(encryptedKey.privateKey),
      PASSPHRASE,
      'BEGIN OPENSSH PRIVATE KEY',
    ];
    for (const line of lambda.allLines) {
      expect(() => JSON.parse(line), `a log line is not JSON: ${line}`).not.to.throw();
      for (const s of secrets) expect(line, 'a log line leaks secret material').not.to.include(s);
    }
  });

  // --- helpers ---------------------------------------------------------------

  function remoteDir(name: string, server = sshd): string {
    const dir = path.join(server.root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  async function putDestination(
    key: string,
    overrides: Record<string, unknown> = {},
    server = sshd,
  ): Promise<string> {
    const secret = {
      Host: '127.0.0.1',
      Port: server.port,
      Username: server.user,
      PrivateKey: server.clientKey.privateKey,
      TrustedHostKeys: [server.hostPublicKey],
      RemoteDirectory: remoteDir(key, server),
      FilePattern: '.*',
      ...overrides,
    };
    await lambda.putSecret(key, typeof overrides.__raw === 'string' ? overrides.__raw : secret);
    return secret.RemoteDirectory as string;
  }

  const stage = (key: string, body: Buffer | string): Promise<Staged> => lambda.stage(key, body);
  const s3Event = (objects: Staged[]): S3Event => lambda.event(objects);
  const invoke = (event: S3Event, remainingMs?: number): Promise<Invocation> =>
    lambda.invoke(event, remainingMs);
  const tags = (o: Staged): Promise<Record<string, string>> => lambda.tags(o);

  // --- deliveries ------------------------------------------------------------

  it('delivers a small file byte for byte, tags the object, logs and counts it', async function () {
    const dir = await putDestination('acme', { FilePattern: '^orders_[0-9]{8}\\.csv$' });
    const body = 'id,qty\n1,2\n';
    const obj = await stage('acme/orders_20261123.csv', body);
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(inv.result!.outcomes).to.deep.equal([
      { outcome: 'delivered', destination: 'acme', file: 'orders_20261123.csv' },
    ]);
    const file = path.join(dir, 'orders_20261123.csv');
    expect(readFileSync(file, 'utf8')).to.equal(body);
    expect(statSync(file).mode & 0o777, 'remote file mode').to.equal(0o644);
    expect(readdirSync(dir)).to.deep.equal(['orders_20261123.csv']);
    const t = await tags(obj);
    expect(t['sftpgw:status']).to.equal('delivered');
    expect(t['sftpgw:detail'], 'the remote path').to.equal(file);
    expect(Date.parse(t['sftpgw:time'])).to.be.closeTo(Date.now(), 60_000);
    const [line] = logs(inv);
    expect(line).to.include({
      level: 'info',
      bucket: BUCKET,
      key: obj.key,
      destination: 'acme',
      outcome: 'delivered',
      remotePath: file,
      bytes: body.length,
    });
    expect(line.requestId).to.match(/^req-/);
    expect(line.durationMs).to.be.a('number');
    const [emf] = metrics(inv);
    expect(emf).to.include({
      Gateway: 'test-gateway',
      Delivered: 1,
      Rejected: 0,
      Failed: 0,
      Bytes: body.length,
    });
    const spec = (
      emf._aws as {
        CloudWatchMetrics: Array<{
          Namespace: string;
          Dimensions: string[][];
          Metrics: Array<{ Name: string }>;
        }>;
      }
    ).CloudWatchMetrics[0];
    expect(spec.Namespace).to.equal('sftpgw');
    expect(spec.Dimensions).to.deep.equal([['Gateway']]);
    expect(spec.Metrics.map((m) => m.Name)).to.include.members([
      'Delivered',
      'Rejected',
      'Failed',
      'Bytes',
    ]);
  });

  it('delivers an empty file', async function () {
    const dir = await putDestination('empty');
    const obj = await stage('empty/nothing.txt', '');
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(statSync(path.join(dir, 'nothing.txt')).size).to.equal(0);
  });

  it('delivers a 128 MiB file byte for byte', async function () {
    const dir = await putDestination('big');
    const body = randomBytes(128 * 1024 * 1024);
    const obj = await stage('big/archive.bin', body);
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(sha(readFileSync(path.join(dir, 'archive.bin')))).to.equal(sha(body));
    expect(readdirSync(dir)).to.deep.equal(['archive.bin']);
  });

  it('decodes keys with spaces, + and non-ASCII characters', async function () {
    const dir = await putDestination('names', { FilePattern: '.*\\.csv' });
    const name = 'Bestellung 2026+11 Grüße – 東京.csv';
    const obj = await stage(`names/${name}`, 'x');
    expect(eventKey(obj.key)).to.include('+').and.include('%2B');
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(readdirSync(dir)).to.deep.equal([name]);
  });

  it('authenticates with an encrypted private key and its passphrase', async function () {
    const dir = await putDestination('locked', {
      PrivateKey: encryptedKey.privateKey,
      Passphrase: PASSPHRASE,
    });
    const obj = await stage('locked/a.txt', 'locked');
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).to.equal('locked');
  });

  it('accepts a pinned SHA256 fingerprint as ssh-keygen -lf prints it', async function () {
    const pubFile = path.join(tempDir(), 'host.pub');
    writeFileSync(pubFile, sshd.hostPublicKey + '\n');
    const fp = execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1];
    const dir = await putDestination('fingerprint', {
      TrustedHostKeys: [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmGUTmmYEjWh3Ixm9pNBIJl+ZrX5rZ9bVbLvz2Ij8bD other',
        fp,
      ],
    });
    const obj = await stage('fingerprint/a.txt', 'fp');
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(readdirSync(dir)).to.deep.equal(['a.txt']);
  });

  // --- rejections: final, tagged, not retried --------------------------------

  it('rejects a file whose name does not match FilePattern (whole name), without retry', async function () {
    const dir = await putDestination('strict', { FilePattern: 'orders_[0-9]{8}\\.csv' });
    const obj = await stage('strict/orders_20261123.csv.bak', 'x');
    const inv = await invoke(s3Event([obj]));
    expect(inv.error, 'a rejection must not throw (no retry)').to.equal(undefined);
    expect(inv.result!.outcomes[0].outcome).to.equal('rejected');
    expect(readdirSync(dir)).to.deep.equal([]);
    expect(await tags(obj)).to.include({
      'sftpgw:status': 'rejected',
      'sftpgw:detail':
        'pattern-mismatch: file name does not match the FilePattern of destination strict',
    });
    expect(logs(inv)[0]).to.include({
      level: 'warn',
      outcome: 'rejected',
      reason: 'pattern-mismatch',
    });
    expect(metrics(inv)[0]).to.include({ Rejected: 1, Delivered: 0, Failed: 0 });
  });

  for (const [label, key, code] of [
    ['a key without a destination segment', 'loose-file.csv', 'layout'],
    ['a key with an empty destination segment', '/acme/x.csv', 'layout'],
    ['a key with nothing after the destination', 'acme/', 'layout'],
    ['a nested path', 'acme/sub/x.csv', 'unsafe-name'],
    ['a ".." file part', 'acme/..', 'unsafe-name'],
    ['a control character', 'acme/a\tb.csv', 'unsafe-name'],
  ] as const) {
    it(`rejects ${label} without sending or retrying`, async function () {
      const dir = await putDestination('acme');
      const before = readdirSync(dir);
      const obj = await stage(key, 'x');
      const inv = await invoke(s3Event([obj]));
      expect(inv.error).to.equal(undefined);
      expect(inv.result!.outcomes[0].outcome).to.equal('rejected');
      expect(readdirSync(dir)).to.deep.equal(before);
      const t = await tags(obj);
      expect(t['sftpgw:status']).to.equal('rejected');
      expect(t['sftpgw:detail']).to.match(new RegExp(`^${code}: `));
      expect(logs(inv)[0].message).to.match(/^file rejected: /);
    });
  }

  // --- failures: thrown, so Lambda retries ------------------------------------

  async function expectFailure(
    key: string,
    pattern: RegExp,
    errorKind?: string,
  ): Promise<Invocation> {
    const obj = await stage(key, 'payload');
    const inv = await invoke(s3Event([obj]));
    expect(inv.error, 'the handler must throw so Lambda retries').to.be.instanceOf(Error);
    expect(inv.error!.message).to.match(pattern);
    const line = logs(inv).find((l) => l.outcome === 'failed')!;
    expect(line).to.include({ level: 'error', key });
    // Tagged with the error as logged (redacted), made tag-safe.
    const t = await tags(obj);
    expect(t['sftpgw:status']).to.equal('failed');
    expect(t['sftpgw:detail']).to.equal(tagSafe(String(line.error)));
    if (errorKind) expect(line.errorKind).to.equal(errorKind);
    expect(metrics(inv)[0]).to.include({ Failed: 1 });
    return inv;
  }

  it('fails (retry) when the destination secret does not exist', async function () {
    await expectFailure(
      'nosuch/a.txt',
      /destination secret sftpgw\/nosuch does not exist; create it with sftpgw destinations put/,
    );
  });

  it('fails (retry) on a secret that is not JSON', async function () {
    await putDestination('notjson', { __raw: '{"Host": "x", PrivateKey: oops' });
    await expectFailure(
      'notjson/a.txt',
      /destination secret sftpgw\/notjson is invalid: the secret string is not JSON/,
    );
  });

  it('fails (retry) on a malformed secret, naming every bad field and no value', async function () {
    await putDestination('malformed', {
      TrustedHostKeys: undefined,
      FilePattern: '([unclosed',
      Port: 70000,
      Passphrase: 'pp-value',
      PassPhrase: 'typo-value',
    });
    const inv = await expectFailure('malformed/a.txt', /sftpgw\/malformed is invalid/);
    const msg = inv.error!.message;
    expect(msg).to.include('TrustedHostKeys: is required');
    expect(msg).to.include('Port: must be <= 65535');
    expect(msg).to.include('unknown key "PassPhrase"');
    expect(msg).not.to.include('typo-value');
    expect(msg).not.to.include('pp-value');
    expect(msg).to.include('sftpgw destinations put');
    for (const f of secretFragments(sshd.clientKey.privateKey)) expect(msg).not.to.include(f);
  });

  it('fails (retry) on an unparsable pinned key', async function () {
    await putDestination('badpin', { TrustedHostKeys: ['not a key'] });
    const inv = await expectFailure('badpin/a.txt', /sftpgw\/badpin is invalid/);
    expect(inv.error!.message).to.match(/TrustedHostKeys\/0: /);
  });

  it('rejects (no retry) while FilePattern is not a valid RE2 pattern: no file can be checked against it', async function () {
    const dir = await putDestination('badpattern', {
      FilePattern: '([unclosed',
      TrustedHostKeys: ['not a key'],
    });
    const obj = await stage('badpattern/a.txt', 'x');
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(inv.result!.outcomes[0].outcome).to.equal('rejected');
    expect(readdirSync(dir)).to.deep.equal([]);
    const t = await tags(obj);
    expect(t['sftpgw:status']).to.equal('rejected');
    expect(t['sftpgw:detail']).to.match(
      /^invalid-pattern: the FilePattern of destination badpattern is not a valid RE2 pattern/,
    );
    expect(JSON.stringify(t)).not.to.include('unclosed');
    const [line] = logs(inv);
    expect(line.error).to.include('FilePattern: not a valid RE2 pattern (missing closing ])');
    expect(line.error).to.include(
      'TrustedHostKeys/0: neither an OpenSSH public key line nor a SHA256: fingerprint',
    );
    expect(metrics(inv)[0]).to.include({ Rejected: 1, Failed: 0 });
    expect(JSON.stringify(inv.lines)).not.to.include('([unclosed');
  });

  it('never connects to a server whose host key is not pinned', async function () {
    const other = keyPair('ed25519', 'someone-else@sftpgw').publicKey;
    const dir = await putDestination('wronghost', { TrustedHostKeys: [other] });
    await expectFailure(
      'wronghost/a.txt',
      /host key of 127\.0\.0\.1:\d+ does not match TrustedHostKeys: the server presented ssh-ed25519 SHA256:\S+; pinned: 1 ssh-ed25519 key; the server offers ssh-ed25519\. Not connecting/,
      'host-key',
    );
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('fails (retry) when the server refuses the client key', async function () {
    const dir = await putDestination('wrongkey', {
      PrivateKey: keyPair('ed25519', 'not-authorized@sftpgw').privateKey,
    });
    await expectFailure('wrongkey/a.txt', /refused the credentials for user/, 'auth');
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('fails (retry) when the server is down', async function () {
    await putDestination('down', { Port: await freePort() });
    await expectFailure(
      'down/a.txt',
      /cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/,
      'connect',
    );
  });

  it('fails (retry) when the remote directory does not exist', async function () {
    await putDestination('nodir', { RemoteDirectory: path.join(sshd.root, 'no', 'such', 'dir') });
    await expectFailure(
      'nodir/a.txt',
      /remote directory .*no\/such\/dir does not exist/,
      'remote-directory',
    );
  });

  it('fails (retry) when the server denies writing', async function () {
    const dir = await putDestination('readonly', {}, readOnlySshd);
    await expectFailure(
      'readonly/a.txt',
      /permission denied creating a new file \(\.a\.txt\.[0-9a-f]{16}\.[0-9a-f]{12}\.sftpgw-part\) in /,
      'permission',
    );
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('never leaves a truncated file when the remote disk is full', async function () {
    const dir = remoteDir('full');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    mounts.push(dir);
    await putDestination('full');
    const obj = await stage('full/large.bin', randomBytes(4 * 1024 * 1024));
    const inv = await invoke(s3Event([obj]));
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message).to.match(/remote disk full/);
    expect(
      readdirSync(dir),
      'no file under the final name and the temporary file removed',
    ).to.deep.equal([]);
  });

  it('recovers from a connection dropped mid-transfer: one complete file; only the dropped attempt’s part file is left (swept once stale: interop.test.ts)', async function () {
    const dir = await putDestination('dropped');
    const body = randomBytes(96 * 1024 * 1024);
    const obj = await stage('dropped/data.bin', body);
    // Watch the server's disk: drop every session once part of the file arrived.
    let dropped = false;
    const watcher = setInterval(() => {
      const part = readdirSync(dir).find((f) => f.endsWith('.sftpgw-part'));
      if (part && statSync(path.join(dir, part)).size > 8 * 1024 * 1024) {
        sshd.dropSessions();
        dropped = true;
        clearInterval(watcher);
      }
    }, 5);
    const first = await invoke(s3Event([obj]));
    clearInterval(watcher);
    expect(dropped, 'the connection was dropped during the transfer').to.equal(true);
    expect(first.error).to.be.instanceOf(Error);
    expect(
      readdirSync(dir).filter((f) => !f.endsWith('.sftpgw-part')),
      'nothing visible under a final name',
    ).to.deep.equal([]);
    const leftovers = readdirSync(dir);
    const retry = await invoke(s3Event([obj]));
    expect(retry.error).to.equal(undefined);
    expect(readdirSync(dir).sort()).to.deep.equal([...leftovers, 'data.bin'].sort());
    expect(sha(readFileSync(path.join(dir, 'data.bin')))).to.equal(sha(body));
  });

  it('gives up before the deadline when the server stops answering, and end() does not hang', async function () {
    const dir = await putDestination('frozen');
    const obj = await stage('frozen/data.bin', randomBytes(64 * 1024 * 1024));
    const watcher = setInterval(() => {
      if (readdirSync(dir).some((f) => f.endsWith('.sftpgw-part'))) {
        sshd.freezeSessions(true);
        clearInterval(watcher);
      }
    }, 5);
    const started = Date.now();
    const inv = await invoke(s3Event([obj]), 15_000); // 10 s margin → 5 s deadline
    clearInterval(watcher);
    sshd.freezeSessions(false);
    sshd.dropSessions();
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message).to.match(/did not finish before the deadline/);
    expect(Date.now() - started).to.be.below(9_000);
    expect(readdirSync(dir).filter((f) => !f.endsWith('.sftpgw-part'))).to.deep.equal([]);
  });

  // --- at least once -----------------------------------------------------------

  it('does not send an already delivered object version again', async function () {
    const dir = await putDestination('dupes');
    const obj = await stage('dupes/once.txt', 'once');
    const first = await invoke(s3Event([obj]));
    expect(first.error).to.equal(undefined);
    rmSync(path.join(dir, 'once.txt')); // a resend would recreate it
    const second = await invoke(s3Event([obj]));
    expect(second.error).to.equal(undefined);
    expect(second.result!.outcomes[0].outcome).to.equal('duplicate');
    expect(readdirSync(dir)).to.deep.equal([]);
    expect(metrics(second)[0]).to.include({ Duplicate: 1, Delivered: 0 });
    // A new version of the same key is a new file.
    const v2 = await stage('dupes/once.txt', 'twice');
    expect((await invoke(s3Event([v2]))).error).to.equal(undefined);
    expect(readFileSync(path.join(dir, 'once.txt'), 'utf8')).to.equal('twice');
  });

  it('handles records independently: one bad record fails the event, the others are done once', async function () {
    const dirA = await putDestination('multi-a');
    await putDestination('multi-b', { FilePattern: '.*\\.csv' });
    const good = await stage('multi-a/good.txt', 'good');
    const rejected = await stage('multi-b/wrong.txt', 'wrong');
    const failing = await stage('multi-c/later.txt', 'later'); // secret created below
    const inv = await invoke(s3Event([good, rejected, failing]));
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message).to.match(/^1 of 3 record\(s\) failed/);
    expect(readdirSync(dirA)).to.deep.equal(['good.txt']);
    expect((await tags(good))['sftpgw:status']).to.equal('delivered');
    expect((await tags(rejected))['sftpgw:status']).to.equal('rejected');
    expect((await tags(failing))['sftpgw:status']).to.equal('failed');
    // The operator creates the missing destination; Lambda's retry completes the event.
    const dirC = await putDestination('multi-c');
    const retry = await invoke(s3Event([good, rejected, failing]));
    expect(retry.error).to.equal(undefined);
    expect(retry.result!.outcomes.map((o) => o.outcome)).to.deep.equal([
      'duplicate',
      'rejected',
      'delivered',
    ]);
    expect(readdirSync(dirC)).to.deep.equal(['later.txt']);
  });
});

/** An ed25519 key pair whose private key is encrypted with a passphrase. */
function encryptedKeyPair(passphrase: string): KeyPair {
  const dir = tempDir('sftpgw-key-');
  const file = path.join(dir, 'k');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    passphrase,
    '-C',
    'locked@sftpgw',
    '-f',
    file,
  ]);
  return {
    publicKey: readFileSync(file + '.pub', 'utf8').trim(),
    privateKey: readFileSync(file, 'utf8'),
  };
}
