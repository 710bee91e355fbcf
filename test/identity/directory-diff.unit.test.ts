// The directory diff a lambda gateway's deploy and diff show
// (cli/engine/identity/directory-diff.ts), its text (cli/directory-text.ts)
// and its JSON: users added and removed; per user keys added, removed or with
// a new expiry, networks, password set/changed/cleared, policy, home,
// read-only; never a key body, a hash or a policy's text.
import { expect } from 'chai';
import type { Directory, DirectoryUser } from '../../shared/identity/directory.js';
import {
  directoryDiff,
  isEmptyDirectoryDiff,
  keyRef,
} from '../../cli/engine/identity/directory-diff.js';
import { checkPublicKey, ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { formatDirectoryPlan } from '../../cli/directory-text.js';
import { directoryPlanDocument } from '../../cli/output-schemas/directory.js';
import type { DirectoryPlan } from '../../cli/engine/deploy/types.js';

/** The fingerprint the user-file checks print for the key (no ssh-keygen in the unit tier). */
function fingerprintOf(line: string): string {
  const r = checkPublicKey(line);
  if (!r.ok) throw new Error('bad test key');
  return r.fingerprint;
}

const HASH_A =
  '$scrypt$N=16384,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
const HASH_B =
  '$scrypt$N=16384,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdB$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2i';
const k1 = ed25519PublicKey('one');
const k2 = ed25519PublicKey('two');
const k3 = ed25519PublicKey('three');

const user = (o: Partial<DirectoryUser> = {}): DirectoryUser => ({
  policy: '{"Version":"2012-10-17","Statement":[]}',
  home: [{ Entry: '/', Target: '/${Bucket}/x' }],
  keys: [{ key: k1, expires: null }],
  readOnly: false,
  ...o,
});
const dir = (users: Record<string, DirectoryUser>, passwords = false): Directory => ({
  format: 'sftpgw-directory/1',
  gateway: 'gw',
  passwords,
  users,
});

describe('directory diff: what a new directory version changes', function () {
  it('no directory yet: every user added, with its key count and whether it has a password', function () {
    const d = directoryDiff(
      undefined,
      dir({ bob: user(), alice: user({ passwordHash: HASH_A, keys: [] }) }),
    );
    expect(d.usersAdded).to.deep.equal([
      { user: 'alice', keys: 0, password: true },
      { user: 'bob', keys: 1, password: false },
    ]);
    expect(d.usersRemoved).to.deep.equal([]);
    expect(d.usersChanged).to.deep.equal([]);
  });

  it('the same directory: nothing', function () {
    const a = dir({ bob: user() });
    expect(isEmptyDirectoryDiff(directoryDiff(a, structuredClone(a)))).to.equal(true);
  });

  it('users added and removed by name', function () {
    const d = directoryDiff(
      dir({ alice: user(), bob: user() }),
      dir({ bob: user(), carol: user() }),
    );
    expect(d.usersAdded.map((u) => u.user)).to.deep.equal(['carol']);
    expect(d.usersRemoved).to.deep.equal(['alice']);
  });

  it('keys added, removed and with a new expiry, by fingerprint (SHA256, as the user-file checks print it)', function () {
    const before = dir({
      bob: user({
        keys: [
          { key: k1, expires: null },
          { key: k2, expires: '2027-01-31' },
        ],
      }),
    });
    const after = dir({
      bob: user({
        keys: [
          { key: k2, expires: '2027-06-30' },
          { key: k3, expires: null },
        ],
      }),
    });
    const [c] = directoryDiff(before, after).usersChanged;
    expect(c.user).to.equal('bob');
    expect(c.keysAdded).to.deep.equal([
      { type: 'ssh-ed25519', fingerprint: fingerprintOf(k3), expires: null },
    ]);
    expect(c.keysRemoved.map((k) => k.fingerprint)).to.deep.equal([fingerprintOf(k1)]);
    expect(c.expiryChanged).to.deep.equal([
      {
        type: 'ssh-ed25519',
        fingerprint: keyRef({ key: k2, expires: null }).fingerprint,
        from: '2027-01-31',
        to: '2027-06-30',
      },
    ]);
    expect(c.policy).to.equal(false);
    expect(c.home).to.equal(false);
  });

  it('networks, password set / changed / cleared, read-only, policy and home', function () {
    const before = dir(
      {
        a: user({ cidrs: ['203.0.113.0/24'] }),
        b: user(),
        c: user({ passwordHash: HASH_A }),
        d: user({ passwordHash: HASH_A }),
        e: user(),
      },
      false,
    );
    const after = dir(
      {
        a: user({ cidrs: null }),
        b: user({ passwordHash: HASH_A }),
        c: user({ passwordHash: HASH_B }),
        d: user(),
        e: user({
          readOnly: true,
          policy: '{"Version":"2012-10-17"}',
          home: [{ Entry: '/', Target: '/${Bucket}/y' }],
        }),
      },
      true,
    );
    const d = directoryDiff(before, after);
    expect(d.passwords).to.deep.equal({ before: false, after: true });
    const by = Object.fromEntries(d.usersChanged.map((c) => [c.user, c]));
    expect(by.a.networks).to.deep.equal({ before: ['203.0.113.0/24'], after: null });
    expect(by.b.password).to.equal('set');
    expect(by.c.password).to.equal('changed');
    expect(by.d.password).to.equal('cleared');
    expect(by.e).to.include({ policy: true, home: true });
    expect(by.e.readOnly).to.deep.equal({ before: false, after: true });
  });

  it('text and JSON never hold a key body, a hash or a policy', function () {
    const before = dir({ bob: user({ passwordHash: HASH_A }), gone: user() });
    const after = dir({
      bob: user({
        keys: [{ key: k2, expires: '2027-01-31' }],
        passwordHash: HASH_B,
        policy: '{"secret":"policy-text"}',
      }),
      new1: user({ keys: [{ key: k3, expires: null }] }),
    });
    const plan: DirectoryPlan = {
      location: 's3://gw-directorybucket/directory.json',
      currentVersion: 'v1',
      unchanged: false,
      bytes: 1234,
      users: 2,
      diff: directoryDiff(before, after),
    };
    const text = formatDirectoryPlan(plan, false);
    const json = JSON.stringify(directoryPlanDocument(plan));
    for (const out of [text, json]) {
      for (const k of [k1, k2, k3]) expect(out).not.to.contain(k.split(' ')[1]);
      expect(out).not.to.contain('$scrypt$');
      expect(out).not.to.contain('policy-text');
    }
    expect(text).to.contain(
      'Identity directory s3://gw-directorybucket/directory.json (current version v1):',
    );
    expect(text).to.contain('+ user new1 (1 key)');
    expect(text).to.contain('- user gone');
    expect(text).to.contain(`+ key ssh-ed25519 ${fingerprintOf(k2)} (expires 2027-01-31)`);
    expect(text).to.contain(`- key ssh-ed25519 ${fingerprintOf(k1)} (no expiry)`);
    expect(text).to.contain('~ password changed');
    expect(text).to.contain('~ session policy changes');
    expect(text).to.contain(
      '1 user to add, 1 to change, 1 to remove; a new version of 1234 bytes, 2 users',
    );
    expect(formatDirectoryPlan({ ...plan, unchanged: true }, false)).to.contain(
      'unchanged (same bytes as the current version; not uploaded)',
    );
  });
});
