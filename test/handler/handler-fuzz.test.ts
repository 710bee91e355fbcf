// A seeded fuzz of destination secrets and S3 events against the bundled
// function (dist/handler/index.js, in a worker thread as in a Lambda
// container), a real moto server and a real sshd on 127.0.0.1, started once.
// Each case mutates a working destination secret or event; whatever the
// mutation, the function must:
//   - return or throw within the case's time budget (a hung match is stopped),
//   - never throw a raw TypeError (only DeliveryFailedError, for a retry),
//   - write only valid JSON lines under CloudWatch's 256 KiB, with no secret
//     value in any string, and no secret in what it throws (message or stack),
//   - write nothing remotely for an invalid case (and, when a case may be
//     valid, nothing but the staged file, intact),
//   - never touch the staging bucket's own tags, and tag the staged object
//     only with values S3 accepts, no secret and nothing unquotable in them.
// SFTPGW_FUZZ_SEED and SFTPGW_FUZZ_CASES replay or widen a run.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetBucketTaggingCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { expect } from 'chai';
import {
  logLines,
  logStrings,
  metricLines,
  startHandlerHarness,
  type HandlerHarnessWithSshd,
  type Invocation,
} from '../helpers/handler-harness.js';
import { keyPair, secretFragments } from '../helpers/keys.js';
import { cleanTempDirs, listFiles, tempDir } from '../helpers/project.js';
import { FATE_TAG } from '../../shared/outbound/fate.js';

/** S3Tag's Value pattern (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3Tag.html). */
const S3_TAG_VALUE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

const SEED = Number(process.env.SFTPGW_FUZZ_SEED ?? 20261128);
const CASES = Number(process.env.SFTPGW_FUZZ_CASES ?? 300);
// Per case: the context says 8 s remain (1 s margin: a 7 s deadline); the
// call must be over 2 s after that.
const REMAINING_MS = 8_000;
const BUDGET_MS = 10_000;
const CLOUDWATCH_EVENT_BYTES = 256 * 1024;
// Cases run three at a time (each in its own worker): most of a case is waiting
// on moto and sshd.
const LANES = 3;
const BUCKET_TAGS = [{ Key: 'owner', Value: 'fuzz' }];

/** mulberry32: small, seeded, good enough to pick mutations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Verdict = 'delivered' | 'nothing' | 'either';

interface Case {
  label: string;
  /** The secret string as stored; undefined: none is created. */
  secret?: string;
  verdict: Verdict;
  /** Values that must never reach a line or an error. */
  secrets: string[];
  /** Values the function must never quote (not secrets it knows, but never echoed). */
  unquoted: string[];
  file: string;
  /** The event for the staged object's good record. */
  event: (good: Record<string, unknown>) => unknown;
  /** Metric records the invocation must write: one per record, or one for a malformed event. */
  metrics: number;
}

// Values a password or passphrase may hold that once broke lines or errors.
const HOSTILE_VALUES = [
  '{"time":"',
  '"',
  '\\',
  '","',
  'delivered',
  'info',
  '2026',
  'error',
  'a',
  'e',
  'x1',
  'null',
  ':',
  'req-',
  'ü€😀',
  'tab\there',
  'line\nbreak',
  '</script>',
  '%s%n',
  '[redacted]',
];
const BAD_PATTERNS = [
  'never)|(?:xyz',
  '(a)\\1',
  '(?=x).*',
  '(?<=a)b',
  '(?<!a)b',
  '\\u00e9',
  'a\\Z',
  '([unclosed',
  'x{1001}',
  '*',
  '(?P<n>a)(?P<n>b)',
  '\\',
  '((((((((((a',
];
const REDOS_PATTERNS = [
  '([A-Za-z0-9]+[-_]?)+\\.csv',
  '(a+)+b',
  '(a|aa)+c',
  '(.*a){12}z',
  '(a|a?)+b',
];
const WRONG_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  true,
  [],
  {},
  '',
  ' ',
  'x'.repeat(5000),
  [null],
  { $ref: '#' },
  '\u0000',
];
const FIELDS = [
  'Host',
  'Port',
  'Username',
  'PrivateKey',
  'Passphrase',
  'Password',
  'TrustedHostKeys',
  'RemoteDirectory',
  'FilePattern',
];

describe(`outbound handler fuzz (seed ${SEED}, ${CASES} cases; bundle + moto + sshd)`, function () {
  this.timeout(240_000);
  let h: HandlerHarnessWithSshd;
  let hostKeyForms: string[];
  const clientSecrets: string[] = [];

  before(async function () {
    h = await startHandlerHarness({ env: { DEADLINE_MARGIN_SECONDS: '1' } });
    await h.s3.send(
      new PutBucketTaggingCommand({ Bucket: h.bucket, Tagging: { TagSet: BUCKET_TAGS } }),
    );
    const scan = execFileSync(
      'sh',
      ['-c', `ssh-keyscan -p ${h.sshd.port} -t ed25519 127.0.0.1 2>&1`],
      { encoding: 'utf8' },
    );
    const pub = path.join(tempDir(), 'host.pub');
    writeFileSync(pub, h.sshd.hostPublicKey + '\n');
    const lf = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).trim();
    const line = scan.split('\n').find((l) => l.startsWith('['))!;
    hostKeyForms = [
      scan,
      line,
      lf,
      lf.split(' ')[1],
      h.sshd.hostPublicKey,
      `127.0.0.1 ${line.split(' ').slice(1).join(' ')}`,
      `# pinned 2026\n${h.sshd.hostPublicKey}\n`,
    ];
    clientSecrets.push(
      ...secretFragments(h.sshd.clientKey.privateKey),
      'BEGIN OPENSSH PRIVATE KEY',
    );
  });

  after(async function () {
    await h?.stop();
    cleanTempDirs();
  });

  function makeCase(i: number, r: () => number): Case {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const key = `f${i}`;
    const secret = h.validSecret(key);
    const c: Case = {
      label: '',
      verdict: 'delivered',
      secrets: [],
      unquoted: [],
      file: `data-${i}.csv`,
      event: (good) => ({ Records: [good] }),
      metrics: 1,
    };
    const asText = () => JSON.stringify(secret);
    const worst = (v: Verdict) => {
      if (v === 'nothing' || c.verdict === 'nothing') c.verdict = 'nothing';
      else if (v === 'either' || c.verdict === 'either') c.verdict = 'either';
    };

    // Mutations that keep a secret valid (and so still deliver).
    const benign: Array<[string, () => void]> = [
      [
        'hostile password',
        () => {
          secret.Password = pick(HOSTILE_VALUES);
        },
      ],
      [
        'hostile passphrase',
        () => {
          secret.Passphrase = pick(HOSTILE_VALUES);
        },
      ],
      [
        'username is the password',
        () => {
          secret.Password = h.sshd.user;
        },
      ],
      [
        'host key as the tools print it',
        () => {
          secret.TrustedHostKeys = [pick(hostKeyForms)];
        },
      ],
    ];
    const secretMutations: Array<[string, () => void]> = [
      [
        'bad pattern',
        () => {
          const p = pick(BAD_PATTERNS);
          secret.FilePattern = p;
          worst('nothing');
          if (p.length >= 6) c.unquoted.push(p);
        },
      ],
      [
        'private key pasted into FilePattern',
        () => {
          const k = keyPair('ed25519', 'pasted@fuzz').privateKey;
          secret.FilePattern = `(${k.slice(0, 900)}`;
          c.secrets.push(...secretFragments(k));
          worst('nothing');
        },
      ],
      [
        'ReDoS pattern, name not matching',
        () => {
          secret.FilePattern = pick(REDOS_PATTERNS);
          c.file = `${'a'.repeat(30 + Math.floor(r() * 20))}-${i}!`;
          worst('nothing');
        },
      ],
      [
        'unknown keys',
        () => {
          const n = pick([1, 3, 50, 2000]);
          for (let k = 0; k < n; k++) {
            const value = `uv-${i}-${k}-${Math.floor(r() * 1e9)}`;
            const name = pick([
              `Extra${k}`,
              'PassPhrase',
              `${value}-name`,
              keyPair('ed25519', 'as-name@fuzz').privateKey,
            ]);
            secret[name] = value;
            c.secrets.push(value);
          }
          c.secrets.push(...secretFragments(keyPair('ed25519', 'as-name@fuzz').privateKey));
          worst('nothing');
        },
      ],
      [
        'wrong type',
        () => {
          const field = pick(FIELDS);
          const value = pick(WRONG_VALUES);
          secret[field] = value;
          // A string is the right type for a password or passphrase: it may still deliver (by key).
          if (
            (field === 'Password' || field === 'Passphrase') &&
            typeof value === 'string' &&
            value !== ''
          ) {
            worst('either');
          } else {
            worst('nothing');
          }
        },
      ],
      [
        'field missing',
        () => {
          delete secret[
            pick(['Host', 'Username', 'TrustedHostKeys', 'RemoteDirectory', 'FilePattern'])
          ];
          worst('nothing');
        },
      ],
      [
        'no credentials',
        () => {
          delete secret.PrivateKey;
          worst('nothing');
        },
      ],
      [
        'control character',
        () => {
          const field = pick(['RemoteDirectory', 'Username']);
          const v = String(secret[field]);
          const at = Math.floor(r() * v.length);
          secret[field] =
            v.slice(0, at) +
            pick(['\u0000', '\n', '\r', '\u001b', '\u007f', '\u0085']) +
            v.slice(at);
          worst('nothing');
        },
      ],
      [
        'passphrase inside RemoteDirectory',
        () => {
          const p = `pp-${Math.floor(r() * 1e12)}`;
          secret.Passphrase = p;
          secret.RemoteDirectory = `${secret.RemoteDirectory as string}/no-such-${p}`;
          worst('nothing');
        },
      ],
      [
        "host key not the server's",
        () => {
          secret.TrustedHostKeys = [keyPair('ed25519', 'other@fuzz').publicKey];
          worst('nothing');
        },
      ],
      [
        'host key garbage',
        () => {
          secret.TrustedHostKeys = [
            pick([
              'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48',
              '# only a comment',
              'SHA256:short',
              keyPair('ed25519').privateKey,
              'ssh-ed25519 AAAA',
            ]),
          ];
          worst('nothing');
        },
      ],
    ];
    const wholeSecret: Array<[string, () => string]> = [
      [
        'not JSON',
        () => {
          const t = asText();
          return t.slice(0, 1 + Math.floor(r() * (t.length - 2)));
        },
      ],
      [
        'JSON, not an object',
        () =>
          pick(['[]', '[{}]', '5', 'null', '"text"', 'true', '['.repeat(5000) + ']'.repeat(5000)]),
      ],
      [
        'characters flipped',
        () => {
          const t = asText();
          // Never the Host: a flipped host name would be looked up in DNS.
          const host = t.indexOf('"Host":');
          const hostEnd = t.indexOf(',', host);
          const chars = t.split('');
          for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
            let at = Math.floor(r() * chars.length);
            if (at >= host && at <= hostEnd) at = hostEnd + 1;
            chars[at] = pick(['"', '{', '}', ',', ':', '\\', 'x', '0', ' ', '[', 'é']);
          }
          return chars.join('');
        },
      ],
    ];
    const eventShapes: unknown[] = [
      null,
      [],
      [null],
      5,
      'x',
      {},
      { Records: {} },
      { Records: 'x' },
      { Records: null },
      { Records: [5] },
      { Records: [null, null] },
      { Records: [[]] },
      { Records: [{}] },
    ];
    const recordMutations: Array<[string, Verdict, (rec: Record<string, any>) => void]> = [
      [
        'eventName 5',
        'nothing',
        (x) => {
          x.eventName = 5;
        },
      ],
      [
        'eventName removed',
        'nothing',
        (x) => {
          delete x.eventName;
        },
      ],
      [
        'ObjectRemoved',
        'nothing',
        (x) => {
          x.eventName = 'ObjectRemoved:Delete';
        },
      ],
      [
        'no s3',
        'nothing',
        (x) => {
          delete x.s3;
        },
      ],
      [
        'no bucket',
        'nothing',
        (x) => {
          delete x.s3.bucket;
        },
      ],
      [
        'empty bucket name',
        'nothing',
        (x) => {
          x.s3.bucket.name = '';
        },
      ],
      [
        'bucket name with a slash',
        'nothing',
        (x) => {
          x.s3.bucket.name = 'a/b';
        },
      ],
      [
        'no such bucket',
        'nothing',
        (x) => {
          x.s3.bucket.name = 'no-such-bucket-fuzz';
        },
      ],
      [
        'empty key',
        'nothing',
        (x) => {
          x.s3.object.key = '';
        },
      ],
      [
        'no key',
        'nothing',
        (x) => {
          delete x.s3.object.key;
        },
      ],
      [
        'key 5',
        'nothing',
        (x) => {
          x.s3.object.key = 5;
        },
      ],
      [
        '100k-character key',
        'nothing',
        (x) => {
          x.s3.object.key = `${key}/${'k'.repeat(100_000)}`;
        },
      ],
      [
        'malformed escape',
        'nothing',
        (x) => {
          x.s3.object.key = `${key}/%E0%A4%A`;
        },
      ],
      [
        'escaping key',
        'nothing',
        (x) => {
          x.s3.object.key = pick([
            `${key}%2F..%2Fx`,
            `${key}/..`,
            '../../etc/passwd',
            `${key}/a%00b`,
            '/',
            `${key}/`,
          ]);
        },
      ],
      [
        'object not staged',
        'nothing',
        (x) => {
          x.s3.object.key = `${key}/never-staged.csv`;
        },
      ],
      [
        'versionId 5',
        'nothing',
        (x) => {
          x.s3.object.versionId = 5;
        },
      ],
      [
        'versionId removed',
        'either',
        (x) => {
          delete x.s3.object.versionId;
        },
      ],
      [
        'size and eTag wrong',
        'delivered',
        (x) => {
          x.s3.object.size = -1;
          x.s3.object.eTag = null;
        },
      ],
    ];

    const roll = r();
    // Shares: few cases deliver (a delivery costs an SSH session, ~10 times
    // an invalid case), most probe the checks.
    if (roll < 0.04) {
      c.label = 'valid';
    } else if (roll < 0.12) {
      const [label, apply] = pick(benign);
      apply();
      c.label = label;
    } else if (roll < 0.58) {
      // A benign change first, so the mutation is never undone by it.
      if (r() < 0.3) {
        const [l2, a2] = pick(benign);
        a2();
        c.label = `${l2} + `;
      }
      const [label, apply] = pick(secretMutations);
      apply();
      c.label += label;
    } else if (roll < 0.7) {
      const [label, text] = pick(wholeSecret);
      c.label = label;
      c.secret = text();
      worst(label === 'characters flipped' ? 'either' : 'nothing');
    } else if (roll < 0.78) {
      const shape = pick(eventShapes);
      c.label = `event ${JSON.stringify(shape)?.slice(0, 40)}`;
      c.event = () => shape;
      const records = (shape as { Records?: unknown } | null)?.Records;
      c.metrics = Array.isArray(records) ? records.length : 1;
      worst('nothing');
    } else {
      const [label, verdict, mutate] = pick(recordMutations);
      c.label = `record: ${label}`;
      const mixed = r() < 0.25;
      c.event = (good) => {
        const bad = structuredClone(good) as Record<string, any>;
        mutate(bad);
        return { Records: mixed ? [bad, good] : [bad] };
      };
      c.metrics = mixed ? 2 : 1;
      if (mixed)
        c.label += ' + a good record'; // delivered whatever the other record is
      else worst(verdict);
    }
    c.secret ??= asText();
    // The secret values the function knows (as stored): never in a line or an error.
    for (const f of ['Password', 'Passphrase'] as const)
      if (typeof secret[f] === 'string' && secret[f] !== '') c.secrets.push(secret[f] as string);
    return c;
  }

  function checkLines(c: Case, inv: Invocation, where: string): void {
    expect(inv.invalid, `${where}: lines that are not JSON`).to.deep.equal([]);
    const secrets = [...c.secrets, ...clientSecrets];
    for (const [n, line] of inv.raw.entries()) {
      expect(Buffer.byteLength(line), `${where}: line size`).to.be.below(CLOUDWATCH_EVENT_BYTES);
      const parsed = inv.lines[n] ?? {};
      if ('_aws' in parsed) {
        // Metric records hold only the code's names and numbers: nothing from any input.
        expect(Object.keys(parsed).sort(), `${where}: metric record`).to.deep.equal([
          'Bytes',
          'Delivered',
          'Duplicate',
          'Failed',
          'Gateway',
          'Rejected',
          '_aws',
        ]);
        expect(parsed.Gateway).to.equal('test-gateway');
        continue;
      }
      for (const s of logStrings(parsed)) {
        for (const secret of secrets)
          expect(
            s.includes(secret),
            `${where}: a log string holds secret ${JSON.stringify(secret.slice(0, 12))}`,
          ).to.equal(false);
      }
    }
    for (const s of inv.lines.flatMap((l) => logStrings(l))) {
      for (const q of c.unquoted)
        expect(s.includes(q), `${where}: a line quotes ${JSON.stringify(q)}`).to.equal(false);
    }
    if (inv.error) {
      for (const secret of secrets) {
        expect(
          inv.error.message.includes(secret),
          `${where}: the thrown message holds secret ${JSON.stringify(secret.slice(0, 12))}`,
        ).to.equal(false);
        expect(
          (inv.error.stack ?? '').includes(secret),
          `${where}: the stack holds secret ${JSON.stringify(secret.slice(0, 12))}`,
        ).to.equal(false);
      }
      for (const q of c.unquoted)
        expect(
          inv.error.message.includes(q),
          `${where}: the thrown message quotes ${JSON.stringify(q)}`,
        ).to.equal(false);
    }
  }

  /** The staged object's fate tags: valid values; the detail (free text) quotes no secret. */
  async function checkTags(c: Case, tags: Record<string, string>, where: string): Promise<void> {
    for (const [k, v] of Object.entries(tags)) {
      expect(v, `${where}: tag ${k} holds a value S3 refuses`).to.match(S3_TAG_VALUE);
      expect([...v].length, `${where}: tag ${k} longer than S3 allows`).to.be.at.most(256);
    }
    // Status and time are the code's own words (a fuzzed one-letter password may occur in them).
    const detail = tags[FATE_TAG.detail] ?? '';
    for (const secret of [...c.secrets, ...clientSecrets])
      expect(
        detail.includes(secret),
        `${where}: the detail tag holds secret ${JSON.stringify(secret.slice(0, 12))}`,
      ).to.equal(false);
    for (const q of c.unquoted)
      expect(detail.includes(q), `${where}: the detail tag quotes ${JSON.stringify(q)}`).to.equal(
        false,
      );
  }

  it('no case hangs, crashes, leaks a secret, writes a broken line or writes remotely when invalid', async function () {
    const r = rng(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => makeCase(i, r));
    const started = Date.now();
    const counts: Record<string, number> = {};

    const run = async (i: number): Promise<void> => {
      const c = cases[i];
      const where = `case ${i} (${c.label})`;
      const key = `f${i}`;
      await h.sm.send(
        new CreateSecretCommand({
          Name: `${h.prefix}/${key}`,
          SecretString: c.secret,
          Tags: [{ Key: 'sftpgw:gateway', Value: 'test-gateway' }],
        }),
      );
      const body = `fuzz case ${i}\n`;
      const staged = await h.stage(`${key}/${c.file}`, body);
      const inv = await h.invoke(c.event(h.record(staged)), REMAINING_MS, BUDGET_MS);
      if (process.env.FUZZ_DEBUG)
        console.error(
          i,
          c.label,
          c.verdict,
          inv.ms,
          inv.error ? inv.error.message.slice(0, 100) : '',
        );

      expect(inv.hung, `${where}: did not return within ${BUDGET_MS} ms`).to.equal(false);
      expect(inv.typeError, `${where}: threw a TypeError`).to.equal(false);
      if (inv.error)
        expect(inv.error.name, `${where}: threw ${inv.error.message}`).to.equal(
          'DeliveryFailedError',
        );
      checkLines(c, inv, where);
      expect(
        metricLines(inv),
        `${where}: one metric per record (or for the malformed event)`,
      ).to.have.length(c.metrics);
      expect(logLines(inv).length, `${where}: a line per metric`).to.be.at.least(c.metrics);
      await checkTags(c, await h.tags(staged), where);

      // File names are unique per case, so cases may run side by side: what
      // this case wrote is whatever carries its file name (final or temporary).
      const written = listFiles(h.sshd.root).filter((f) => path.basename(f).includes(c.file));
      if (c.verdict === 'nothing') expect(written, `${where}: wrote remotely`).to.deep.equal([]);
      if (c.verdict === 'delivered') {
        expect(inv.error?.message, `${where}: should deliver`).to.equal(undefined);
        expect(written, `${where}: the delivered file`).to.deep.equal([`${key}/${c.file}`]);
      }
      for (const f of written) {
        expect(path.basename(f), `${where}: only the staged file, under its final name`).to.equal(
          c.file,
        );
        expect(readFileSync(path.join(h.sshd.root, f), 'utf8'), `${where}: intact`).to.equal(body);
      }
      counts[c.verdict] = (counts[c.verdict] ?? 0) + 1;
    };

    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < cases.length) await run(next++);
    };
    await Promise.all(Array.from({ length: LANES }, lane));

    const bucketTags = await h.s3.send(new GetBucketTaggingCommand({ Bucket: h.bucket }));
    expect(bucketTags.TagSet, "the staging bucket's own tags").to.deep.equal(BUCKET_TAGS);
    // Every kind of verdict was exercised (a generator change cannot quietly drop one).
    expect(Object.keys(counts).sort()).to.deep.equal(['delivered', 'either', 'nothing']);
    this.test!.title +=
      ` [${JSON.stringify(counts)} in ${((Date.now() - started) / 1000).toFixed(1)} s]`;
  });
});
