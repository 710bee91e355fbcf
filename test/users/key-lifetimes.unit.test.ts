// The build's clock, the key forms of a user file and a key's lifetime:
// the expires date itself is still valid, the day after is expired; the
// warning window's edges; keys shared between users. Keys are made in
// memory (ed25519PublicKey): this is the unit tier.
import { expect } from 'chai';
import { addDays, calendarDate, daysBetween, today } from '../../cli/engine/clock.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { keyListText } from '../../cli/engine/users/edit-keys.js';
import { checkKeyList, ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { isExpired, keyState, keysOf, withLiveKeys } from '../../cli/engine/users/key-lifetimes.js';
import { matchesCondition } from '../../cli/engine/users/list-keys.js';
import { checkUserShape, MAX_KEYS_PER_USER } from '../../cli/engine/users/spec.js';
import { sharedKeyFindings } from '../../cli/engine/validate/rules/users/shared-keys.js';
import { keyLifetimeFindings } from '../../cli/engine/validate/rules/users/key-lifetimes.js';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { dateValue } from '../../cli/flag-values.js';

const usage = (fn: () => unknown): SftpgwError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SftpgwError) return err;
    throw err;
  }
  throw new Error('no error');
};

describe('the clock', () => {
  const now = () => new Date('2026-12-07T23:59:59Z');

  it('is --today, else SFTPGW_TODAY, else the real UTC date', () => {
    expect(
      today({ today: '2026-06-01', environment: { SFTPGW_TODAY: '2027-01-01' } }, now),
    ).to.equal('2026-06-01');
    expect(today({ environment: { SFTPGW_TODAY: '2027-01-01' } }, now)).to.equal('2027-01-01');
    expect(today({ environment: {} }, now)).to.equal('2026-12-07');
    // An empty variable is unset (as CI systems leave them).
    expect(today({ environment: { SFTPGW_TODAY: '' } }, now)).to.equal('2026-12-07');
    // UTC, whatever the local zone: a minute before midnight UTC is still that day.
    expect(today({ environment: {} }, () => new Date('2026-12-31T23:59:00-00:00'))).to.equal(
      '2026-12-31',
    );
  });

  it('refuses a bad value as a usage error naming the flag or the variable', () => {
    const flag = usage(() => today({ today: '2026-02-29' }, now));
    expect(flag.kind).to.equal('usage');
    expect(flag.message).to.equal('--today: "2026-02-29" is not a day of the calendar');
    const env = usage(() => today({ environment: { SFTPGW_TODAY: '1 June 2026' } }, now));
    expect(env.kind).to.equal('usage');
    expect(env.message).to.match(/^SFTPGW_TODAY: expected a UTC date written YYYY-MM-DD/);
    expect(env.hint).to.include('SFTPGW_TODAY=YYYY-MM-DD');
    // commander's parser for --today and --expires says the same, naming the flag
    expect(() => dateValue('--today')('2026-6-1')).to.throw(/YYYY-MM-DD.*\(--today\)/);
    expect(dateValue('--expires')('2028-02-29')).to.equal('2028-02-29');
  });

  it('knows the calendar: leap days, month ends, the form', () => {
    expect(calendarDate('2028-02-29')).to.equal('2028-02-29');
    for (const bad of [
      '2027-02-29',
      '2027-04-31',
      '2027-13-01',
      '2027-00-10',
      '27-03-31',
      '2027-03-31T00:00:00Z',
      ' 2027-03-31',
    ])
      expect(calendarDate(bad), bad).to.equal(undefined);
    expect(daysBetween('2026-06-01', '2026-06-01')).to.equal(0);
    expect(daysBetween('2026-06-01', '2026-05-31')).to.equal(-1);
    expect(daysBetween('2026-12-31', '2027-01-01')).to.equal(1);
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
  });
});

describe('a key with an expires date', () => {
  it('is valid through its date and expired from the day after (UTC)', () => {
    expect(isExpired({ line: 'k', expires: '2027-03-31' }, '2027-03-31')).to.equal(false);
    expect(isExpired({ line: 'k', expires: '2027-03-31' }, '2027-04-01')).to.equal(true);
    expect(isExpired({ line: 'k' }, '2999-12-31')).to.equal(false);
    expect(keyState('2027-03-31', '2027-03-31', 30)).to.deep.equal({
      state: 'expiring',
      daysLeft: 0,
    });
    expect(keyState('2027-03-31', '2027-04-01', 30)).to.deep.equal({
      state: 'expired',
      daysLeft: -1,
    });
    expect(keyState(undefined, '2027-04-01', 30)).to.deep.equal({ state: 'ok' });
  });

  it('is expiring within keyExpiryWarningDays, its edge included', () => {
    expect(keyState('2026-07-01', '2026-06-01', 30).state).to.equal('expiring'); // 30 days
    expect(keyState('2026-07-02', '2026-06-01', 30).state).to.equal('ok'); // 31 days
    expect(keyState('2026-06-01', '2026-06-01', 0).state).to.equal('expiring'); // its last day
    expect(keyState('2026-06-02', '2026-06-01', 0).state).to.equal('ok');
  });

  it('is left out of what jsonnet receives; a user whose every key expired keeps no key', () => {
    const [a, b] = [ed25519PublicKey('a@x'), ed25519PublicKey('b@x')];
    const user = (keys: { line: string; expires?: string }[]) => ({
      name: 'u',
      id: 'UserU',
      spec: {
        keys,
        sshPublicKeys: keys.map((k) => k.line),
        homeDirectory: 'u',
        readOnly: false,
        tags: {},
        allowedSourceCidrs: [],
      },
    });
    const [mixed, gone, kept] = withLiveKeys(
      [
        user([{ line: a, expires: '2026-05-31' }, { line: b }]),
        user([{ line: a, expires: '2026-05-31' }]),
        user([{ line: a, expires: '2026-06-01' }]),
      ],
      '2026-06-01',
    );
    expect(mixed.spec.sshPublicKeys).to.deep.equal([b]);
    expect(mixed.spec.keys).to.have.length(2); // the file's keys stay known to the engine
    expect(gone.spec.sshPublicKeys).to.deep.equal([]);
    expect(kept.spec.sshPublicKeys).to.deep.equal([a]);
  });

  it('lists as rows with state and days left; --expiring/--expired match them', () => {
    const [a, b, c] = ['a@x', 'b@x', 'c@x'].map(ed25519PublicKey);
    const rows = keysOf(
      [
        {
          name: 'acme',
          file: 'users/acme.libsonnet',
          keys: [
            { line: a, expires: '2026-05-31' },
            { line: b },
            { line: c, expires: '2026-06-15' },
          ],
        },
      ],
      '2026-06-01',
      30,
    );
    expect(rows.map((r) => [r.index, r.state, r.daysLeft, r.comment])).to.deep.equal([
      [0, 'expired', -1, 'a@x'],
      [1, 'ok', undefined, 'b@x'],
      [2, 'expiring', 14, 'c@x'],
    ]);
    expect(
      rows.filter((r) => matchesCondition(r, { expiring: 14 })).map((r) => r.index),
    ).to.deep.equal([2]);
    expect(rows.filter((r) => matchesCondition(r, { expiring: 13 }))).to.deep.equal([]);
    expect(
      rows.filter((r) => matchesCondition(r, { expired: true })).map((r) => r.index),
    ).to.deep.equal([0]);
    expect(
      rows.filter((r) => matchesCondition(r, { expired: true, expiring: 30 })).map((r) => r.index),
    ).to.deep.equal([0, 2]);
    expect(rows.filter((r) => matchesCondition(r, {}))).to.deep.equal([]);
    // Nothing of the key but its fingerprint and comment.
    expect(JSON.stringify(rows)).to.not.include(a.split(' ')[1]);
  });

  it('warns once expired, once expiring, and once more when every key of the user expired', () => {
    const [a, b] = ['a@x', 'b@x'].map(ed25519PublicKey);
    const rows = keysOf(
      [
        { name: 'gone', file: 'users/gone.libsonnet', keys: [{ line: a, expires: '2026-01-31' }] },
        { name: 'soon', file: 'users/soon.libsonnet', keys: [{ line: b, expires: '2026-06-02' }] },
      ],
      '2026-06-01',
    );
    const places = new Map([
      ['gone', { logicalId: 'UserGone', lineOf: () => 3 }],
      ['soon', { logicalId: 'UserSoon', lineOf: () => 4 }],
    ]);
    const f = keyLifetimeFindings(rows, places, '2026-06-01', 30);
    expect(f.map((x) => `${x.rule} ${x.severity} ${x.logicalId} ${x.source?.field}`)).to.deep.equal(
      [
        'users/key-expired warning UserGone sshPublicKeys[0].expires',
        'users/all-keys-expired warning UserGone sshPublicKeys',
        'users/key-expiring warning UserSoon sshPublicKeys[0].expires',
      ],
    );
    expect(f[0].message).to.include(rows[0].fingerprint).and.include('2026-01-31');
    expect(f[2].message).to.include('expires in 1 day');
  });
});

describe('keys shared between user files', () => {
  const [shared, own] = ['ops@x', 'own@x'].map(ed25519PublicKey);
  const rows = (expiresInB?: string) =>
    keysOf(
      [
        { name: 'a', file: 'users/a.libsonnet', keys: [{ line: shared }] },
        {
          name: 'b',
          file: 'users/b.libsonnet',
          keys: [{ line: own }, { line: shared, ...(expiresInB ? { expires: expiresInB } : {}) }],
        },
      ],
      '2026-06-01',
    );
  const places = new Map([
    ['a', { logicalId: 'UserA', lineOf: () => 1 }],
    ['b', { logicalId: 'UserB', lineOf: () => 2 }],
  ]);

  it('warn naming both files (users.sharedKeys: warn, the default)', () => {
    const [f, ...more] = sharedKeyFindings(rows(), places, 'warn');
    expect(more).to.deep.equal([]);
    expect(f.severity).to.equal('warning');
    expect(f.message).to.include(
      'users/a.libsonnet (sshPublicKeys[0]) and users/b.libsonnet (sshPublicKeys[1])',
    );
    expect(f.message).to.include(rows()[0].fingerprint);
  });

  it('are an error with users.sharedKeys: error', () => {
    expect(sharedKeyFindings(rows(), places, 'error').map((f) => f.severity)).to.deep.equal([
      'error',
    ]);
  });

  it('name five files and count the rest when many users share one key (one readable line)', () => {
    const many = keysOf(
      Array.from({ length: 150 }, (_, i) => ({
        name: `p${String(i).padStart(3, '0')}`,
        file: `users/p${String(i).padStart(3, '0')}.libsonnet`,
        keys: [{ line: shared }],
      })),
      '2026-06-01',
    );
    const [f, ...more] = sharedKeyFindings(many, new Map(), 'warn');
    expect(more).to.deep.equal([]);
    expect(f.message).to.include(
      'is in 150 user files: users/p000.libsonnet (sshPublicKeys[0]), users/p001.libsonnet (sshPublicKeys[0]),',
    );
    expect(f.message).to.include('users/p004.libsonnet (sshPublicKeys[0]) and 145 more:');
    expect(f.message).to.match(/logs in as p000, p001, p002, p003, p004 and 145 more$/);
    expect(f.message.length).to.be.below(600);
  });

  it('do not count a copy that expired (it grants nothing)', () => {
    expect(sharedKeyFindings(rows('2026-05-31'), places, 'error')).to.deep.equal([]);
    expect(sharedKeyFindings(rows('2026-06-01'), places, 'error')).to.have.length(1);
  });
});

describe('the key forms of a user file', () => {
  const key = ed25519PublicKey('k@x');
  const shape = (sshPublicKeys: unknown[]) =>
    checkUserShape('acme', { sshPublicKeys }, 'users/acme.libsonnet');

  it('reads strings and { key, expires } alike', () => {
    const other = ed25519PublicKey('o@x');
    const r = shape([`  ${key}  `, { key: other, expires: '2027-03-31' }]);
    expect(r.problems).to.deep.equal([]);
    expect(r.spec!.keys).to.deep.equal([{ line: key }, { line: other, expires: '2027-03-31' }]);
    expect(r.spec!.sshPublicKeys).to.deep.equal([key, other]);
    expect(checkKeyList(r.keys!).problems).to.deep.equal([]);
  });

  it('refuses unknown fields with a suggestion, and bad dates naming the field', () => {
    const r = shape([
      { key, expiry: '2027-03-31' },
      { key, expires: '2027-02-30' },
      { key, expires: null },
      { expires: '2027-01-01' },
    ]);
    expect(r.problems.map((p) => `${p.field}: ${p.message}`)).to.deep.equal([
      'sshPublicKeys[0].expiry: unknown field of a key',
      'sshPublicKeys[1].expires: "2027-02-30" is not a day of the calendar',
      "sshPublicKeys[2].expires: must be a UTC date written 'YYYY-MM-DD', not null",
      'sshPublicKeys[3].key: is missing',
    ]);
    expect(r.problems[0].hint).to.match(/^did you mean expires\?/);
    expect(r.spec).to.equal(undefined);
  });

  it('keeps the 50-key limit and the duplicate check for both forms', () => {
    const many = Array.from({ length: MAX_KEYS_PER_USER + 1 }, () => ({
      key,
      expires: '2027-01-01',
    }));
    expect(shape(many).problems.map((p) => p.message)).to.deep.equal([
      `has ${MAX_KEYS_PER_USER + 1} keys; Transfer Family accepts at most ${MAX_KEYS_PER_USER}`,
    ]);
    const dup = shape([key, { key, expires: '2027-01-01' }]);
    expect(checkKeyList(dup.keys!).problems.map((p) => `${p.field} ${p.message}`)[0]).to.match(
      /^sshPublicKeys\[1\] is the same key as sshPublicKeys\[0\]/,
    );
  });

  it('is written back in the object form only for a key with an expiry, and evaluates to what it says', async () => {
    const text = `{ sshPublicKeys: ${keyListText([key, { line: key.replace('k@x', "it's@x"), expires: '2027-03-31' }], '')} }`;
    expect(text).to.include("{ key: 'ssh-ed25519 ");
    const value = JSON.parse(await libjsonnet.evaluateSnippet(text, 'u.libsonnet', { jpath: [] }));
    expect(value.sshPublicKeys).to.deep.equal([
      key,
      { key: key.replace('k@x', "it's@x"), expires: '2027-03-31' },
    ]);
  });
});
