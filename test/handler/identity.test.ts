// The custom identity provider function, as its bundle (dist/handler/identity.js
// loaded alone as identity.mjs, one worker per warm container), answering the
// events Transfer Family sends
// (https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html)
// from a directory written to a real moto S3 bucket (versioned, SSE-KMS). The
// read-only user's policy is the real jsonnet's (libsonnet/user.libsonnet
// sessionPolicy) rendered with libjsonnet, as the directory will carry it.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Jsonnet } from '@hanazuki/node-jsonnet';
import { expect } from 'chai';
import { hashPassword } from '../../shared/identity/password-hash.js';
import type { BundleWorkers, Invocation } from '../helpers/bundle-worker.js';
import {
  DATA_BUCKET,
  KEY_ARN,
  ROLE_ARN,
  loginEvent,
  startIdentityHarness,
  type IdentityHarness,
  type IdpReturn,
} from '../helpers/identity-harness.js';
import { keyPair } from '../helpers/keys.js';
import { cleanTempDirs, repoRoot } from '../helpers/project.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'Tr0ub4dor&3-wrong';
const FUTURE = '2999-12-31';
const PAST = '2020-01-01';

/** The Fn::Sub string the jsonnet renders for a user's session policy. */
async function jsonnetPolicy(home: string, readOnly: boolean): Promise<string> {
  const vm = new Jsonnet();
  vm.addJpath(path.join(repoRoot, 'libsonnet'));
  const out = await vm.evaluateSnippet(
    `std.toString((import 'user.libsonnet').sessionPolicy(${JSON.stringify(home)}, ${readOnly}))`,
  );
  return JSON.parse(out) as string;
}

const loginLine = (inv: Invocation<IdpReturn>) => {
  const found = inv.lines.filter((l) => l.message === 'login');
  expect(found, JSON.stringify(inv.lines)).to.have.length(1);
  return found[0];
};

describe('identity provider function (bundle, moto S3)', function () {
  this.timeout(60_000);
  let h: IdentityHarness;
  let fn: BundleWorkers<IdpReturn>;
  const ed = keyPair('ed25519', 'alice@partner');
  const rsa = keyPair('rsa:2048', 'alice-old@partner');
  const ecdsa = keyPair('ecdsa', 'alice-ci@partner');
  const bobKey = keyPair('ed25519', 'bob@partner');
  let aliceHash = '';
  let bobPolicy = '';
  const secrets: string[] = [];

  before(async function () {
    h = await startIdentityHarness();
    aliceHash = await hashPassword(PASSWORD);
    bobPolicy = await jsonnetPolicy('bob', true);
    const alicePolicy = await jsonnetPolicy('alice', false);
    secrets.push(PASSWORD, WRONG, aliceHash, ...aliceHash.split('$').filter((s) => s.length > 12));
    for (const k of [ed, rsa, ecdsa, bobKey]) secrets.push(k.publicKey.split(' ')[1]);
    const directory = {
      format: 'sftpgw-directory/1',
      gateway: 'test-gateway',
      passwords: true,
      users: {
        alice: {
          policy: alicePolicy,
          home: [{ Entry: '/', Target: '/${Bucket}/alice' }],
          keys: [
            { key: ed.publicKey, expires: FUTURE },
            { key: rsa.publicKey, expires: PAST },
            { key: ecdsa.publicKey, expires: null },
          ],
          cidrs: null,
          passwordHash: aliceHash,
          readOnly: false,
        },
        bob: {
          policy: bobPolicy,
          home: [{ Entry: '/', Target: '/${Bucket}/bob' }],
          keys: [{ key: bobKey.publicKey, expires: null }],
          cidrs: ['203.0.113.0/24', '192.0.2.8/32'],
          readOnly: true,
        },
        carol: {
          policy: alicePolicy.replaceAll('alice', 'carol'),
          home: [{ Entry: '/', Target: '/${Bucket}/carol' }],
          keys: [
            { key: ed.publicKey, expires: PAST },
            { key: rsa.publicKey, expires: '2026-01-01' },
          ],
          readOnly: false,
        },
        dave: {
          policy: alicePolicy.replaceAll('alice', 'dave'),
          home: [{ Entry: '/', Target: '/${Bucket}/dave' }],
          keys: [{ key: bobKey.publicKey, expires: null }],
          readOnly: false,
        },
      },
    };
    await h.putDirectory(directory);
    await h.putDirectory({ ...directory, passwords: false }, 'sftpgw/no-passwords.json');
    fn = h.containers();
  });

  after(async function () {
    await h?.stop();
    cleanTempDirs();
  });

  async function login(
    workers: BundleWorkers<IdpReturn>,
    event: unknown,
  ): Promise<Invocation<IdpReturn>> {
    const inv = await workers.invoke(event, 10_000);
    expect(inv.error, inv.error?.stack).to.equal(undefined);
    expect(inv.invalid, 'every line is JSON').to.deep.equal([]);
    return inv;
  }

  it('answers a key login with role, policy, LOGICAL home and the unexpired keys only', async function () {
    const inv = await login(fn, loginEvent('alice'));
    const a = inv.result!;
    expect(a.Role).to.equal(ROLE_ARN);
    expect(a.HomeDirectoryType).to.equal('LOGICAL');
    expect(a.HomeDirectoryDetails, 'a JSON string, not an object').to.be.a('string');
    expect(JSON.parse(a.HomeDirectoryDetails!)).to.deep.equal([
      { Entry: '/', Target: `/${DATA_BUCKET}/alice` },
    ]);
    expect(a.PublicKeys).to.deep.equal([ed.publicKey, ecdsa.publicKey]);
    expect(a.Policy).not.to.include('${');
    expect(JSON.parse(a.Policy!).Statement[1].Resource).to.equal(
      `arn:aws:s3:::${DATA_BUCKET}/alice/*`,
    );
    expect(loginLine(inv)).to.deep.include({
      level: 'info',
      outcome: 'allowed',
      user: 'alice',
      reason: 'key',
      method: 'key',
      protocol: 'SFTP',
      sourceIp: '198.51.100.7',
      keys: 2,
    });
    expect(loginLine(inv).ms).to.be.a('number');
    expect(loginLine(inv).directoryVersion).to.be.a('string');
    // An empty password is a key login too.
    const empty = await login(fn, loginEvent('alice', { password: '' }));
    expect(empty.result!.PublicKeys).to.deep.equal([ed.publicKey, ecdsa.publicKey]);
  });

  it('answers a correct password without PublicKeys; denies a wrong one, a user without a hash, and passwords off', async function () {
    const ok = await login(fn, loginEvent('alice', { password: PASSWORD }));
    expect(ok.result!.Role).to.equal(ROLE_ARN);
    expect(ok.result!.HomeDirectoryType).to.equal('LOGICAL');
    expect(ok.result, 'a password login never returns PublicKeys').not.to.have.property(
      'PublicKeys',
    );
    expect(loginLine(ok)).to.deep.include({ outcome: 'allowed', method: 'password' });

    const wrong = await login(fn, loginEvent('alice', { password: WRONG }));
    expect(wrong.result).to.deep.equal({});
    expect(loginLine(wrong)).to.deep.include({ outcome: 'denied', reason: 'wrong-password' });

    const noHash = await login(fn, loginEvent('dave', { password: PASSWORD }));
    expect(noHash.result).to.deep.equal({});
    expect(loginLine(noHash)).to.deep.include({ reason: 'no-password-set' });

    const off = h.containers({ DIRECTORY_KEY: 'sftpgw/no-passwords.json' });
    const offInv = await login(off, loginEvent('alice', { password: PASSWORD }));
    expect(offInv.result).to.deep.equal({});
    expect(loginLine(offInv)).to.deep.include({ reason: 'passwords-off', method: 'password' });
    // Keys still work with passwords off.
    expect((await login(off, loginEvent('alice'))).result!.PublicKeys).to.have.length(2);
    for (const inv of [ok, wrong, noHash, offInv])
      for (const line of inv.raw) for (const s of secrets) expect(line).not.to.include(s);
  });

  it('denies an unknown user (key and password logins, and a name on Object.prototype)', async function () {
    for (const event of [
      loginEvent('mallory'),
      loginEvent('mallory', { password: PASSWORD }),
      loginEvent('constructor'),
      loginEvent('__proto__'),
    ]) {
      const inv = await login(fn, event);
      expect(inv.result).to.deep.equal({});
      expect(loginLine(inv)).to.deep.include({ outcome: 'denied', reason: 'unknown-user' });
    }
  });

  it("enforces the user's networks: inside allowed, outside denied", async function () {
    for (const ip of ['203.0.113.9', '192.0.2.8', '::ffff:203.0.113.200']) {
      const inv = await login(fn, loginEvent('bob', { sourceIp: ip }));
      expect(inv.result!.PublicKeys, ip).to.deep.equal([bobKey.publicKey]);
    }
    for (const ip of ['198.51.100.7', '192.0.2.9', '2001:db8::1', 'not-an-address']) {
      const inv = await login(fn, loginEvent('bob', { sourceIp: ip }));
      expect(inv.result, ip).to.deep.equal({});
      expect(loginLine(inv)).to.deep.include({ reason: 'source-not-allowed', sourceIp: ip });
    }
  });

  it('denies a key login when every key of the user expired', async function () {
    const inv = await login(fn, loginEvent('carol'));
    expect(inv.result).to.deep.equal({});
    expect(loginLine(inv)).to.deep.include({ outcome: 'denied', reason: 'no-unexpired-key' });
  });

  it("answers a read-only user with the jsonnet's read-only policy, every placeholder resolved", async function () {
    const inv = await login(fn, loginEvent('bob', { sourceIp: '203.0.113.1' }));
    const policy = inv.result!.Policy!;
    expect(policy).not.to.match(/\$\{/);
    const expected = bobPolicy
      .replaceAll('${AWS::Partition}', 'aws')
      .replaceAll('${Bucket}', DATA_BUCKET)
      .replaceAll('${KeyArn}', KEY_ARN);
    expect(policy).to.equal(expected);
    const doc = JSON.parse(policy) as {
      Statement: Array<{ Sid: string; Action: string | string[]; Resource: string }>;
    };
    const actions = doc.Statement.flatMap((s) => s.Action);
    expect(actions).to.include('s3:GetObject');
    expect(actions).not.to.include('s3:PutObject');
    expect(actions).not.to.include('kms:GenerateDataKey');
    expect(doc.Statement.find((s) => s.Sid === 'ReadHome')!.Resource).to.equal(
      `arn:aws:s3:::${DATA_BUCKET}/bob/*`,
    );
    expect(doc.Statement.find((s) => s.Sid === 'UseGatewayKey')!.Resource).to.equal(KEY_ARN);
    expect(inv.result!.HomeDirectoryDetails).to.equal(
      JSON.stringify([{ Entry: '/', Target: `/${DATA_BUCKET}/bob` }]),
    );
  });

  it('partition comes from AWS_PARTITION', async function () {
    const cn = h.containers({ AWS_PARTITION: 'aws-cn' });
    const inv = await login(cn, loginEvent('alice'));
    expect(JSON.parse(inv.result!.Policy!).Statement[0].Resource).to.equal(
      `arn:aws-cn:s3:::${DATA_BUCKET}`,
    );
  });

  it('picks up a new directory version after DIRECTORY_CACHE_SECONDS, not before; a pinned DIRECTORY_VERSION stays', async function () {
    const key = 'sftpgw/rotating.json';
    const one = keyPair('ed25519', 'v1@partner');
    const two = keyPair('ed25519', 'v2@partner');
    const dir = (k: string) => ({
      format: 'sftpgw-directory/1',
      gateway: 'test-gateway',
      passwords: false,
      users: {
        erin: {
          policy: '{"Statement":[]}',
          home: [{ Entry: '/', Target: '/${Bucket}/erin' }],
          keys: [{ key: k, expires: null }],
          readOnly: false,
        },
      },
    });
    const v1 = await h.putDirectory(dir(one.publicKey), key);
    const rotating = h.containers({ DIRECTORY_KEY: key, DIRECTORY_CACHE_SECONDS: '1' });
    const pinned = h.containers({
      DIRECTORY_KEY: key,
      DIRECTORY_CACHE_SECONDS: '0',
      DIRECTORY_VERSION: v1.versionId,
    });
    const first = await login(rotating, loginEvent('erin'));
    expect(first.result!.PublicKeys).to.deep.equal([one.publicKey]);
    expect(loginLine(first).directoryVersion).to.equal(v1.versionId);
    expect((await login(pinned, loginEvent('erin'))).result!.PublicKeys).to.deep.equal([
      one.publicKey,
    ]);

    const v2 = await h.putDirectory(dir(two.publicKey), key);
    const cached = await login(rotating, loginEvent('erin'));
    expect(cached.result!.PublicKeys, 'within the cache time').to.deep.equal([one.publicKey]);
    await sleep(1_200);
    const after = await login(rotating, loginEvent('erin'));
    expect(after.result!.PublicKeys, 'after the cache time').to.deep.equal([two.publicKey]);
    expect(loginLine(after).directoryVersion).to.equal(v2.versionId);
    // Unchanged since: the re-check is a 304 and the version stays.
    await sleep(1_200);
    expect(loginLine(await login(rotating, loginEvent('erin'))).directoryVersion).to.equal(
      v2.versionId,
    );
    const stillPinned = await login(pinned, loginEvent('erin'));
    expect(stillPinned.result!.PublicKeys).to.deep.equal([one.publicKey]);
    expect(loginLine(stillPinned).directoryVersion).to.equal(v1.versionId);

    // A corrupt new version: the container keeps the last good one and says so once.
    await h.putDirectory('{"format":"sftpgw-directory/1","users":{', key);
    await sleep(1_200);
    const kept = await login(rotating, loginEvent('erin'));
    expect(kept.result!.PublicKeys, 'the last good version is still served').to.deep.equal([
      two.publicKey,
    ]);
    const errors = kept.lines.filter((l) => l.level === 'error');
    expect(errors).to.have.length(1);
    expect(errors[0].message).to.match(/last good version is still served/);
    expect(errors[0].problem).to.match(/not valid JSON/);
    expect(errors[0].directoryVersion).to.equal(v2.versionId);
    const next = await login(rotating, loginEvent('erin'));
    expect(
      next.lines.filter((l) => l.level === 'error'),
      'said once per check',
    ).to.deep.equal([]);
  });

  it('denies everyone with an error line when the directory is corrupt, malformed or missing (no last good one)', async function () {
    const hash = aliceHash;
    const cases: Array<[string, string | undefined, RegExp]> = [
      // Cut off in the middle of a password hash: the error must not quote it.
      [
        'sftpgw/corrupt.json',
        `{"format":"sftpgw-directory/1","gateway":"g","passwords":true,"users":{"alice":{"passwordHash":"${hash}`,
        /not valid JSON \(\d+ bytes\)/,
      ],
      [
        'sftpgw/wrong-format.json',
        JSON.stringify({ format: 'other/2', gateway: 'g', passwords: false, users: {} }),
        /format/,
      ],
      [
        'sftpgw/bad-user.json',
        JSON.stringify({
          format: 'sftpgw-directory/1',
          gateway: 'g',
          passwords: true,
          users: { alice: { policy: '{}', home: [], keys: [], passwordHash: hash } },
        }),
        /users\["alice"\]\.home/,
      ],
      ['sftpgw/missing.json', undefined, /NoSuchKey|404/],
    ];
    for (const [key, text, problem] of cases) {
      if (text !== undefined) await h.putDirectory(text, key);
      const broken = h.containers({ DIRECTORY_KEY: key });
      for (const event of [loginEvent('alice'), loginEvent('alice', { password: PASSWORD })]) {
        const inv = await login(broken, event);
        expect(inv.result, key).to.deep.equal({});
        const line = loginLine(inv);
        expect(line, key).to.deep.include({
          level: 'error',
          outcome: 'denied',
          reason: 'directory-unavailable',
        });
        expect(line.problem, key).to.match(problem);
        for (const raw of inv.raw) {
          expect(raw).not.to.include(hash);
          expect(raw).not.to.include(PASSWORD);
          expect(raw).not.to.include(hash.split('$').pop()!);
        }
      }
    }
  });

  it('denies an event that is not a Transfer login, with a line that quotes none of its values', async function () {
    for (const event of [
      null,
      'alice',
      [],
      {},
      { username: 'alice', password: PASSWORD },
      { ...loginEvent('alice', { password: PASSWORD }), protocol: 'HTTP' },
      { ...loginEvent('alice'), password: 42 },
    ]) {
      const inv = await login(fn, event);
      expect(inv.result).to.deep.equal({});
      const line = loginLine(inv);
      expect(line).to.deep.include({ level: 'warn', outcome: 'denied', reason: 'invalid-event' });
      for (const raw of inv.raw) expect(raw).not.to.include(PASSWORD);
    }
  });

  it('denies every login with an error line when its environment is incomplete', async function () {
    const bare = h.containers({ DIRECTORY_BUCKET: '', USER_ROLE_ARN: '' });
    const inv = await login(bare, loginEvent('alice'));
    expect(inv.result).to.deep.equal({});
    expect(loginLine(inv)).to.deep.include({ level: 'error', reason: 'misconfigured' });
    expect(loginLine(inv).problem).to.equal('DIRECTORY_BUCKET, USER_ROLE_ARN are not set');
  });

  it('writes no password, hash or key body in any line of any container', async function () {
    // Every login kind once more, then every line all containers wrote in this file.
    await login(fn, loginEvent('alice', { password: PASSWORD }));
    await login(fn, loginEvent('alice', { password: WRONG }));
    await login(fn, loginEvent('alice'));
    await login(fn, loginEvent('bob', { sourceIp: '10.0.0.1', password: PASSWORD }));
    const every = h.allLines();
    expect(every.length).to.be.greaterThan(40);
    for (const raw of every) {
      for (const s of secrets) expect(raw, 'a secret in a log line').not.to.include(s);
      expect(raw).not.to.match(/\$scrypt\$/);
      expect(raw).not.to.match(/AAAA[0-9A-Za-z+/]{16,}/);
    }
  });
});
