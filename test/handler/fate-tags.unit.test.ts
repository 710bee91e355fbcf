// A staged object's fate in its tags (shared/outbound/fate.ts), in-process:
// values made tag-safe, merged with the users' own tags within S3's 10, and
// read back. The push function writing them: record-fate cases at the end
// here, and end to end (bundle + moto + sshd) in handler-fate.test.ts.
//
// Why the character check lives here: moto 5.2.1 does refuse most invalid
// values (PutObjectTagging checks Python's `^([\w\s\d_.:/=+\-@]*)$` and 256
// characters, moto/utilities/tagging_service.py), so the handler tests'
// writes of error texts full of ( ) , " prove those were made safe. But
// its \s takes tabs and newlines, which S3Tag's \p{Z} does not: moto
// accepting a value is not enough, and each value here is checked against
// S3Tag's own pattern:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3Tag.html
import { expect } from 'chai';
import { Logger } from '../../handler/log.js';
import type { ObjectRef, ObjectStore } from '../../handler/ports.js';
import { fateRecorder } from '../../handler/record-fate.js';
import {
  FATE_TAG,
  type Fate,
  fateOf,
  fateTags,
  LEGACY_FATE_TAGS,
  MAX_OBJECT_TAGS,
  tagSafe,
  withFate,
  withoutFate,
} from '../../shared/outbound/fate.js';

/** S3Tag's Value pattern, as documented (Java regex; the same classes in a u-flag RegExp). */
const S3_TAG_VALUE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

function expectValidValue(value: string): void {
  expect(value, `"${value}" matches S3Tag's pattern`).to.match(S3_TAG_VALUE);
  expect([...value].length, 'at most 256 characters').to.be.at.most(256);
  // Whichever way S3 counts (code points or UTF-16 units), the cut values here fit.
}

const userTags = (n: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`team-${i}`, `value ${i}`]));

const AT = new Date('2026-11-23T10:15:00.000Z');

describe('fate tags (shared/outbound/fate.ts)', function () {
  describe('tagSafe', function () {
    it('keeps letters of any script, digits, space separators and _ . : / = + - @', function () {
      const text = 'Grüße 東京 Ωμέγα عربي ٣٤ 12 _.:/=+-@ a\u00a0b\u3000c /srv/in/orders_2026.csv';
      expect(tagSafe(text)).to.equal(text);
      expectValidValue(tagSafe(text));
    });

    const disallowed: Array<[string, string]> = [
      ['ASCII punctuation', `!"#$%&'()*,;<>?[\\]^\`{|}~`],
      ['controls (tab, newline, NUL, DEL, C1)', '\t\n\r\0\u007f\u0085'],
      ['symbols (currency, math, ©, ™)', '€$£¥−×÷©™'],
      ['punctuation of other scripts', '…–—「」،¿¡'],
      ['combining marks', '\u0301\u0308'],
      ['format characters (zero-width, bidi controls)', '\u200b\u200d\u202e\ufeff'],
      ['private use', '\ue000\uf8ff'],
      ['lone surrogates', '\ud800\udfff'],
    ];
    for (const [label, chars] of disallowed) {
      it(`replaces ${label} with _, one per character`, function () {
        const out = tagSafe(`a${chars}b`);
        expect(out).to.equal(`a${'_'.repeat([...chars].length)}b`);
        expectValidValue(out);
      });
    }

    it('replaces an emoji (outside the BMP) with one _, not two', function () {
      expect(tagSafe('ok 😀 done')).to.equal('ok _ done');
    });

    it('keeps 256 characters unchanged and cuts 257 to 256, ending in ... (a cut that reads as one)', function () {
      const exact = 'a'.repeat(256);
      expect(tagSafe(exact)).to.equal(exact);
      const cut = tagSafe('a'.repeat(257));
      expect(cut).to.have.length(256);
      expect(cut).to.equal(`${'a'.repeat(253)}...`);
      expectValidValue(cut);
    });

    it('counts in UTF-16 code units, as S3 stores tags: 300 ü become 253 ü and ..., 200 𝔘 (two units each) 126 and ...', function () {
      const cut = tagSafe('ü'.repeat(300));
      expect(cut).to.equal(`${'ü'.repeat(253)}...`);
      expect(cut.length).to.equal(256);
      const wide = tagSafe('𝔘'.repeat(200));
      expect(wide).to.equal(`${'𝔘'.repeat(126)}...`);
      expect(wide.length).to.equal(255);
      expectValidValue(wide);
      expectValidValue(cut);
    });

    it('makes a long error message with every kind of character valid', function () {
      const error =
        'cannot connect to 127.0.0.1:2222: connect ECONNREFUSED (after 3 tries); "host" [x]\n\t東京 😀 '.repeat(
          10,
        );
      expectValidValue(tagSafe(error));
    });
  });

  describe('withFate and withoutFate', function () {
    const fate = fateTags({ status: 'delivered', remotePath: '/in/a.csv' }, AT);

    for (const [users, kept] of [
      [0, 0],
      [7, 7],
      [9, 7],
      [10, 7],
    ] as const) {
      it(`with ${users} user tags: the 3 fate tags and ${kept} of the user's, at most 10`, function () {
        const own = userTags(users);
        const merged = withFate(own, fate);
        expect(Object.keys(merged)).to.have.length(Math.min(3 + users, MAX_OBJECT_TAGS));
        expect(merged).to.include(fate);
        // The user's tags kept are the first ones, unchanged.
        expect(withoutFate(merged)).to.deep.equal(userTags(kept));
      });
    }

    it('keeps all 8 user tags when the fate needs only 2 (no detail)', function () {
      const merged = withFate(userTags(8), fateTags({ status: 'failed' }, AT));
      expect(Object.keys(merged)).to.have.length(10);
      expect(withoutFate(merged)).to.deep.equal(userTags(8));
    });

    it('replaces an older fate and the legacy tags, so they take no room from the user', function () {
      const old = {
        ...userTags(7),
        [FATE_TAG.status]: 'rejected',
        [FATE_TAG.time]: '2026-01-01T00:00:00.000Z',
        'sftpgw:reason': 'pattern-mismatch',
        'sftpgw:destination': 'acme',
      };
      const merged = withFate(old, fate);
      expect(merged).to.deep.equal({ ...fate, ...userTags(7) });
      for (const legacy of LEGACY_FATE_TAGS) expect(merged).not.to.have.property(legacy);
      // No detail in the new fate: an old detail must not survive either.
      const failed = withFate(merged, fateTags({ status: 'failed' }, AT));
      expect(failed).not.to.have.property(FATE_TAG.detail);
    });

    it('withoutFate removes exactly the fate and legacy tags, keeping other sftpgw: tags', function () {
      const tags = {
        ...fate,
        'sftpgw:reason': 'x',
        'sftpgw:destination': 'acme',
        'sftpgw:gateway': 'prod',
        team: 'a',
      };
      expect(withoutFate(tags)).to.deep.equal({ 'sftpgw:gateway': 'prod', team: 'a' });
      expect(withoutFate({})).to.deep.equal({});
    });
  });

  describe('fateOf', function () {
    const outcomes: Array<[string, Exclude<Fate, { status: 'pending' }>]> = [
      ['delivered', { status: 'delivered', at: AT, remotePath: '/srv/in/orders_2026.csv' }],
      ['duplicate', { status: 'duplicate', at: AT, remotePath: '/srv/in/Grüße 東京.csv' }],
      [
        'rejected with a reason',
        {
          status: 'rejected',
          at: AT,
          code: 'pattern-mismatch',
          reason: 'file name does not match the FilePattern of destination acme',
        },
      ],
      [
        'rejected with ": " in its reason',
        { status: 'rejected', at: AT, code: 'exists', reason: 'a different file: kept' },
      ],
      ['rejected with a code only', { status: 'rejected', at: AT, code: 'layout' }],
      [
        'failed with an error',
        {
          status: 'failed',
          at: AT,
          error: 'cannot connect to 127.0.0.1:2222: connect ECONNREFUSED',
        },
      ],
      ['failed without an error', { status: 'failed', at: AT, error: undefined }],
    ];
    for (const [label, fate] of outcomes) {
      it(`reads back ${label}, among the user's tags`, function () {
        const tags = fateTags(fate, AT);
        for (const v of Object.values(tags)) expectValidValue(v);
        expect(fateOf(withFate(userTags(3), tags))).to.deep.equal(fate);
      });
    }

    it('reads no tags, other tags only, and an unknown status as pending', function () {
      expect(fateOf({})).to.deep.equal({ status: 'pending' });
      expect(fateOf(userTags(5))).to.deep.equal({ status: 'pending' });
      expect(fateOf({ [FATE_TAG.status]: 'sent' })).to.deep.equal({ status: 'pending' });
    });

    it('reads the tags an older function wrote (sftpgw:destination, sftpgw:reason)', function () {
      const time = '2026-03-01T08:00:00.000Z';
      expect(
        fateOf({ 'sftpgw:status': 'delivered', 'sftpgw:time': time, 'sftpgw:destination': 'acme' }),
      ).to.deep.equal({ status: 'delivered', at: new Date(time), remotePath: undefined });
      expect(
        fateOf({
          'sftpgw:status': 'rejected',
          'sftpgw:time': time,
          'sftpgw:reason': 'pattern-mismatch',
          'sftpgw:destination': 'acme',
        }),
      ).to.deep.equal({ status: 'rejected', at: new Date(time), code: 'pattern-mismatch' });
      expect(fateOf({ 'sftpgw:status': 'rejected' })).to.deep.equal({
        status: 'rejected',
        at: undefined,
        code: 'unknown',
      });
    });

    it('ignores a time that is not one', function () {
      expect(fateOf({ [FATE_TAG.status]: 'failed', [FATE_TAG.time]: 'yesterday' })).to.deep.equal({
        status: 'failed',
        at: undefined,
        error: undefined,
      });
    });
  });
});

// The function's writer over an in-memory ObjectStore: the two cases below
// (a concurrent attempt's tag appearing between two requests; a secret that
// only tagSafe's replacement re-forms) cannot be produced on demand with moto
// and a real server. The same writer against moto: handler-fate.test.ts.
describe('fate tags written by the push function (handler/record-fate.ts)', function () {
  const ref: ObjectRef = { bucket: 'b', key: 'acme/a.csv', versionId: 'v1' };

  function memoryStore(initial: Record<string, string>) {
    const state = { tags: { ...initial }, writes: 0 };
    const store: ObjectStore = {
      tags: async () => ({ ...state.tags }),
      setTags: async (_ref, tags) => {
        state.writes++;
        state.tags = { ...tags };
      },
      open: async () => {
        throw new Error('not used');
      },
    };
    return { store, state };
  }

  function recorder(store: ObjectStore, secrets: string[] = []) {
    const lines: string[] = [];
    const log = new Logger((l) => lines.push(l), {});
    log.addSecrets(secrets);
    return { fate: fateRecorder({ objects: store, ref, log, now: () => AT, fields: {} }), lines };
  }

  it('does not overwrite a delivered (or duplicate) fate a concurrent attempt wrote with failed', async function () {
    for (const status of ['delivered', 'duplicate'] as const) {
      const written = { ...fateTags({ status, remotePath: '/in/a.csv' }, AT), team: 'x' };
      const { store, state } = memoryStore(written);
      await recorder(store).fate.writeUnlessOnRemote({ status: 'failed', error: 'boom' });
      expect(state.writes).to.equal(0);
      expect(state.tags).to.deep.equal(written);
    }
    const { store, state } = memoryStore({ team: 'x' });
    await recorder(store).fate.writeUnlessOnRemote({ status: 'failed', error: 'boom' });
    expect(state.tags).to.deep.equal({
      ...fateTags({ status: 'failed', error: 'boom' }, AT),
      team: 'x',
    });
  });

  it('redacts secrets before the text is made tag-safe, and again when the replacement re-forms one', async function () {
    const { store, state } = memoryStore({});
    const { fate } = recorder(store, ['s3cr!t', 'pass_word']);
    await fate.write({ status: 'failed', error: 'login with s3cr!t failed' }, {});
    expect(state.tags[FATE_TAG.detail]).to.equal('login with _redacted_ failed');
    // "pass!word" is no secret, but tag-safe it reads "pass_word", which is.
    await fate.write({ status: 'failed', error: 'user pass!word' }, {});
    expect(state.tags[FATE_TAG.detail]).to.equal('user _redacted_');
  });

  it('a tag that cannot be written is a warning line, never an error thrown', async function () {
    const { store } = memoryStore({});
    store.setTags = async () => {
      throw new Error('AccessDenied');
    };
    const { fate, lines } = recorder(store);
    await fate.write({ status: 'delivered', remotePath: '/in/a.csv' }, {});
    expect(JSON.parse(lines[0])).to.include({
      level: 'warn',
      message: 'could not tag the staged object',
      error: 'AccessDenied',
    });
  });
});
