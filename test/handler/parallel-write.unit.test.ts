// How a large file is cut into ranges and how many channels a push asks for
// (shared/sftp/parallel-write.ts, push.ts). The writes themselves run against
// real servers in interop.test.ts.
import { expect } from 'chai';
import { splitRanges } from '../../shared/sftp/parallel-write.js';
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
});
