// Writing one part file in ranges over several SFTP channels of one SSH
// connection, for files too large for one channel's window (push.ts decides).
//
// Why: a channel carries at most the server's channel window per round trip
// (OpenSSH: 2 MiB, so ≈ 40 MiB/s at 50 ms, ≈ 13 MiB/s at 150 ms), whatever
// the client does. Each SSH channel has its own window, so n channels carry n
// windows per round trip over the same TCP connection and the same key
// exchange. OpenSSH allows MaxSessions (default 10) channels per connection,
// ProFTPD SFTPMaxChannels (default 10).
//
// How:
//   - The caller has created the part file exclusively (O_EXCL) on its main
//     channel; every other lane opens the same path for WRITE only (no
//     CREAT, no TRUNC, no EXCL), so no lane can truncate or create anything.
//   - The file is cut into one contiguous range per lane; each lane reads its
//     range from the source (S3 GetObject with Range, or a file read at an
//     offset) and writes it at its offset with its own pipelined
//     RemoteFileWriter. Memory per lane: its writes in flight plus its
//     source's stream buffer, so the whole is bounded by lanes × that.
//   - A lane's source must yield exactly its range's bytes: more would
//     overwrite the next range, fewer would leave a hole another range hides.
//   - The first lane to fail aborts the others; the attempt then fails.
//
// What this changes in the delivery protocol (push.ts): with one handle
// writing in order, a part file of the right size holds the right bytes.
// With ranges it need not: a later range can extend the file past a write
// that failed. So success here means every WRITE of every range was
// acknowledged by the server in this attempt and every handle closed without
// error; only then does push() stat the size and publish.
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper, Stats } from 'ssh2';
import type SftpClient from 'ssh2-sftp-client';
import { sftpCall as call } from './call.js';
import { errorText } from './push-error.js';
import { type Corkable, RemoteFileWriter } from './remote-file-writer.js';

/** Reads bytes [start, end) of the SAME immutable source the push delivers. */
export type RangeSource = (start: number, end: number) => Promise<Readable>;

/** SFTP open flag WRITE alone (draft-ietf-secsh-filexfer-02 SSH_FXF_WRITE): no CREAT, TRUNC or EXCL. */
const WRITE_ONLY = 0x00000002;

export interface Lane {
  sftp: SFTPWrapper;
  handle: Buffer;
  /** Its connection's socket, when not the main one's (RangeWriteOptions.socket). */
  socket?: Corkable;
}

export interface ExtraChannels {
  channels: SFTPWrapper[];
  /** Why fewer than asked for opened (the server's refusal, or a timeout). */
  refused?: string;
  /**
   * The server closed the whole connection instead of refusing the channel
   * (ProFTPD at SFTPMaxChannels disconnects): the caller must reconnect.
   */
  connectionLost?: boolean;
}

const sleep = (ms: number): Promise<'timeout'> =>
  new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/** ssh2's Client under ssh2-sftp-client: the connection new channels open on. */
interface ChannelOpener {
  sftp(cb: (err: Error | undefined, sftp: SFTPWrapper) => void): void;
  once(event: 'close', listener: () => void): unknown;
  removeListener(event: 'close', listener: () => void): unknown;
}

/**
 * Opens up to `count` more SFTP channels on the connection, all at once. A
 * server that limits sessions refuses some ("open failed"); those that did
 * open are used, and the reason is returned for the log.
 */
export async function openExtraChannels(
  client: SftpClient,
  count: number,
  timeoutMs: number,
): Promise<ExtraChannels> {
  const ssh = (client as unknown as { client: ChannelOpener }).client;
  const reasons: string[] = [];
  // ssh2 never calls back a channel open the server answered by disconnecting.
  let lost = false;
  let onClose = (): void => {};
  const closed = new Promise<'closed'>((resolve) => {
    onClose = () => {
      lost = true;
      resolve('closed');
    };
    ssh.once('close', onClose);
  });
  const attempts = Array.from({ length: count }, async () => {
    const opening = call<SFTPWrapper>((cb) => ssh.sftp(cb as never));
    const first = await Promise.race([opening, sleep(timeoutMs), closed]).catch((err: unknown) => {
      reasons.push(errorText(err));
      return undefined;
    });
    if (first === 'timeout' || first === 'closed') {
      reasons.push(
        first === 'closed'
          ? 'the server closed the connection when asked for another channel'
          : `no answer to a channel open in ${timeoutMs} ms`,
      );
      // Arrives late: close it.
      opening.then(
        (late) => late.end(),
        () => {},
      );
      return undefined;
    }
    if (first) first.on('error', () => {}); // a late error after we are done must not throw
    return first;
  });
  const channels = (await Promise.all(attempts)).filter((c): c is SFTPWrapper => c !== undefined);
  ssh.removeListener('close', onClose);
  return {
    channels: lost ? [] : channels,
    ...(reasons.length > 0 ? { refused: [...new Set(reasons)].join('; ') } : {}),
    ...(lost ? { connectionLost: true } : {}),
  };
}

/** Opens `path` (which exists: the main channel created it) for writing on each channel; those that cannot are dropped. */
export async function openForWriting(
  channels: SFTPWrapper[],
  path: string,
): Promise<{ lanes: Lane[]; refused?: string }> {
  const reasons: string[] = [];
  const opened = await Promise.all(
    channels.map((sftp) =>
      call<Buffer>((cb) => sftp.open(path, WRITE_ONLY as never, cb as never)).then(
        (handle) => ({ sftp, handle }),
        (err: unknown) => {
          reasons.push(`opening the part file on another channel failed: ${errorText(err)}`);
          sftp.end();
          return undefined;
        },
      ),
    ),
  );
  return {
    lanes: opened.filter((l): l is Lane => l !== undefined),
    ...(reasons.length > 0 ? { refused: [...new Set(reasons)].join('; ') } : {}),
  };
}

/** [start, end) of each of `n` contiguous ranges covering `size` bytes. */
export function splitRanges(size: number, n: number): Array<[number, number]> {
  const per = Math.ceil(size / n);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < size; start += per) ranges.push([start, Math.min(size, start + per)]);
  return ranges;
}

export interface PrefetchedRanges {
  /** The prefetched read of [start, end) when it is one of them, else a new one. */
  source: RangeSource;
  /** Destroys every prefetched read not taken. */
  discard(): void;
}

/**
 * Starts reading the ranges of an even split over `n` channels now, before
 * the channels exist: the source's first byte (S3: tens of milliseconds, and
 * more for each of several requests at once) then arrives while SSH connects.
 * The first range is read from `head`, the whole-object read already open
 * (its first bytes, then it is closed): one ranged request fewer. An untaken
 * read holds only its stream's and socket's buffers (the body is paused, not
 * drained). If fewer channels open, their ranges are read anew and these are
 * discarded: a few wasted GETs, never wrong bytes.
 */
export function prefetchRanges(
  open: RangeSource,
  size: number,
  n: number,
  head?: Readable,
): PrefetchedRanges {
  const waiting = new Map<string, Promise<Readable>>();
  for (const [start, end] of splitRanges(size, n)) {
    if (start === 0 && head) continue;
    const read = open(start, end);
    read.catch(() => {}); // reported when taken; not at all when discarded
    waiting.set(`${start}-${end}`, read);
  }
  let headLeft = head;
  return {
    source: (start, end) => {
      if (start === 0 && headLeft) {
        const body = headLeft;
        headLeft = undefined;
        return Promise.resolve(firstBytes(body, end));
      }
      const key = `${start}-${end}`;
      const read = waiting.get(key);
      if (!read) return open(start, end);
      waiting.delete(key);
      return read;
    },
    discard: () => {
      for (const read of waiting.values())
        read.then(
          (body) => body.destroy(),
          () => {},
        );
      waiting.clear();
    },
  };
}

/** The first `n` bytes of `body` (fewer if it ends sooner); `body` is closed after them. */
export function firstBytes(body: Readable, n: number): Readable {
  return Readable.from(
    (async function* () {
      let left = n;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (chunk.length >= left) {
            if (left > 0) yield chunk.subarray(0, left);
            left = 0;
            break;
          }
          left -= chunk.length;
          yield chunk;
        }
      } finally {
        body.destroy();
      }
    })(),
    { objectMode: false },
  );
}

/** Passes exactly `n` bytes; fails on more, or on fewer at the end. */
function exactly(n: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > n) return done(new Error(`${what}: the source gave more than ${n} bytes`));
      done(null, chunk);
    },
    flush(done) {
      done(seen === n ? null : new Error(`${what}: the source gave ${seen} of ${n} bytes`));
    },
  });
}

export interface RangeWriteOptions {
  lanes: Lane[];
  size: number;
  source: RangeSource;
  /** Bytes in flight per lane. */
  maxInflightBytes: number;
  socket?: Corkable;
}

export class RangeWriteError extends Error {
  override name = 'RangeWriteError';
  constructor(
    message: string,
    readonly acknowledged: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RangesWritten {
  /** Bytes acknowledged (= size). */
  acknowledged: number;
  /**
   * The part file's attributes, asked for on the first lane after every
   * range's last write was acknowledged, in the round trip of its CLOSE
   * (undefined if the server refused the FSTAT: stat it by path).
   */
  stats: Stats | undefined;
}

/**
 * Writes the source over the lanes, one range each, and resolves only when
 * every write of every range was acknowledged and every handle closed.
 */
export async function writeRanges(o: RangeWriteOptions): Promise<RangesWritten> {
  const ranges = splitRanges(o.size, o.lanes.length);
  const abort = new AbortController();
  let failure: unknown;
  const writers = ranges.map(
    ([start], i) =>
      new RemoteFileWriter(o.lanes[i].sftp, o.lanes[i].handle, {
        maxInflightBytes: o.maxInflightBytes,
        socket: o.lanes[i].socket ?? o.socket,
        startAt: start,
        ...(i === 0
          ? {
              statOnClose: true,
              beforeClose: async () => {
                await Promise.all(writers.slice(1).map((w) => w.acknowledgedAll));
              },
            }
          : {}),
      }),
  );
  const acknowledged = (): number => writers.reduce((sum, w) => sum + w.bytesWritten, 0);
  await Promise.all(
    ranges.map(async ([start, end], i) => {
      const writer = writers[i];
      const what = `range ${start}-${end}`;
      try {
        if (abort.signal.aborted) throw new Error('aborted');
        const source = await o.source(start, end);
        await pipeline(source, exactly(end - start, what), writer, { signal: abort.signal });
        if (writer.bytesWritten !== end - start)
          throw new Error(`${what}: ${writer.bytesWritten} bytes acknowledged`);
      } catch (err) {
        writer.destroy();
        if (failure === undefined)
          failure = new Error(`${what}: ${errorText(err)}`, { cause: err });
        abort.abort();
      }
    }),
  );
  if (failure !== undefined)
    throw new RangeWriteError(errorText(failure), acknowledged(), { cause: failure });
  return { acknowledged: acknowledged(), stats: writers[0].finalStats };
}
