// How a large file is cut into ranges and how many channels a push asks for
// (shared/sftp/parallel-write.ts, push.ts). The writes themselves run against
// real servers in interop.test.ts.
import { expect } from 'chai';
import { firstBytes, prefetchRanges, splitRanges } from '../../shared/sftp/parallel-write.js';
import { authMethods } from '../../shared/sftp/connect.js';
import { channelsWanted, DEFAULT_TUNING } from '../../shared/sftp/push.js';
import type { SftpTarget } from '../../shared/sftp/connect.js';
import { Readable } from 'node:stream';

const MiB = 1024 * 1024;
const target = (maxConnections?: number): SftpTarget => ({
  host: 'h',
  port: 22,
  username: 'u',
  hostKeyPins: new Set(),
  remoteDirectory: '/in',
  ...(maxConnections !== undefined ? { maxConnections } : {}),
});
const openRange = async (): Promise<Readable> => Readable.from([]);

describe('parallel writes: ranges and channels', function () {
  it('splits a size into contiguous ranges that cover it exactly, none empty', function () {
    for (const [size, n] of [
      [64 * MiB, 4],
      [64 * MiB + 1, 4],
      [5, 4],
      [3, 4],
      [1, 1],
    ] as const) {
      const ranges = splitRanges(size, n);
      expect(ranges[0][0]).to.equal(0);
      expect(ranges[ranges.length - 1][1]).to.equal(size);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).to.equal(ranges[i - 1][1]);
      for (const [a, b] of ranges) expect(b).to.be.greaterThan(a);
      expect(ranges.length).to.be.at.most(n);
    }
  });

  it('asks for the default channels from the threshold on, MaxConnections lowering it, 1 without a ranged source', function () {
    const t = DEFAULT_TUNING;
    const big = t.parallelMinBytes;
    expect(channelsWanted({ size: big, openRange, target: target() }, t)).to.equal(t.channels);
    expect(channelsWanted({ size: big - 1, openRange, target: target() }, t)).to.equal(1);
    expect(channelsWanted({ size: big, target: target() }, t), 'no ranged source').to.equal(1);
    expect(channelsWanted({ size: big, openRange, target: target(1) }, t)).to.equal(1);
    expect(channelsWanted({ size: big, openRange, target: target(2) }, t)).to.equal(2);
    expect(
      channelsWanted({ size: big, openRange, target: target(10) }, t),
      'MaxConnections caps, never raises',
    ).to.equal(t.channels);
  });

  describe('reads started before the channels exist (prefetchRanges)', function () {
    const source = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    /** A ranged source over `source` that records what it opened and which bodies were destroyed. */
    const recording = () => {
      const opened: string[] = [];
      const destroyed: string[] = [];
      const open = async (start: number, end: number): Promise<Readable> => {
        opened.push(`${start}-${end}`);
        const body = Readable.from([source.subarray(start, end)], { objectMode: false });
        body.once('close', () => {
          if (!body.readableEnded) destroyed.push(`${start}-${end}`);
        });
        return body;
      };
      return { opened, destroyed, open };
    };
    const drain = async (r: Readable): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const c of r) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };

    it('opens every range of the split at once, hands each out once, and opens others anew', async function () {
      const r = recording();
      const p = prefetchRanges(r.open, 1000, 4);
      expect(r.opened).to.deep.equal(['0-250', '250-500', '500-750', '750-1000']);
      expect(await drain(await p.source(250, 500))).to.deep.equal(source.subarray(250, 500));
      // Taken once: asking again is a new read.
      await drain(await p.source(250, 500));
      expect(r.opened.filter((o) => o === '250-500')).to.have.length(2);
      // Another split (fewer channels opened): new reads.
      expect(await drain(await p.source(0, 334))).to.deep.equal(source.subarray(0, 334));
      expect(r.opened).to.include('0-334');
    });

    it('discard() destroys the reads not taken, and only those', async function () {
      const r = recording();
      const p = prefetchRanges(r.open, 1000, 4);
      const taken = await p.source(0, 250);
      p.discard();
      await new Promise((resolve) => setImmediate(resolve));
      expect(r.destroyed.sort()).to.deep.equal(['250-500', '500-750', '750-1000']);
      expect(await drain(taken)).to.deep.equal(source.subarray(0, 250));
    });

    it('reads the first range from the open whole-object body (one request fewer), which discard() leaves alone', async function () {
      const r = recording();
      const head = Readable.from([source.subarray(0, 100), source.subarray(100)], {
        objectMode: false,
      });
      const p = prefetchRanges(r.open, 1000, 4, head);
      expect(r.opened).to.deep.equal(['250-500', '500-750', '750-1000']);
      p.discard();
      expect(head.destroyed, 'the body is push()’s to use on one channel').to.equal(false);
      const p2 = prefetchRanges(r.open, 1000, 4, head);
      expect(await drain(await p2.source(0, 250))).to.deep.equal(source.subarray(0, 250));
      expect(head.destroyed, 'closed after its range').to.equal(true);
      // Taken once: the next read of a first range is a request.
      await drain(await p2.source(0, 250));
      expect(r.opened).to.include('0-250');
    });

    it('a failed prefetch is reported when its range is taken, and never when discarded', async function () {
      let calls = 0;
      const failing = async (): Promise<Readable> => {
        calls++;
        throw new Error('PreconditionFailed: the object changed');
      };
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        const p = prefetchRanges(failing, 1000, 2);
        await new Promise((resolve) => setImmediate(resolve));
        p.discard();
        const q = prefetchRanges(failing, 1000, 2);
        let err: unknown;
        await q.source(500, 1000).catch((e: unknown) => (err = e));
        expect(String(err)).to.include('the object changed');
        await new Promise((resolve) => setTimeout(resolve, 10));
        expect(unhandled).to.deep.equal([]);
        expect(calls).to.equal(4);
      } finally {
        process.removeListener('unhandledRejection', onUnhandled);
      }
    });

    it('firstBytes: exactly n bytes across chunk boundaries, fewer when the body ends sooner', async function () {
      const chunks = () =>
        Readable.from([source.subarray(0, 7), source.subarray(7, 20), source.subarray(20)], {
          objectMode: false,
        });
      for (const n of [0, 1, 7, 8, 20, 999, 1000]) {
        const body = chunks();
        expect(await drain(firstBytes(body, n)), `n = ${n}`).to.deep.equal(source.subarray(0, n));
        expect(body.destroyed, `n = ${n}: closed`).to.equal(true);
      }
      expect((await drain(firstBytes(chunks(), 5000))).length).to.equal(1000);
    });
  });

  it('logs in with the credentials given, without the "none" probe (one round trip less)', function () {
    expect(authMethods({ privateKey: 'k' })).to.deep.equal(['publickey']);
    expect(authMethods({ password: 'p' })).to.deep.equal(['password']);
    expect(authMethods({ privateKey: 'k', password: 'p' })).to.deep.equal([
      'password',
      'publickey',
    ]);
    expect(authMethods({})).to.deep.equal([]);
  });
});
