// The pure parts of `sftpgw outbound status | redeliver`: key parts, the
// paging, filtering and counting of the status engine, the redelivery plan's
// choices and the text. The engine runs here against an in-memory staging
// bucket — a FAKE, because what these cases need no local part produces at
// will: a listing of many pages with a tag read counted per object, an
// object deleted between listing and tag read, a version replaced between
// plan and copy, an object over 5 GiB. What S3 (moto) really does with the
// same calls: outbound-moto.test.ts.
import { expect } from 'chai';
import { fateTags, withFate, type Fate } from '../../shared/outbound/fate.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { keyParts, checkDestination } from '../../cli/engine/outbound/staged-key.js';
import { mapLimit } from '../../cli/engine/outbound/map-limit.js';
import {
  addPage,
  emptyTotals,
  outboundStatus,
  type StatusPage,
} from '../../cli/engine/outbound/status.js';
import {
  checkKeys,
  MAX_COPY_BYTES,
  planItem,
  planRedelivery,
  restage,
} from '../../cli/engine/outbound/redeliver.js';
import { markOf, newRun, runMark } from '../../cli/engine/outbound/redelivery-run.js';
import type {
  CopyOnto,
  ObjectHead,
  StagingObjects,
} from '../../cli/engine/outbound/staging-objects.js';
import {
  age,
  noneText,
  planText,
  STATUS_HEADER,
  StreamingTable,
  statusRow,
  statusSummary,
} from '../../cli/outbound-text.js';
import { copySource, taggingQuery } from '../../cli/adapters/aws/staging-objects.js';

interface FakeObject {
  key: string;
  lastModified: Date;
  size: number;
  tags: Record<string, string>;
  versionId: string;
  metadata: Record<string, string>;
}

/** An in-memory staging bucket (see the header: why a fake here), counting the calls made. */
function fakeBucket(list: FakeObject[]) {
  const calls = { list: 0, tags: 0, head: 0, copy: [] as { key: string; copy: CopyOnto }[] };
  let versions = 0;
  const byKey = () => new Map(list.map((o) => [o.key, o]));
  const objects: StagingObjects = {
    async listPage(_bucket, { prefix, token, pageSize = 1000 }) {
      calls.list++;
      const all = [...list]
        .sort((a, b) => a.key.localeCompare(b.key))
        .filter((o) => prefix === undefined || o.key.startsWith(prefix));
      const start = token === undefined ? 0 : Number(token);
      const page = all.slice(start, start + pageSize);
      return {
        objects: page.map(({ key, lastModified, size }) => ({ key, lastModified, size })),
        next: start + pageSize < all.length ? String(start + pageSize) : undefined,
      };
    },
    async tags(_bucket, key) {
      calls.tags++;
      return byKey().get(key)?.tags;
    },
    async head(_bucket, key) {
      calls.head++;
      const o = byKey().get(key);
      return o && { versionId: o.versionId, size: o.size, metadata: { ...o.metadata } };
    },
    async copyOnto(_bucket, key, copy) {
      calls.copy.push({ key, copy });
      const o = byKey().get(key)!;
      o.versionId = `v${++versions}`;
      o.tags = copy.tags;
      o.metadata = copy.metadata;
      return { versionId: o.versionId };
    },
  };
  return { objects, calls, list };
}

const T0 = new Date('2026-11-23T12:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

function obj(
  key: string,
  fate?: Exclude<Fate, { status: 'pending' }>,
  o: Partial<FakeObject> = {},
): FakeObject {
  return {
    key,
    lastModified: o.lastModified ?? T0,
    size: o.size ?? 10,
    tags: withFate(o.tags ?? {}, fate ? fateTags(fate, at(1)) : {}),
    versionId: o.versionId ?? `${key}#1`,
    metadata: o.metadata ?? {},
  };
}

async function pages(it: AsyncGenerator<StatusPage>): Promise<StatusPage[]> {
  const out: StatusPage[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe('outbound: key parts', () => {
  it('splits <destination>/<file> and names what is wrong with other keys', () => {
    expect(keyParts('acme/orders.csv')).to.deep.equal({
      destination: 'acme',
      file: 'orders.csv',
      problem: null,
    });
    expect(keyParts('loose.csv')).to.include({ destination: null, file: 'loose.csv' });
    expect(keyParts('loose.csv').problem).to.match(/no destination segment/);
    expect(keyParts('acme/sub/x.csv')).to.include({ destination: 'acme', file: 'sub/x.csv' });
    expect(keyParts('acme/sub/x.csv').problem).to.match(/path separator/);
    expect(keyParts('bad dest/x.csv')).to.include({ destination: null, file: 'bad dest/x.csv' });
  });

  it('--destination must be a destination key (usage error naming the flag)', () => {
    expect(() => checkDestination('acme')).to.not.throw();
    for (const bad of ['a/b', '', '-x', 'x y']) {
      try {
        checkDestination(bad);
        expect.fail(bad);
      } catch (err) {
        expect(err).to.be.instanceOf(SftpgwError);
        expect((err as SftpgwError).kind).to.equal('usage');
        expect((err as Error).message).to.include('--destination');
      }
    }
  });
});

describe('outbound status engine (a fake bucket: see the header)', () => {
  const many = () =>
    fakeBucket([
      obj('acme/a.csv', { status: 'delivered', remotePath: '/in/a.csv' }),
      obj('acme/b.csv', { status: 'rejected', code: 'pattern-mismatch', reason: 'no match' }),
      obj('acme/c.csv', undefined, { lastModified: at(-120) }),
      obj('beta/d.csv', { status: 'failed', error: 'connect ECONNREFUSED' }),
      obj('beta/e.csv', { status: 'duplicate', remotePath: '/in/e.csv' }),
      obj('stray.txt'),
    ]);

  it('reads a page at a time and tags only what --since leaves', async () => {
    const b = many();
    const ps = await pages(outboundStatus(b.objects, { bucket: 'b', pageSize: 2, since: at(-60) }));
    expect(ps.map((p) => p.listed)).to.deep.equal([2, 2, 2]);
    expect(b.calls.list).to.equal(3);
    expect(ps.map((p) => p.older)).to.deep.equal([0, 1, 0]);
    expect(b.calls.tags).to.equal(5); // acme/c.csv (staged 2h ago) never read
    const files = ps.flatMap((p) => p.files);
    expect(files.map((f) => `${f.key}=${f.fate.status}`)).to.deep.equal([
      'acme/a.csv=delivered',
      'acme/b.csv=rejected',
      'beta/d.csv=failed',
      'beta/e.csv=duplicate',
      'stray.txt=pending',
    ]);
    const totals = ps.reduce(addPage, emptyTotals());
    expect(totals).to.deep.include({ listed: 6, older: 1, tagsRead: 5, pages: 3 });
    expect(totals.counts).to.deep.equal({
      delivered: 1,
      duplicate: 1,
      rejected: 1,
      failed: 1,
      pending: 1,
    });
  });

  it('--destination lists under <key>/ only; --status filters after the tags', async () => {
    const b = many();
    const ps = await pages(
      outboundStatus(b.objects, { bucket: 'b', destination: 'acme', status: 'pending' }),
    );
    expect(ps.flatMap((p) => p.files).map((f) => f.key)).to.deep.equal(['acme/c.csv']);
    expect(b.calls.tags).to.equal(3);
  });

  it('an object deleted between the listing and its tag read is counted, not shown', async () => {
    const b = many();
    const origTags = b.objects.tags;
    b.objects.tags = async (bucket, key, v) =>
      key === 'acme/a.csv' ? undefined : origTags(bucket, key, v);
    const [p] = await pages(outboundStatus(b.objects, { bucket: 'b', destination: 'acme' }));
    expect(p.gone).to.equal(1);
    expect(p.files.map((f) => f.key)).to.deep.equal(['acme/b.csv', 'acme/c.csv']);
  });

  it('an empty bucket is one empty page', async () => {
    const ps = await pages(outboundStatus(fakeBucket([]).objects, { bucket: 'b' }));
    expect(ps).to.have.length(1);
    expect(ps[0]).to.deep.include({ listed: 0, files: [] });
  });

  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).to.deep.equal([50, 10, 40, 20, 30]);
    expect(most).to.equal(2);
  });
});

describe('outbound status text', () => {
  const now = at(30);
  const file = (fate: Fate, key = 'acme/x.csv') => ({
    key,
    ...keyParts(key),
    stagedAt: T0,
    size: 1,
    fate,
  });

  it('a row per fate: when, and the detail a person needs', () => {
    expect(
      statusRow(file({ status: 'delivered', at: at(1), remotePath: '/in/x.csv' }), now),
    ).to.deep.equal(['acme', 'x.csv', 'delivered', '2026-11-23T12:01:00Z', '/in/x.csv']);
    expect(
      statusRow(file({ status: 'duplicate', at: at(1), remotePath: '/in/x.csv' }), now)[4],
    ).to.equal('already on the remote: /in/x.csv');
    expect(
      statusRow(
        file({ status: 'rejected', at: at(1), code: 'pattern-mismatch', reason: 'x' }),
        now,
      )[4],
    ).to.equal('pattern-mismatch: x');
    expect(statusRow(file({ status: 'failed', at: at(1), error: 'timeout' }), now)[4]).to.equal(
      'timeout',
    );
    expect(statusRow(file({ status: 'pending' }), now).slice(2)).to.deep.equal([
      'pending',
      'staged 30m ago',
      'no outcome yet',
    ]);
    const stray = statusRow(file({ status: 'pending' }, 'stray.txt'), now);
    expect(stray.slice(0, 2)).to.deep.equal(['-', 'stray.txt']);
    expect(stray[4]).to.match(
      /^no outcome yet; not <destination>\/<file>: object key has no destination segment/,
    );
  });

  it('age: seconds to days', () => {
    expect(
      [5_000, 90_000, 3_600_000, 3_900_000, 50 * 3_600_000, 72 * 3_600_000].map(age),
    ).to.deep.equal(['5s', '1m', '1h', '1h 5m', '2d 2h', '3d']);
  });

  it('the table is printed a page at a time: header once, columns widen as wider cells come', () => {
    const t = new StreamingTable(STATUS_HEADER);
    const first = t.rows([['a', 'x.csv', 'pending', 'staged 1m ago', 'no outcome yet']]);
    const second = t.rows([['longer-destination', 'y.csv', 'failed', '-', 'boom']]);
    expect(t.rows([])).to.equal('');
    expect(first + second).to.equal(
      [
        'DESTINATION  FILE   STATUS   WHEN           DETAIL',
        'a            x.csv  pending  staged 1m ago  no outcome yet',
        'longer-destination  y.csv  failed   -              boom',
        '',
      ].join('\n'),
    );
  });

  it('the summary counts every status found and says what --since left out', () => {
    const t = {
      ...emptyTotals(),
      counts: { delivered: 2, duplicate: 0, rejected: 1, failed: 0, pending: 1 },
      listed: 3_000,
      older: 1_200,
    };
    expect(statusSummary(t)).to.equal(
      '4 staged files: 2 delivered, 1 rejected, 1 pending (3,000 listed, 1,200 staged before --since)',
    );
    expect(statusSummary(emptyTotals())).to.equal('0 staged files: none (0 listed)');
    expect(noneText('bkt', { destination: 'acme', status: 'failed', since: T0 })).to.equal(
      'no staged files in s3://bkt/acme/ with status failed, staged since 2026-11-23T12:00:00Z\n',
    );
  });
});

describe('outbound redeliver: the plan and the copies (a fake bucket: see the header)', () => {
  const run = newRun(T0);

  it('the run id names the time, and the mark names the run (S3 metadata names are lower-case)', () => {
    expect(run.id).to.match(/^20261123T120000Z-[0-9a-f]{8}$/);
    expect(markOf({ 'sftpgw-redelivery': runMark(run) })).to.deep.equal({ runId: run.id, at: T0 });
    expect(markOf({})).to.equal(undefined);
  });

  it('--key must be under <destination>/ (usage error naming the key); repeated keys count once', () => {
    expect(checkKeys('acme', ['acme/a', 'acme/a', 'acme/b'])).to.deep.equal(['acme/a', 'acme/b']);
    for (const bad of ['beta/a', 'acme', 'acme/', 'acmex/a']) {
      expect(() => checkKeys('acme', [bad]))
        .to.throw(SftpgwError, `--key "${bad}" is not under acme/`)
        .with.property('kind', 'usage');
    }
  });

  const bucket = () =>
    fakeBucket([
      obj('acme/delivered.csv', { status: 'delivered', remotePath: '/in/d.csv' }),
      obj(
        'acme/rejected.csv',
        { status: 'rejected', code: 'pattern-mismatch' },
        { tags: { team: 'x' } },
      ),
      obj('acme/failed.csv', { status: 'failed', error: 'timeout' }),
      obj('acme/pending.csv'),
      obj('beta/rejected.csv', { status: 'rejected', code: 'layout' }),
    ]);

  it('chooses the statuses asked for, under the destination only, plus named keys whatever their fate', async () => {
    const b = bucket();
    const plan = await planRedelivery(
      b.objects,
      {
        bucket: 'b',
        destination: 'acme',
        statuses: ['rejected', 'failed'],
        keys: ['acme/delivered.csv'],
        pageSize: 2,
      },
      run,
    );
    expect(plan.listed).to.equal(4);
    expect(
      plan.items.map((i) => `${i.key} ${i.chosenBy} ${i.fate.status} ${i.action}`).sort(),
    ).to.deep.equal([
      'acme/delivered.csv key delivered restage',
      'acme/failed.csv status failed restage',
      'acme/rejected.csv status rejected restage',
    ]);
    expect(planText(plan)).to.include('named with --key; delivered: /in/d.csv');
  });

  it('only named keys when no status is chosen; a missing named key is an error naming it, nothing copied', async () => {
    const b = bucket();
    const plan = await planRedelivery(
      b.objects,
      { bucket: 'b', destination: 'acme', statuses: [], keys: ['acme/pending.csv'] },
      run,
    );
    expect(plan.items.map((i) => i.key)).to.deep.equal(['acme/pending.csv']);
    expect(b.calls.list).to.equal(0);
    try {
      await planRedelivery(
        b.objects,
        { bucket: 'b', destination: 'acme', statuses: ['rejected'], keys: ['acme/nope.csv'] },
        run,
      );
      expect.fail('no error');
    } catch (err) {
      expect((err as Error).message).to.equal('--key acme/nope.csv: no such object in b');
    }
    expect(b.calls.copy).to.deep.equal([]);
  });

  it('re-stages with the user tags only and the run marked; a second run skips the copies that have no outcome yet', async () => {
    const b = bucket();
    const req = { bucket: 'b', destination: 'acme', statuses: ['rejected'] as const, keys: [] };
    const plan = await planRedelivery(b.objects, req, run);
    const outcomes = await restage(b.objects, plan, run);
    expect(outcomes).to.deep.equal([
      {
        key: 'acme/rejected.csv',
        outcome: 'restaged',
        versionId: 'acme/rejected.csv#1',
        newVersionId: 'v1',
      },
    ]);
    expect(b.calls.copy[0].copy.tags).to.deep.equal({ team: 'x' });
    expect(b.calls.copy[0].copy.metadata).to.deep.equal({ 'sftpgw-redelivery': runMark(run) });
    // the same key named again, by this run and by the next: skipped, not copied
    const again = await planRedelivery(
      b.objects,
      { ...req, statuses: [], keys: ['acme/rejected.csv'] },
      run,
    );
    expect(again.items[0]).to.include({
      action: 'skip',
      reason: `already re-staged by this run (${run.id})`,
    });
    const next = newRun(at(5));
    const later = await planRedelivery(b.objects, { ...req, keys: ['acme/rejected.csv'] }, next);
    expect(later.items[0].action).to.equal('skip');
    expect(later.items[0].reason).to.equal(
      `re-staged at 2026-11-23T12:00:00.000Z by run ${run.id}; no outcome yet`,
    );
    // once the function has recorded an outcome on the copy, it may be chosen again
    b.list.find((o) => o.key === 'acme/rejected.csv')!.tags = fateTags(
      { status: 'rejected', code: 'pattern-mismatch' },
      at(6),
    );
    const third = await planRedelivery(b.objects, req, next);
    expect(third.items.map((i) => i.action)).to.deep.equal(['restage']);
  });

  it('a version replaced between plan and copy is not copied over', async () => {
    const b = bucket();
    const plan = await planRedelivery(
      b.objects,
      { bucket: 'b', destination: 'acme', statuses: ['failed'], keys: [] },
      run,
    );
    b.list.find((o) => o.key === 'acme/failed.csv')!.versionId = 'uploaded-again';
    const [o] = await restage(b.objects, plan, run);
    expect(o).to.deep.include({ outcome: 'skipped' });
    expect((o as { reason: string }).reason).to.match(
      /a new version was staged since the plan \(uploaded-again\)/,
    );
    expect(b.calls.copy).to.deep.equal([]);
  });

  it('over 5 GiB is refused naming the size; a copy that fails is reported per key, the others go on', async () => {
    const head: ObjectHead = { versionId: 'v', size: MAX_COPY_BYTES + 1, metadata: {} };
    const big = planItem('acme/big.bin', 'key', head, { status: 'rejected', code: 'x' }, run);
    expect(big.action).to.equal('refuse');
    expect(big.reason).to.match(/^larger than 5 GiB \(5368709121 bytes\): S3 copies at most 5 GiB/);
    const b = bucket();
    const plan = await planRedelivery(
      b.objects,
      { bucket: 'b', destination: 'acme', statuses: ['rejected', 'failed'], keys: [] },
      run,
    );
    b.objects.copyOnto = async (_b, key) => {
      if (key === 'acme/failed.csv') throw new Error('Access Denied');
      return { versionId: 'new' };
    };
    const outcomes = await restage(b.objects, { ...plan, items: [...plan.items, big] }, run);
    expect(outcomes.map((o) => `${o.key} ${o.outcome}`)).to.deep.equal([
      'acme/failed.csv failed',
      'acme/rejected.csv restaged',
      'acme/big.bin refused',
    ]);
  });
});

describe('outbound: the S3 request parts', () => {
  it('CopySource encodes each key segment and names the version; tags are %-encoded query parameters', () => {
    expect(copySource('bkt', 'acme/orders 1+2.csv', 'v/1')).to.equal(
      'bkt/acme/orders%201%2B2.csv?versionId=v%2F1',
    );
    expect(taggingQuery({ 'team name': 'a&b=c', x: '' })).to.equal('team%20name=a%26b%3Dc&x=');
  });
});
