// Hostile and malformed input, unit by unit: file patterns (RE2, full match),
// event and record shapes, destination secrets, host-key text formats, and
// log lines (redaction before serialization, bounded size). The same inputs
// against the bundled function with real servers: handler-hostile.test.ts
// and the seeded fuzz in handler-fuzz.test.ts.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DestinationError, parseDestination } from '../../shared/destination/parse-secret.js';
import { checkRecord, eventRecords } from '../../handler/event-records.js';
import { compileFilePattern } from '../../shared/destination/file-pattern.js';
import { hostKeyLines } from '../../shared/ssh/host-key-formats.js';
import { parseTrustedHostKeys } from '../../shared/ssh/host-keys.js';
import { boundedRecord, Logger } from '../../handler/log.js';
import { SecretValues } from '../../handler/secret-values.js';
import { logStrings } from '../helpers/handler-harness.js';
import { keyPair, secretFragments } from '../helpers/keys.js';
import { cleanTempDirs, tempDir } from '../helpers/project.js';

const CLOUDWATCH_EVENT_BYTES = 256 * 1024;

function destinationError(text: string): DestinationError {
  try {
    parseDestination('p/x', text);
  } catch (err) {
    if (err instanceof DestinationError) return err;
    throw err;
  }
  throw new Error('parseDestination accepted the secret');
}

describe('hostile input (units)', function () {
  after(cleanTempDirs);
  const base = {
    Host: 'sftp.example.com',
    Username: 'u',
    Password: 'pw-123456',
    TrustedHostKeys: [keyPair('ed25519').publicKey],
    RemoteDirectory: '/in',
    FilePattern: '.*',
  };

  describe('FilePattern (RE2, whole name)', function () {
    it('matches the ReDoS pattern against a 46-character non-matching name at once', function () {
      const c = compileFilePattern('([A-Za-z0-9]+[-_]?)+\\.csv');
      expect(c.ok).to.equal(true);
      if (!c.ok) return;
      const started = Date.now();
      expect(c.pattern.matches('a'.repeat(45) + '!')).to.equal(false);
      expect(c.pattern.matches('A1-b2_c3'.repeat(30) + '.csvx')).to.equal(false);
      expect(Date.now() - started, 'linear time').to.be.below(1_000);
      expect(c.pattern.matches('orders-2026_11.csv')).to.equal(true);
    });

    it('a full match cannot be escaped by alternation: never)|(?:xyz is refused, not matched', function () {
      const c = compileFilePattern('never)|(?:xyz');
      expect(c).to.deep.equal({ ok: false, problem: 'not a valid RE2 pattern (unexpected ))' });
      // The same idea with balanced groups: still the whole name or nothing.
      const alt = compileFilePattern('never|.*xyz');
      expect(
        alt.ok && [
          alt.pattern.matches('abcxyz.txt.xyz'),
          alt.pattern.matches('abcxyz.txt'),
          alt.pattern.matches('never'),
        ],
      ).to.deep.equal([true, false, true]);
      const anchored = compileFilePattern('a|b');
      expect(
        anchored.ok && ['a', 'b', 'ab', 'xa', 'a\n'].map((n) => anchored.pattern.matches(n)),
      ).to.deep.equal([true, true, false, false, false]);
    });

    it('keeps the patterns users write: anchors, classes, counts, Unicode', function () {
      const cases: Array<[string, string, boolean]> = [
        ['^orders_[0-9]{8}\\.csv$', 'orders_20261123.csv', true],
        ['^orders_[0-9]{8}\\.csv$', 'orders_20261123.csv.bak', false],
        ['orders_\\d{8}\\.csv', 'orders_2026112.csv', false],
        ['(?i)report\\.CSV', 'REPORT.csv', true],
        ['\\p{L}+\\.txt', 'Grüße.txt', true],
        ['.*\\.csv', 'x.csv.bak', false],
      ];
      for (const [p, name, expected] of cases) {
        const c = compileFilePattern(p);
        expect(c.ok, p).to.equal(true);
        if (c.ok) expect(c.pattern.matches(name), `${p} ~ ${name}`).to.equal(expected);
      }
    });

    it('refuses what RE2 cannot do, saying what instead, never quoting the pattern', function () {
      const cases: Array<[string, string]> = [
        ['(a)\\1', 'backreferences are not supported by RE2'],
        ['(?=x)x', 'lookahead and lookbehind are not supported by RE2'],
        ['(?<!x)y', 'lookahead and lookbehind are not supported by RE2'],
        ['\\u00e9', 'write a code point as \\x{…}, not \\u…'],
        ['a\\Z', 'use $ or \\z for the end of the name'],
        ['([unclosed', 'missing closing ]'],
        ['x{1001}', 'invalid repeat count'],
      ];
      for (const [p, hint] of cases) {
        const c = compileFilePattern(p);
        expect(c.ok, p).to.equal(false);
        if (!c.ok) {
          expect(c.problem, p).to.include(hint);
          expect(c.problem, p).not.to.include(p);
        }
      }
    });

    it('a private key pasted into FilePattern: a rejection of the pattern that shows none of it', function () {
      const rsa = keyPair('rsa:2048').privateKey;
      const bad = destinationError(
        JSON.stringify({ ...base, FilePattern: `(${rsa.slice(0, 1000)}` }),
      );
      expect(bad.patternInvalid).to.equal(true);
      expect(bad.message).to.include('FilePattern: not a valid RE2 pattern');
      for (const f of [...secretFragments(rsa), 'BEGIN']) expect(bad.message).not.to.include(f);
    });
  });

  describe('event and record shapes', function () {
    it('refuses events that are not S3 events, naming why', function () {
      expect(eventRecords(null)).to.deep.include({ ok: false });
      expect(eventRecords([null])).to.deep.include({ ok: false });
      expect(eventRecords('x')).to.deep.include({ ok: false });
      expect(eventRecords({ Records: {} })).to.deep.equal({
        ok: false,
        reason: "the event's Records is not a list",
      });
      expect(eventRecords({})).to.deep.equal({ ok: false, reason: 'the event has no Records' });
      expect(eventRecords({ Event: 's3:TestEvent', Service: 'Amazon S3' })).to.deep.include({
        ok: true,
        records: [],
      });
      expect(eventRecords({ Records: [null, 1] })).to.deep.equal({ ok: true, records: [null, 1] });
    });

    const good = {
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: 'staging' }, object: { key: 'acme/a+b.csv', versionId: 'v1' } },
    };
    const withObject = (o: Record<string, unknown>) => ({ ...good, s3: { ...good.s3, object: o } });
    const withBucket = (b: unknown) => ({ ...good, s3: { ...good.s3, bucket: b } });
    const cases: Array<[string, unknown, string]> = [
      ['null', null, 'malformed-record'],
      ['a number', 5, 'malformed-record'],
      ['eventName 5', { ...good, eventName: 5 }, 'malformed-record'],
      ['no eventName', { s3: good.s3 }, 'malformed-record'],
      ['ObjectRemoved', { ...good, eventName: 'ObjectRemoved:Delete' }, 'not-object-created'],
      ['no s3', { eventName: 'ObjectCreated:Put' }, 'malformed-record'],
      ['no bucket', withBucket(undefined), 'malformed-record'],
      ['empty bucket name', withBucket({ name: '' }), 'malformed-record'],
      ['bucket name 7', withBucket({ name: 7 }), 'malformed-record'],
      ['bucket name with a slash', withBucket({ name: 'a/b' }), 'malformed-record'],
      ['empty key', withObject({ key: '' }), 'malformed-record'],
      ['missing key', withObject({ size: 1 }), 'malformed-record'],
      ['key 5', withObject({ key: 5 }), 'malformed-record'],
      [
        'a 100k-character key',
        withObject({ key: 'acme/' + 'x'.repeat(100_000) }),
        'malformed-record',
      ],
      [
        'a key over 1,024 bytes once decoded',
        withObject({ key: 'acme/' + '%C3%BC'.repeat(600) }),
        'malformed-record',
      ],
      ['versionId 5', withObject({ key: 'acme/a', versionId: 5 }), 'malformed-record'],
      ['a malformed %-escape', withObject({ key: 'acme/%E0%A4%A' }), 'layout'],
    ];
    for (const [label, record, code] of cases) {
      it(`record with ${label} → ${code}`, function () {
        const c = checkRecord(record);
        expect(c.ok).to.equal(false);
        if (!c.ok) expect(c.code).to.equal(code);
      });
    }

    it('a good record names its object (decoded key, version)', function () {
      expect(checkRecord(good)).to.deep.equal({
        ok: true,
        ref: { bucket: 'staging', key: 'acme/a b.csv', versionId: 'v1' },
      });
      expect(checkRecord(withObject({ key: 'acme/x', versionId: '' }))).to.deep.equal({
        ok: true,
        ref: { bucket: 'staging', key: 'acme/x', versionId: undefined },
      });
    });
  });

  describe('destination secrets', function () {
    it('refuses a NUL byte or another control character in RemoteDirectory or Username, naming the field', function () {
      for (const dir of ['/in\u0000/x', '/in\n', '/in\u0085']) {
        expect(
          destinationError(JSON.stringify({ ...base, RemoteDirectory: dir })).problems,
        ).to.deep.equal(['RemoteDirectory: contains a control character (NUL, newline, …)']);
      }
      expect(
        destinationError(JSON.stringify({ ...base, Username: 'u\u0000' })).problems,
      ).to.deep.equal(['Username: contains a control character']);
      expect(
        parseDestination('p/x', JSON.stringify({ ...base, RemoteDirectory: '/in/Grüße 2026' }))
          .remoteDirectory,
      ).to.equal('/in/Grüße 2026');
    });

    it('names a misspelt key, hides a key that is secret material, and treats their values as secrets', function () {
      const priv = keyPair('ed25519').privateKey;
      const err = destinationError(
        JSON.stringify({ ...base, PassPhrase: 'typo-value', [priv]: 'x', [base.Password]: 1 }),
      );
      expect(err.message).to.include(
        'unknown keys "PassPhrase", 2 more not shown (allowed: Host, Port, Username, PrivateKey, Passphrase, Password, TrustedHostKeys, RemoteDirectory, FilePattern, Overwrite, MaxConnections)',
      );
      for (const f of [...secretFragments(priv), base.Password, 'typo-value'])
        expect(err.message).not.to.include(f);
      expect(err.secrets).to.include.members(['typo-value', priv, base.Password]);
    });

    it('keeps the message short for 2,000 unknown keys', function () {
      const many = Object.fromEntries(
        Array.from({ length: 2000 }, (_, i) => [`Extra${i}`, `value-${i}`]),
      );
      const err = destinationError(JSON.stringify({ ...base, ...many, Port: 'x', Host: '' }));
      expect(err.message.length).to.be.below(2_000);
      expect(err.message).to.include(
        'unknown keys "Extra0", "Extra1", "Extra2", "Extra3", "Extra4", 1995 more not shown',
      );
      expect(err.message).to.include('Port: must be integer');
    });

    it('marks only a bad FilePattern as a rejection (no file can be checked); other problems are failures', function () {
      expect(
        destinationError(JSON.stringify({ ...base, FilePattern: '(a)\\1', TrustedHostKeys: ['x'] }))
          .patternInvalid,
      ).to.equal(true);
      expect(
        destinationError(JSON.stringify({ ...base, FilePattern: 'x'.repeat(1025) })).patternInvalid,
      ).to.equal(true);
      expect(destinationError(JSON.stringify({ ...base, FilePattern: 5 })).patternInvalid).to.equal(
        true,
      );
      expect(
        destinationError(JSON.stringify({ ...base, TrustedHostKeys: ['x'] })).patternInvalid,
      ).to.equal(false);
      expect(
        destinationError(JSON.stringify({ ...base, FilePattern: undefined })).patternInvalid,
      ).to.equal(false);
    });
  });

  describe('host-key formats', function () {
    const pub = keyPair('ed25519').publicKey;
    const [type, blob] = pub.split(' ');
    let fp: string;
    let lfLine: string;
    before(function () {
      const file = path.join(tempDir(), 'host.pub');
      writeFileSync(file, pub + '\n');
      lfLine = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).trim();
      fp = lfLine.split(' ')[1];
    });

    it('accepts what ssh-keyscan, known_hosts, *.pub and ssh-keygen -lf print', function () {
      const entries = [
        pub,
        `${type} ${blob}`,
        `[sftp.partner.example]:2222 ${type} ${blob}`,
        `sftp.partner.example,192.0.2.7 ${type} ${blob}`,
        `|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ${type} ${blob}`,
        `# sftp.partner.example:22 SSH-2.0-OpenSSH_9.2p1 Debian-2\nsftp.partner.example ${type} ${blob}\n`,
        fp,
        lfLine,
        `${lfLine.replace(/ \(ED25519\)$/, '')}`,
      ];
      for (const e of entries) expect([...parseTrustedHostKeys([e]).pins], e).to.deep.equal([fp]);
      expect(parseTrustedHostKeys(entries).problems).to.deep.equal([]);
    });

    it('refuses MD5 fingerprints, markers, comments alone and garbage, naming the entry (and line), quoting nothing', function () {
      const priv = keyPair('rsa:2048').privateKey;
      const entries = [
        'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48',
        `@cert-authority *.example ${type} ${blob}`,
        '# only a comment\n\n',
        `${pub}\nnot-a-key-at-all`,
        `${type} ${blob.slice(0, 30)}`,
        priv,
        'hunter2-secret',
      ];
      const { pins, problems } = parseTrustedHostKeys(entries);
      expect(pins.size).to.equal(1);
      expect(problems.map((p) => p.split(':')[0])).to.deep.equal(
        entries.map((_, i) => `TrustedHostKeys/${i}`),
      );
      expect(problems[0]).to.include('MD5 fingerprints are not accepted');
      expect(problems[1]).to.include('@cert-authority');
      expect(problems[2]).to.include('holds no host key');
      expect(problems[3]).to.include(
        'line 2: neither an OpenSSH public key line nor a SHA256: fingerprint',
      );
      expect(problems[4]).to.include('not a valid OpenSSH public key');
      expect(problems[5]).to.include('is a private key');
      for (const f of [...secretFragments(priv), 'hunter2-secret', blob.slice(0, 30), 'not-a-key'])
        expect(problems.join('\n')).not.to.include(f);
    });

    it('splits an entry into its lines, skipping blank and # lines', function () {
      expect(hostKeyLines(`# c\n\n${fp}\r\n${type} ${blob} c`)).to.deep.equal([
        { kind: 'fingerprint', fingerprint: fp },
        { kind: 'key', text: `${type} ${blob}` },
      ]);
    });
  });

  describe('log lines: redaction before serialization, bounded size', function () {
    const capture = () => {
      const lines: string[] = [];
      return { lines, log: new Logger((l) => lines.push(l), { requestId: 'r1' }) };
    };

    it('a secret shaped like JSON, or equal to a common word, leaves every line valid JSON with its fields', function () {
      for (const secret of [
        '{"time":"',
        '","',
        '"',
        '\\',
        'delivered',
        'info',
        '2026',
        'error',
        'r1',
      ]) {
        const { lines, log } = capture();
        log.addSecrets([secret]);
        log.log('info', 'file delivered', {
          outcome: 'delivered',
          error: `auth with ${secret} failed at 2026-11-28`,
          key: `acme/${secret}.csv`,
        });
        const parsed = JSON.parse(lines[0]) as Record<string, unknown>;
        expect(Object.keys(parsed), secret).to.deep.equal([
          'time',
          'level',
          'message',
          'requestId',
          'outcome',
          'error',
          'key',
        ]);
        for (const s of logStrings(parsed)) expect(s, `secret ${secret}`).not.to.include(secret);
      }
    });

    it('redacts secrets of any length, escaped quotes included, and nested keys', function () {
      const priv = keyPair('ed25519').privateKey;
      const { lines, log } = capture();
      log.addSecrets(['x1', 'pa"ss', priv]);
      log.log('error', 'x', {
        error: 'user x1 with pa"ss',
        nested: { [priv]: ['x1', { inner: 'pa"ss' }] },
        list: [priv.split('\n')[1]],
      });
      const parsed = JSON.parse(lines[0]) as Record<string, unknown>;
      for (const s of logStrings(parsed))
        for (const secret of ['x1', 'pa"ss', 'BEGIN OPENSSH', ...secretFragments(priv)])
          expect(s).not.to.include(secret);
      expect(parsed.error).to.equal('user [redacted] with [redacted]');
    });

    it('never uses a marker that contains a secret', function () {
      const secrets = new SecretValues();
      secrets.add(['red', 'e']);
      const out = secrets.redact('the red key');
      expect(out).not.to.include('red');
      expect(out).not.to.include('e');
      expect(out).to.match(/^th.+ k.+y$/);
    });

    it('bounds a line below CloudWatch\'s 256 KiB with "+N more" markers', function () {
      const { lines, log } = capture();
      log.log('error', 'x', {
        error: 'E'.repeat(300_000),
        controls: '\u0001'.repeat(100_000),
        keys: Array.from({ length: 2000 }, (_, i) => `key-${i}-${'k'.repeat(100)}`),
        object: Object.fromEntries(
          Array.from({ length: 2000 }, (_, i) => [`k${i}`, 'v'.repeat(200)]),
        ),
      });
      expect(Buffer.byteLength(lines[0])).to.be.below(CLOUDWATCH_EVENT_BYTES / 2);
      const parsed = JSON.parse(lines[0]) as {
        error: string;
        keys: string[];
        object: Record<string, string>;
      };
      expect(parsed.error).to.match(/…\(\+\d+ more characters\)$/);
      expect(parsed.keys.at(-1)).to.match(/^\+\d+ more$/);
      expect(parsed.object['…']).to.match(/^\+\d+ more$/);
    });

    it('boundedRecord survives cycles, deep nesting, errors and bigints', function () {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      let deep: unknown = 'bottom';
      for (let i = 0; i < 100; i++) deep = [deep];
      const out = boundedRecord(
        { cyclic, deep, err: new TypeError('boom'), big: 10n },
        new SecretValues(),
      );
      const text = JSON.stringify(out);
      expect(JSON.parse(text)).to.deep.include({
        big: '10',
        err: { name: 'TypeError', message: 'boom' },
      });
      expect(text).to.include('[circular]').and.include('[nested too deep]');
    });
  });
});
