// The writer that streams an S3 body into a remote file (shared/sftp/
// remote-file-writer.ts, with shared/sftp/write-coalescer.ts), against a real
// OpenSSH sshd on 127.0.0.1: chunks of every size come out as writes of the
// server's size, byte for byte; bytes in flight stay bounded; a write's buffer
// is never touched before its acknowledgement; slabs are reused; the source is
// held back while the server is silent; a full disk or a dropped connection
// fails the stream instead of hanging it.
//
// sftp.write is wrapped by an observer that calls the real method: it records
// each request and checks, when the server acknowledges it, that the bytes
// sent are still the bytes that were handed over.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import ssh2, { type SFTPWrapper } from 'ssh2';
import {
  RemoteFileWriter,
  serverWriteLimit,
  type WriterOptions,
} from '../../shared/sftp/remote-file-writer.js';
import { WriteCoalescer } from '../../shared/sftp/write-coalescer.js';
import { cleanTempDirs } from '../helpers/project.js';
import { startSshd, type Sshd } from '../helpers/servers.js';

const MiB = 1024 * 1024;
/** OpenSSH's sftp-server answers limits@openssh.com with 256 KiB less 1 KiB per write. */
const OPENSSH_WRITE_LIMIT = 256 * 1024 - 1024;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Deterministic chunk sizes (a small LCG), so a failure can be replayed. */
function* seededSizes(seed: number, sizes: readonly number[]): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield sizes[x % sizes.length];
  }
}

/** A source that yields `data` in the given chunk sizes, counting what was pulled. */
function source(
  data: Buffer,
  sizes: Iterator<number> | number,
  gate?: (pulled: number) => Promise<void>,
): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    while (pulled < data.length) {
      const n = typeof sizes === 'number' ? sizes : (sizes.next().value as number);
      // A copy, as a socket hands out a fresh buffer per read.
      const chunk = Buffer.from(data.subarray(pulled, pulled + n));
      pulled += chunk.length;
      yield chunk;
      if (gate) await gate(pulled);
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), pulled: () => pulled };
}

interface Observed {
  writes: Array<{ position: number; length: number; buffer: ArrayBufferLike }>;
  maxOutstanding: number;
  /** Writes whose bytes changed between the request and its acknowledgement. */
  changedBeforeAck: number[];
}

/** Wraps sftp.write with an observer; the real method does the work. */
function observe(sftp: SFTPWrapper): Observed {
  const seen: Observed = { writes: [], maxOutstanding: 0, changedBeforeAck: [] };
  let outstanding = 0;
  const real = sftp.write.bind(sftp);
  sftp.write = ((
    handle: Buffer,
    buf: Buffer,
    off: number,
    len: number,
    position: number,
    cb: (err?: Error | null, n?: number) => void,
  ) => {
    const view = buf.subarray(off, off + len);
    const digest = sha(view);
    seen.writes.push({ position, length: len, buffer: buf.buffer });
    outstanding += len;
    seen.maxOutstanding = Math.max(seen.maxOutstanding, outstanding);
    real(handle, buf, off, len, position, (err?: Error | null, n?: number) => {
      outstanding -= len;
      if (sha(view) !== digest) seen.changedBeforeAck.push(position);
      cb(err, n);
    });
  }) as SFTPWrapper['write'];
  return seen;
}

function expectContiguous(seen: Observed, size: number, writeSize: number): void {
  let at = 0;
  seen.writes.forEach((w, i) => {
    expect(w.position, `write ${i} starts where the previous one ended`).to.equal(at);
    if (i < seen.writes.length - 1)
      expect(w.length, `write ${i} is a full write`).to.equal(writeSize);
    else expect(w.length).to.be.within(1, writeSize);
    at += w.length;
  });
  expect(at).to.equal(size);
  expect(
    seen.changedBeforeAck,
    'bytes of a write changed before the server acknowledged it',
  ).to.deep.equal([]);
}

describe('RemoteFileWriter (real sshd)', function () {
  this.timeout(120_000);
  let sshd: Sshd;
  let mounted: string | undefined;
  const open: ssh2.Client[] = [];

  before(async function () {
    sshd = await startSshd();
  });
  afterEach(function () {
    for (const c of open.splice(0)) c.destroy();
    sshd?.freezeSessions(false);
  });
  after(async function () {
    await sshd?.stop();
    if (mounted) execFileSync('umount', ['-l', mounted]);
    cleanTempDirs();
  });

  async function session(): Promise<{ client: ssh2.Client; sftp: SFTPWrapper }> {
    const client = new ssh2.Client();
    open.push(client);
    client.on('error', () => {}); // a dropped connection is expected in some tests
    const hostKey = (ssh2.utils.parseKey(sshd.hostPublicKey) as ssh2.ParsedKey).getPublicSSH();
    await new Promise<void>((resolve, reject) => {
      client
        .once('ready', resolve)
        .once('error', reject)
        .connect({
          host: '127.0.0.1',
          port: sshd.port,
          username: sshd.user,
          privateKey: sshd.clientKey.privateKey,
          hostVerifier: (key: Buffer) => key.equals(hostKey),
          algorithms: { cipher: ['aes128-gcm@openssh.com'] },
        });
    });
    client.setNoDelay(true);
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
      client.sftp((err, s) => (err ? reject(err) : resolve(s))),
    );
    return { client, sftp };
  }

  function openFile(sftp: SFTPWrapper, remote: string): Promise<Buffer> {
    return new Promise((resolve, reject) =>
      sftp.open(remote, 'w', (err, h) => (err ? reject(err) : resolve(h))),
    );
  }

  async function send(
    data: Buffer,
    sizes: Iterator<number> | number,
    opts: WriterOptions = {},
    name = 'out.bin',
  ) {
    const { client, sftp } = await session();
    const seen = observe(sftp);
    const remote = path.join(sshd.root, name);
    const socket = (client as unknown as { _sock: Socket })._sock;
    const writer = new RemoteFileWriter(sftp, await openFile(sftp, remote), { socket, ...opts });
    // Socket writes made while the socket was not corked: each is a syscall of its own.
    const socketWrites = { corked: 0, uncorked: 0 };
    const write = socket.write.bind(socket);
    socket.write = ((...args: Parameters<Socket['write']>) => {
      socketWrites[socket.writableCorked > 0 ? 'corked' : 'uncorked']++;
      return write(...args);
    }) as Socket['write'];
    await pipeline(source(data, sizes).stream, writer);
    return { seen, writer, remote, socketWrites };
  }

  it('takes the largest write the server offers (limits@openssh.com)', async function () {
    const { sftp } = await session();
    expect(serverWriteLimit(sftp)).to.equal(OPENSSH_WRITE_LIMIT);
  });

  it('coalesces 1-byte chunks into full-size writes, byte for byte', async function () {
    const data = randomBytes(600 * 1024);
    const { seen, writer, remote } = await send(data, 1);
    expect(readFileSync(remote).equals(data)).to.equal(true);
    expect(writer.writeSize).to.equal(OPENSSH_WRITE_LIMIT);
    expect(seen.writes).to.have.length(Math.ceil(data.length / OPENSSH_WRITE_LIMIT));
    expectContiguous(seen, data.length, OPENSSH_WRITE_LIMIT);
    expect(writer.bytesWritten).to.equal(data.length);
  });

  it('streams 64 MiB of 16 KiB chunks (S3 over HTTPS) with bytes in flight bounded, slabs reused', async function () {
    const data = randomBytes(64 * MiB);
    const maxInflightBytes = 2 * MiB;
    const { seen, writer, remote, socketWrites } = await send(data, 16 * 1024, {
      maxInflightBytes,
    });
    expect(sha(readFileSync(remote))).to.equal(sha(data));
    // Bursts go out corked, also those a window adjustment from the server releases.
    expect(socketWrites.corked).to.be.above(3 * 2048);
    expect(
      socketWrites.uncorked,
      `${socketWrites.uncorked} of ${socketWrites.corked + socketWrites.uncorked} socket writes uncorked`,
    ).to.be.below(10);
    expectContiguous(seen, data.length, OPENSSH_WRITE_LIMIT);
    expect(seen.maxOutstanding, 'bytes in flight').to.be.at.most(maxInflightBytes);
    expect(seen.maxOutstanding, 'several writes in flight at once').to.be.at.least(
      4 * OPENSSH_WRITE_LIMIT,
    );
    // Every write was copied into a slab; slabs come back after their ack. At
    // most: those in flight, those queued (one 1 MiB stream buffer's worth) and
    // the one being filled.
    const slabs = new Set(seen.writes.map((w) => w.buffer)).size;
    const bound =
      Math.floor(maxInflightBytes / OPENSSH_WRITE_LIMIT) + Math.ceil(MiB / OPENSSH_WRITE_LIMIT) + 2;
    expect(slabs, `distinct write buffers over ${seen.writes.length} writes`).to.be.at.most(bound);
    expect(writer.bytesWritten).to.equal(data.length);
  });

  it('statOnClose: FSTAT goes out with the CLOSE after the last write is acknowledged, and gives the final size', async function () {
    const data = randomBytes(3 * 1024 * 1024 + 11);
    const { client, sftp } = await session();
    const order: string[] = [];
    for (const m of ['write', 'fstat', 'close'] as const) {
      const real = (sftp[m] as (...a: unknown[]) => unknown).bind(sftp);
      (sftp as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        if (order[order.length - 1] !== m) order.push(m);
        return real(...args);
      };
    }
    const remote = path.join(sshd.root, 'stat-on-close.bin');
    const socket = (client as unknown as { _sock: Socket })._sock;
    const writer = new RemoteFileWriter(sftp, await openFile(sftp, remote), {
      socket,
      statOnClose: true,
    });
    await pipeline(source(data, 16 * 1024).stream, writer);
    expect(order).to.deep.equal(['write', 'fstat', 'close']);
    expect(writer.finalStats?.size).to.equal(data.length);
    expect(readFileSync(remote).equals(data)).to.equal(true);
    // Without the option nothing more is asked.
    const plain = await send(data, 16 * 1024, {}, 'plain.bin');
    expect(plain.writer.finalStats).to.equal(undefined);
  });

  it('cuts odd chunk sizes, larger and smaller than a write, into full-size writes', async function () {
    const data = randomBytes(24 * MiB + 12345);
    const sizes = seededSizes(13, [
      1,
      7,
      4095,
      16 * 1024 + 1,
      65_537,
      OPENSSH_WRITE_LIMIT - 1,
      OPENSSH_WRITE_LIMIT,
      OPENSSH_WRITE_LIMIT + 1,
      3 * OPENSSH_WRITE_LIMIT + 5,
      1_000_003,
    ]);
    const { seen, remote } = await send(data, sizes, { maxInflightBytes: 3 * MiB });
    expect(sha(readFileSync(remote))).to.equal(sha(data));
    expectContiguous(seen, data.length, OPENSSH_WRITE_LIMIT);
  });

  it('keeps writes within a smaller limit (ProFTPD takes 31,952 bytes)', async function () {
    const data = randomBytes(5 * MiB + 3);
    const { seen, writer, remote } = await send(
      data,
      seededSizes(7, [1000, 16 * 1024, 50_000, 70_001]),
      { maxWriteBytes: 31_952 },
    );
    expect(writer.writeSize).to.equal(31_952);
    expect(sha(readFileSync(remote))).to.equal(sha(data));
    expectContiguous(seen, data.length, 31_952);
  });

  it('holds the source back while the server does not acknowledge, then finishes', async function () {
    const { client, sftp } = await session();
    const data = randomBytes(32 * MiB);
    const maxInflightBytes = 2 * MiB;
    const remote = path.join(sshd.root, 'frozen.bin');
    const writer = new RemoteFileWriter(sftp, await openFile(sftp, remote), {
      maxInflightBytes,
      socket: (client as unknown as { _sock: WriterOptions['socket'] })._sock,
    });
    let frozen = false;
    const src = source(data, 16 * 1024, async (pulled) => {
      if (!frozen && pulled > 1 * MiB) {
        frozen = true;
        sshd.freezeSessions(true);
      }
    });
    const done = pipeline(src.stream, writer);
    await new Promise((r) => setTimeout(r, 1500));
    const held = src.pulled();
    await new Promise((r) => setTimeout(r, 1000));
    expect(src.pulled(), 'nothing more pulled while the server is silent').to.equal(held);
    // In flight; queued writes (one stream buffer's worth) and one being filled;
    // the stream's own 1 MiB buffer; a chunk or two in the source.
    expect(held).to.be.at.most(maxInflightBytes + 2 * MiB + 2 * OPENSSH_WRITE_LIMIT + 64 * 1024);
    expect(held).to.be.below(data.length);
    sshd.freezeSessions(false);
    await done;
    expect(sha(readFileSync(remote))).to.equal(sha(data));
  });

  it("fails with the server's error when the remote disk is full", async function () {
    const dir = path.join(sshd.root, 'full');
    mkdirSync(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    mounted = dir;
    const { sftp } = await session();
    const writer = new RemoteFileWriter(sftp, await openFile(sftp, path.join(dir, 'big.bin')));
    const err = await pipeline(source(randomBytes(8 * MiB), 16 * 1024).stream, writer).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err, 'the stream fails').to.be.instanceOf(Error);
    expect((err as { code?: number }).code, 'SSH_FX_FAILURE from the server').to.equal(4);
    expect(writer.bytesWritten).to.be.below(1 * MiB + 1);
  });

  it('fails, does not hang, when the connection drops with writes in flight', async function () {
    const { sftp } = await session();
    const writer = new RemoteFileWriter(
      sftp,
      await openFile(sftp, path.join(sshd.root, 'dropped.bin')),
    );
    let dropped = false;
    const src = source(randomBytes(256 * MiB), 16 * 1024, async () => {
      if (!dropped && writer.bytesWritten > 4 * MiB) {
        dropped = true;
        sshd.dropSessions();
      }
    });
    const started = Date.now();
    const err = await pipeline(src.stream, writer).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(dropped).to.equal(true);
    expect(err).to.be.instanceOf(Error);
    expect(Date.now() - started).to.be.below(30_000);
    expect(src.pulled()).to.be.below(256 * MiB);
  });

  it('fails, does not hang, when the session closes while nothing is in flight', async function () {
    this.timeout(20_000); // ssh2 never answers a write sent on a closed channel: a hang is the bug
    const { client, sftp } = await session();
    const writer = new RemoteFileWriter(
      sftp,
      await openFile(sftp, path.join(sshd.root, 'idle.bin')),
    );
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    // The source stalls after 100 KiB (all acknowledged) until the session is gone.
    const src = source(randomBytes(4 * MiB), 16 * 1024, async (pulled) => {
      if (pulled === 112 * 1024) {
        await new Promise((r) => setTimeout(r, 200));
        sshd.dropSessions();
        await closed;
      }
    });
    const err = await pipeline(src.stream, writer).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(Error);
    expect(err!.message).to.match(/SFTP session closed|No response from server/);
  });

  it('passes on a failing source and sends nothing after it', async function () {
    const { sftp } = await session();
    const seen = observe(sftp);
    const writer = new RemoteFileWriter(
      sftp,
      await openFile(sftp, path.join(sshd.root, 'broken.bin')),
    );
    const broken = new Readable({
      read() {
        this.push(randomBytes(16 * 1024));
        if (seen.writes.length === 0) return;
        this.destroy(new Error('the S3 body broke off'));
      },
    });
    const err = await pipeline(broken, writer).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.equal('the S3 body broke off');
    const sent = seen.writes.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.writes.length).to.equal(sent);
  });
});

describe('WriteCoalescer', function () {
  function collect(
    c: WriteCoalescer,
    chunks: Buffer[],
    end = true,
  ): Array<{ data: Buffer; slab: Buffer | undefined }> {
    const out: Array<{ data: Buffer; slab: Buffer | undefined }> = [];
    const emit = (data: Buffer, slab: Buffer | undefined): void =>
      void out.push({ data: Buffer.from(data), slab });
    for (const chunk of chunks) c.push(chunk, emit);
    if (end) c.flush(emit);
    return out;
  }

  it('emits full writes in order and the rest at the end', function () {
    const data = randomBytes(1000);
    const out = collect(new WriteCoalescer(300), [
      data.subarray(0, 1),
      data.subarray(1, 450),
      data.subarray(450, 451),
      data.subarray(451),
    ]);
    expect(out.map((w) => w.data.length)).to.deep.equal([300, 300, 300, 100]);
    expect(Buffer.concat(out.map((w) => w.data)).equals(data)).to.equal(true);
  });

  it('slices a chunk that fills whole writes by itself instead of copying it', function () {
    const chunk = randomBytes(700);
    const out: Array<{ data: Buffer; slab: Buffer | undefined }> = [];
    const c = new WriteCoalescer(300);
    c.push(chunk, (data, slab) => void out.push({ data, slab }));
    expect(out.map((w) => [w.data.buffer === chunk.buffer, w.slab])).to.deep.equal([
      [true, undefined],
      [true, undefined],
    ]);
    expect(c.pending).to.equal(100);
  });

  it('reuses a slab only after it is released', function () {
    const c = new WriteCoalescer(4);
    const first = collect(c, [Buffer.from('ab'), Buffer.from('cd')], false)[0];
    const second = collect(c, [Buffer.from('efgh').subarray(0, 3), Buffer.from('h')], false)[0];
    expect(second.slab).not.to.equal(first.slab); // first not released yet
    c.release(first.slab!);
    const third = collect(c, [Buffer.from('i'), Buffer.from('jkl')], false)[0];
    expect(third.slab).to.equal(first.slab);
    expect(first.data.toString() + second.data.toString() + third.data.toString()).to.equal(
      'abcdefghijkl',
    );
  });

  it('refuses a write size that is not a positive integer', function () {
    expect(() => new WriteCoalescer(0)).to.throw(RangeError, /positive integer/);
    expect(() => new WriteCoalescer(1.5)).to.throw(RangeError, /positive integer/);
  });
});
