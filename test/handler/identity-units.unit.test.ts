// The identity function's parts without S3: the decision (pure), the event
// check, the directory cache's rules (over an in-memory DirectorySource: a
// fake by design, to count reads and 304s exactly and to fail on demand, which
// test/handler/identity.test.ts cannot observe through the bundle), and the
// log scrubber. The bundle against moto is test/handler/identity.test.ts.
import { expect } from 'chai';
import { decide, substitute, type AnswerSettings } from '../../handler/identity/decide.js';
import {
  DirectoryCache,
  type DirectoryRead,
  type DirectorySource,
} from '../../handler/identity/directory-store.js';
import { checkEvent, type LoginEvent } from '../../handler/identity/event.js';
import { scrub } from '../../handler/identity/login-log.js';
import { identitySettings } from '../../handler/identity/settings.js';
import type { Directory } from '../../shared/identity/directory.js';

const settings: AnswerSettings = {
  role: 'arn:aws:iam::1:role/r',
  bucket: 'data',
  keyArn: 'arn:aws:kms:us-east-1:1:key/k',
  partition: 'aws',
};

const directory = (over: Partial<Directory> = {}): Directory => ({
  format: 'sftpgw-directory/1',
  gateway: 'g',
  passwords: true,
  users: {
    u: {
      policy:
        '{"R":"arn:${AWS::Partition}:s3:::${Bucket}/u/*","K":"${KeyArn}","L":"${!transfer:UserName}"}',
      home: [{ Entry: '/', Target: '/${Bucket}/u' }],
      keys: [
        { key: 'ssh-ed25519 A last-day', expires: '2026-12-07' },
        { key: 'ssh-ed25519 B expired', expires: '2026-12-06' },
        { key: 'ssh-ed25519 C forever', expires: null },
      ],
      cidrs: ['10.0.0.0/8'],
      passwordHash: 'H',
      readOnly: false,
    },
  },
  ...over,
});

const event = (o: Partial<LoginEvent> = {}): LoginEvent => ({
  username: 'u',
  protocol: 'SFTP',
  serverId: 's-1',
  sourceIp: '10.1.2.3',
  ...o,
});

const verify = async (pw: string, hash: string) => pw === 'pw' && hash === 'H';

describe('identity decision (handler/identity/decide.ts)', function () {
  it('trusts a key through its expiry day and not the day after', async function () {
    const d = await decide(directory(), event(), '2026-12-07', settings, verify);
    expect(d.allow && d.answer.PublicKeys).to.deep.equal([
      'ssh-ed25519 A last-day',
      'ssh-ed25519 C forever',
    ]);
    const next = await decide(directory(), event(), '2026-12-08', settings, verify);
    expect(next.allow && next.answer.PublicKeys).to.deep.equal(['ssh-ed25519 C forever']);
  });

  it("resolves Fn::Sub's placeholders, keeps ${!…} as a literal, refuses an unknown one", async function () {
    const d = await decide(directory(), event(), '2026-01-01', settings, verify);
    expect(d.allow && JSON.parse(d.answer.Policy)).to.deep.equal({
      R: 'arn:aws:s3:::data/u/*',
      K: settings.keyArn,
      L: '${transfer:UserName}',
    });
    expect(substitute('${Nope}', settings)).to.equal(undefined);
    const bad = directory();
    bad.users.u.policy = '{"R":"${Unknown}"}';
    expect(await decide(bad, event(), '2026-01-01', settings, verify)).to.deep.include({
      allow: false,
      reason: 'unresolved-placeholder',
    });
  });

  it('password logins: checked only when on and the user has a hash; no PublicKeys', async function () {
    const ok = await decide(directory(), event({ password: 'pw' }), '2026-01-01', settings, verify);
    expect(ok.allow).to.equal(true);
    expect(ok.allow && 'PublicKeys' in ok.answer).to.equal(false);
    const wrong = await decide(
      directory(),
      event({ password: 'x' }),
      '2026-01-01',
      settings,
      verify,
    );
    expect(wrong).to.deep.include({ allow: false, reason: 'wrong-password' });
    const off = await decide(
      directory({ passwords: false }),
      event({ password: 'pw' }),
      '2026-01-01',
      settings,
      verify,
    );
    expect(off).to.deep.include({ allow: false, reason: 'passwords-off' });
  });

  it('spends one password check on an unknown user or a user without a hash (no timing tell)', async function () {
    let calls = 0;
    const counting = async () => {
      calls++;
      return false;
    };
    await decide(
      directory(),
      event({ username: 'nobody', password: 'pw' }),
      '2026-01-01',
      settings,
      counting,
    );
    const noHash = directory();
    delete noHash.users.u.passwordHash;
    await decide(noHash, event({ password: 'pw' }), '2026-01-01', settings, counting);
    expect(calls).to.equal(2);
  });

  it('checks the source before the password', async function () {
    let calls = 0;
    const counting = async () => {
      calls++;
      return true;
    };
    const d = await decide(
      directory(),
      event({ password: 'pw', sourceIp: '192.0.2.1' }),
      '2026-01-01',
      settings,
      counting,
    );
    expect(d).to.deep.include({ allow: false, reason: 'source-not-allowed' });
    expect(calls).to.equal(0);
  });
});

describe('identity event check (handler/identity/event.ts)', function () {
  it('takes the documented shape and names what is wrong otherwise, quoting no value', function () {
    expect(checkEvent({ ...event(), password: 'pw' })).to.deep.equal({
      event: { ...event(), password: 'pw' },
    });
    expect(checkEvent({ ...event(), password: '' })).to.deep.equal({
      event: { ...event(), password: undefined },
    });
    expect(checkEvent({ ...event(), sourceIp: undefined })).to.deep.equal({
      invalid: 'sourceIp is missing or not a non-empty string',
    });
    expect(checkEvent({ ...event(), protocol: 'secret-ish' })).to.deep.equal({
      invalid: 'protocol is not SFTP, FTP or FTPS',
    });
  });
});

describe('identity settings (handler/identity/settings.ts)', function () {
  it('names missing variables and a bad cache time', function () {
    expect(identitySettings({})).to.deep.equal({
      problem: 'DIRECTORY_BUCKET, DIRECTORY_KEY, USER_ROLE_ARN, BUCKET_NAME, KEY_ARN are not set',
    });
    const env = {
      DIRECTORY_BUCKET: 'b',
      DIRECTORY_KEY: 'k',
      USER_ROLE_ARN: 'r',
      BUCKET_NAME: 'd',
      KEY_ARN: 'a',
    };
    expect(identitySettings({ ...env, DIRECTORY_CACHE_SECONDS: 'soon' })).to.deep.equal({
      problem: 'DIRECTORY_CACHE_SECONDS must be a number of seconds ≥ 0, not "soon"',
    });
    const ok = identitySettings(env);
    expect('settings' in ok && ok.settings.cacheMs).to.equal(30_000);
    expect('settings' in ok && ok.settings.answer.partition).to.equal('aws');
  });
});

describe('identity directory cache (handler/identity/directory-store.ts)', function () {
  // An in-memory source (a fake: it counts reads and answers 304 like S3).
  // parseDirectory checks the hash: a real one (made with hashPassword).
  // parseDirectory checks names and hashes: a Transfer username (3 or more
  // characters) and a real hash (made with hashPassword).
  const stored = directory();
  stored.users = {
    'user-u': {
      ...stored.users.u,
      passwordHash:
        '$scrypt$N=32768,r=8,p=3$lbvX2sPwAgyJZAQRaNykPA$U9mDD78HbhGSi+/H7wyGzQtecu/bfJcdSAXfBtF/wcY',
    },
  };
  function memorySource(pinned = false) {
    const state = {
      text: JSON.stringify(stored),
      etag: '"1"',
      fail: false,
      reads: 0,
      notModified: 0,
    };
    const source: DirectorySource = {
      where: 's3://b/k',
      pinned,
      async read(ifNoneMatch): Promise<DirectoryRead> {
        state.reads++;
        if (state.fail) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
        if (ifNoneMatch === state.etag) {
          state.notModified++;
          return { notModified: true };
        }
        return { text: state.text, etag: state.etag, versionId: `v${state.etag}` };
      },
    };
    return { source, state };
  }

  it('reads once per cache period, re-checks with the ETag, keeps the last good one on failure', async function () {
    let now = 0;
    const { source, state } = memorySource();
    const cache = new DirectoryCache(source, 1000, () => now);
    expect((await cache.current()).directory).to.not.equal(undefined);
    now = 999;
    await cache.current();
    expect(state.reads).to.equal(1);
    now = 1000;
    await cache.current();
    expect([state.reads, state.notModified]).to.deep.equal([2, 1]);

    state.fail = true;
    now = 2000;
    const failed = await cache.current();
    expect(failed.directory, 'the last good one').to.not.equal(undefined);
    expect(failed).to.deep.include({ problemIsNew: true, version: 'v"1"' });
    expect(failed.problem).to.equal('s3://b/k: AccessDenied: Access Denied');
    now = 2500;
    expect(await cache.current()).to.deep.include({ problemIsNew: false });
    expect(state.reads, 'a failure waits for the cache period too').to.equal(3);

    state.fail = false;
    state.text = '{"format":"sftpgw-directory/1","users":{"u":{"passwordHash":"$scrypt$N=1';
    state.etag = '"2"';
    now = 3000;
    const corrupt = await cache.current();
    expect(corrupt.problem).to.match(/not valid JSON \(\d+ bytes\)$/);
    expect(corrupt.version).to.equal('v"1"');
  });

  it('with no good version, serves nothing and says why', async function () {
    const { source, state } = memorySource();
    state.fail = true;
    const cache = new DirectoryCache(source, 0);
    const c = await cache.current();
    expect(c.directory).to.equal(undefined);
    expect(c.problem).to.match(/AccessDenied/);
  });

  it('overlapping calls share one read', async function () {
    const { source, state } = memorySource();
    const cache = new DirectoryCache(source, 1000);
    const all = await Promise.all([cache.current(), cache.current(), cache.current()]);
    expect(state.reads).to.equal(1);
    for (const c of all) expect(c.directory).to.not.equal(undefined);
  });

  it('a pinned version is read once and never re-checked', async function () {
    let now = 0;
    const { source, state } = memorySource(true);
    const cache = new DirectoryCache(source, 0, () => now);
    await cache.current();
    now = 10_000;
    await cache.current();
    expect(state.reads).to.equal(1);
  });
});

describe('identity log scrubbing (handler/identity/login-log.ts)', function () {
  it('cuts password hashes and key bodies out of any text', function () {
    expect(
      scrub(
        'bad "$scrypt$N=32768,r=8,p=1$c2FsdA==$aGFzaA==" and ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBlah0123456789 x',
      ),
    ).to.equal('bad "[password hash]" and ssh-ed25519 [key body] x');
  });
});
