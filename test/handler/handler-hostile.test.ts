// Hostile and malformed input against the bundled function (what Lambda runs),
// a real moto server and a real sshd (test/helpers/handler-harness.ts): each
// case found by fuzzing the function, reproduced here. The seeded fuzz itself
// is handler-fuzz.test.ts; the pure parts are in handler-input.test.ts.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { GetBucketTaggingCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import {
  startHandlerHarness,
  logLines,
  metricLines,
  type HandlerHarnessWithSshd,
  type Invocation,
} from '../helpers/handler-harness.js';
import { keyPair, secretFragments } from '../helpers/keys.js';
import { cleanTempDirs, listFiles, tempDir } from '../helpers/project.js';

const BUCKET_TAGS = [
  { Key: 'team', Value: 'platform' },
  { Key: 'cost-center', Value: '42' },
];

describe('outbound handler: hostile and malformed input (bundle + moto + sshd)', function () {
  this.timeout(120_000);
  let h: HandlerHarnessWithSshd;
  /** A TCP listener on 127.0.0.1 that accepts and never says a word: the slowest possible server. */
  let silent: net.Server;
  const held: net.Socket[] = [];

  before(async function () {
    h = await startHandlerHarness();
    await h.s3.send(
      new PutBucketTaggingCommand({ Bucket: h.bucket, Tagging: { TagSet: BUCKET_TAGS } }),
    );
    silent = net.createServer((s) => {
      held.push(s);
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  after(async function () {
    for (const s of held) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await h?.stop();
    cleanTempDirs();
  });

  /** Every line valid JSON, none near CloudWatch's limit, and none carrying any of `secrets`. */
  function expectCleanLines(inv: Invocation, secrets: string[]): void {
    expect(inv.invalid, 'lines that are not JSON').to.deep.equal([]);
    for (const line of inv.raw) {
      expect(Buffer.byteLength(line)).to.be.below(256 * 1024);
      for (const s of secrets) expect(line, 'a log line leaks a secret').not.to.include(s);
    }
  }

  /** What the Lambda runtime would log for a thrown error: its message and stack. */
  function expectCleanError(inv: Invocation, secrets: string[]): void {
    if (!inv.error) return;
    expect(inv.error.name).to.equal('DeliveryFailedError');
    for (const s of secrets) {
      expect(inv.error.message, 'the thrown message leaks a secret').not.to.include(s);
      expect(inv.error.stack ?? '', 'the stack leaks a secret').not.to.include(s);
    }
  }

  // --- patterns ----------------------------------------------------------------

  it('matches a ReDoS pattern in linear time: rejects the name at once and delivers the next record', async function () {
    const dir = h.remoteDir('redos');
    await h.putSecret(
      'redos',
      h.validSecret('redos', { FilePattern: '([A-Za-z0-9]+[-_]?)+\\.csv' }),
    );
    const evil = await h.stage(`redos/${'a'.repeat(45)}!`, 'x');
    const fine = await h.stage('redos/orders-2026_11.csv', 'fine');
    const inv = await h.invoke(h.event([evil, fine]), 60_000, 15_000);
    expect(inv.ms, 'the whole event').to.be.below(10_000);
    expect(inv.error).to.equal(undefined);
    expect(inv.result!.outcomes.map((o) => o.outcome)).to.deep.equal(['rejected', 'delivered']);
    expect(readdirSync(dir)).to.deep.equal(['orders-2026_11.csv']);
    expect(await h.tags(evil)).to.include({ 'sftpgw:status': 'rejected' });
    expect((await h.tags(evil))['sftpgw:detail']).to.match(/^pattern-mismatch: /);
  });

  it('refuses a pattern that escapes the full match (never)|(?:xyz) as a rejection that quotes nothing', async function () {
    const dir = h.remoteDir('escape');
    const pattern = 'never)|(?:xyz';
    await h.putSecret('escape', h.validSecret('escape', { FilePattern: pattern }));
    const obj = await h.stage(`escape/abc${'x'.repeat(20)}xyz.txt.xyz`, 'x');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error, 'a rejection is not retried').to.equal(undefined);
    expect(inv.result!.outcomes[0].outcome).to.equal('rejected');
    expect(readdirSync(dir)).to.deep.equal([]);
    const t = await h.tags(obj);
    expect(t['sftpgw:status']).to.equal('rejected');
    expect(t['sftpgw:detail']).to.match(/^invalid-pattern: /);
    expect(JSON.stringify(t), 'the pattern is not quoted in a tag either').not.to.include(pattern);
    const [line] = logLines(inv);
    expect(line).to.include({ level: 'warn', outcome: 'rejected', reason: 'invalid-pattern' });
    expect(line.error).to.include('FilePattern: not a valid RE2 pattern (unexpected ))');
    expectCleanLines(inv, [pattern]);
    expect(metricLines(inv)[0]).to.include({ Rejected: 1, Failed: 0 });
  });

  // --- event shapes ------------------------------------------------------------

  const malformedEvents: Array<[string, unknown]> = [
    ['{"Records":{}}', { Records: {} }],
    ['[null]', [null]],
    ['a null event', null],
    ['an event without Records', { hello: 'world' }],
  ];
  for (const [label, event] of malformedEvents) {
    it(`rejects the event ${label}: one JSON line, a metric, no throw`, async function () {
      const inv = await h.invoke(event);
      expect(inv.error).to.equal(undefined);
      expect(inv.result!.outcomes.map((o) => o.outcome)).to.deep.equal(['rejected']);
      expect(logLines(inv)).to.have.length(1);
      expect(logLines(inv)[0]).to.include({
        level: 'warn',
        outcome: 'rejected',
        reason: 'malformed-event',
      });
      expect(metricLines(inv)).to.have.length(1);
      expect(metricLines(inv)[0]).to.include({ Rejected: 1 });
      expectCleanLines(inv, []);
    });
  }

  it('rejects malformed records without touching the bucket, and still delivers the good record of the event', async function () {
    const dir = h.remoteDir('shapes');
    await h.putSecret('shapes', h.validSecret('shapes'));
    const good = await h.stage('shapes/good.txt', 'good');
    const rec = h.record(good);
    const s3 = rec.s3 as { bucket: Record<string, unknown>; object: Record<string, unknown> };
    const variant = (
      f: (r: {
        eventName?: unknown;
        s3: { bucket: Record<string, unknown>; object: Record<string, unknown> };
      }) => void,
    ) => {
      const r = structuredClone(rec) as {
        eventName?: unknown;
        s3: { bucket: Record<string, unknown>; object: Record<string, unknown> };
      };
      f(r);
      return r;
    };
    const records: unknown[] = [
      null,
      variant((r) => {
        r.eventName = 5;
      }),
      variant((r) => {
        delete (r as { s3?: unknown }).s3;
      }),
      variant((r) => {
        delete (r.s3 as { bucket?: unknown }).bucket;
      }),
      variant((r) => {
        r.s3.bucket.name = '';
      }),
      variant((r) => {
        r.s3.object.key = '';
      }),
      variant((r) => {
        delete r.s3.object.key;
      }),
      variant((r) => {
        r.s3.object.key = 'shapes/' + 'k'.repeat(100_000);
      }),
      rec,
    ];
    expect(s3.object.key).to.equal('shapes/good.txt');
    const inv = await h.invoke({ Records: records });
    expect(inv.error).to.equal(undefined);
    expect(inv.result!.outcomes.map((o) => o.outcome)).to.deep.equal([
      ...Array(8).fill('rejected'),
      'delivered',
    ]);
    expect(readdirSync(dir)).to.deep.equal(['good.txt']);
    const lines = logLines(inv);
    expect(lines).to.have.length(9);
    expect(lines.slice(0, 8).map((l) => l.reason)).to.deep.equal(Array(8).fill('malformed-record'));
    expect(metricLines(inv).map((m) => m.Rejected)).to.deep.equal([...Array(8).fill(1), 0]);
    expectCleanLines(inv, []);
    // The 100k-character key is in its line, shortened.
    expect((lines[7].key as string).length).to.be.below(10_000);
    // An empty key must never become the bucket's own ?tagging request.
    const bucketTags = await h.s3.send(new GetBucketTaggingCommand({ Bucket: h.bucket }));
    expect(bucketTags.TagSet).to.deep.equal(BUCKET_TAGS);
  });

  // --- secrets -----------------------------------------------------------------

  it('never puts a private key used as an unknown field name into a log line or the thrown error', async function () {
    const priv = keyPair('rsa:2048', 'pasted@wrong-place').privateKey;
    await h.putSecret('keyname', { ...h.validSecret('keyname'), [priv]: 'oops' });
    const obj = await h.stage('keyname/a.txt', 'x');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message).to.include('unknown key (1 not shown)');
    const secrets = [
      ...secretFragments(priv),
      ...secretFragments(h.sshd.clientKey.privateKey),
      'PRIVATE KEY',
    ];
    expectCleanError(inv, secrets);
    expectCleanLines(inv, secrets);
  });

  it('redacts a password equal to the username and a passphrase inside RemoteDirectory from lines and errors', async function () {
    const password = h.sshd.user;
    // The server refuses the key: the auth error names the user, which is the password.
    await h.putSecret(
      'userpw',
      h.validSecret('userpw', {
        PrivateKey: keyPair('ed25519', 'not-authorized@test').privateKey,
        Password: password,
      }),
    );
    const passphrase = 'correct-horse-battery-staple';
    await h.putSecret(
      'dirpp',
      h.validSecret('dirpp', {
        Passphrase: passphrase,
        RemoteDirectory: path.join(h.sshd.root, `no-such-${passphrase}`),
      }),
    );
    const a = await h.stage('userpw/a.txt', 'x');
    const b = await h.stage('dirpp/b.txt', 'x');
    const inv = await h.invoke(h.event([a, b]));
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message).to.match(/^2 of 2 record\(s\) failed/);
    expect(inv.error!.message).to.include('refused the credentials for user [redacted]');
    const failed = logLines(inv)
      .filter((l) => l.outcome === 'failed')
      .map((l) => l.errorKind);
    expect(failed.sort()).to.deep.equal(['auth', 'remote-directory']);
    const secrets = [password, passphrase];
    expectCleanError(inv, secrets);
    expectCleanLines(inv, secrets);
  });

  it('keeps lines valid JSON for a password like {"time":" or a common word, and still delivers', async function () {
    const dir = h.remoteDir('oddpw');
    for (const password of ['{"time":"', 'info', '2026', 'a"b\\c']) {
      await h.putSecret('oddpw', h.validSecret('oddpw', { Password: password }));
      const obj = await h.stage('oddpw/2026-info.txt', password);
      const inv = await h.invoke(h.event([obj]));
      expect(inv.error, password).to.equal(undefined);
      expect(inv.invalid, password).to.deep.equal([]);
      const [line] = logLines(inv);
      expect(line, password).to.include.keys('time', 'level', 'message', 'key', 'outcome');
      expect(line.outcome === 'delivered' || line.outcome === '[redacted]', password).to.equal(
        true,
      );
      for (const v of Object.values(line))
        if (typeof v === 'string') expect(v, password).not.to.include(password);
    }
    expect(readdirSync(dir)).to.deep.equal(['2026-info.txt']);
  });

  it('bounds the line and the thrown message for a secret with 2,000 unknown keys', async function () {
    const many = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [`UnknownKey${i}-${'x'.repeat(100)}`, i]),
    );
    await h.putSecret('manykeys', { ...h.validSecret('manykeys'), ...many });
    const obj = await h.stage('manykeys/a.txt', 'x');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message.length).to.be.below(4_000);
    expectCleanLines(inv, []);
    for (const line of inv.raw) expect(Buffer.byteLength(line)).to.be.below(16 * 1024);
  });

  // --- schema ------------------------------------------------------------------

  it('refuses a NUL byte in RemoteDirectory by name, and the server stays usable', async function () {
    const before = listFiles(h.sshd.root);
    await h.putSecret(
      'nul',
      h.validSecret('nul', { RemoteDirectory: `${h.sshd.root}/nul\u0000/../x` }),
    );
    const obj = await h.stage('nul/a.txt', 'x');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message).to.include('RemoteDirectory: contains a control character');
    expect(listFiles(h.sshd.root)).to.deep.equal(before);
    await h.putSecret('nul', h.validSecret('nul'));
    const retry = await h.invoke(h.event([obj]));
    expect(retry.error).to.equal(undefined);
  });

  // --- a slow destination --------------------------------------------------------

  it('a server that never answers does not starve the valid records after it in the same event', async function () {
    const { port } = silent.address() as net.AddressInfo;
    await h.putSecret('silent', h.validSecret('silent', { Port: port }));
    const dirs = ['after1', 'after2', 'after3'].map((k) => h.remoteDir(k));
    for (const k of ['after1', 'after2', 'after3']) await h.putSecret(k, h.validSecret(k));
    const stuck = await h.stage('silent/a.txt', 'x');
    const later = await Promise.all(
      ['after1', 'after2', 'after3'].map((k) => h.stage(`${k}/b.txt`, k)),
    );
    // 15 s left, 10 s margin: a 5 s deadline for the whole event.
    const inv = await h.invoke(h.event([stuck, ...later]), 15_000);
    expect(inv.ms).to.be.below(12_000);
    expect(inv.error).to.be.instanceOf(Error);
    expect(inv.error!.message).to.match(/^1 of 4 record\(s\) failed/);
    expect(inv.result).to.equal(undefined);
    for (const d of dirs) expect(readdirSync(d)).to.deep.equal(['b.txt']);
  });

  // --- host keys as the tools print them ------------------------------------------

  it('delivers with the pin pasted as ssh-keyscan output ([host]:port, # comments) or as the ssh-keygen -lf line', async function () {
    const scan = execFileSync(
      'sh',
      ['-c', `ssh-keyscan -p ${h.sshd.port} -t ed25519 127.0.0.1 2>&1`],
      { encoding: 'utf8' },
    );
    expect(scan).to.match(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${h.sshd.port} ssh-ed25519 `, 'm'));
    expect(scan).to.match(/^# /m);
    const pub = path.join(tempDir(), 'host.pub');
    writeFileSync(pub, h.sshd.hostPublicKey + '\n');
    const lf = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).trim();
    expect(lf).to.match(/^256 SHA256:\S+ .*\(ED25519\)$/);
    for (const [key, pin] of [
      ['keyscan', scan],
      ['keygenlf', lf],
    ] as const) {
      const dir = h.remoteDir(key);
      await h.putSecret(key, h.validSecret(key, { TrustedHostKeys: [pin] }));
      const inv = await h.invoke(h.event([await h.stage(`${key}/a.txt`, key)]));
      expect(inv.error, key).to.equal(undefined);
      expect(readdirSync(dir), key).to.deep.equal(['a.txt']);
    }
  });
});
