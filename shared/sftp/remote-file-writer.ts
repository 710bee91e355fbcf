// A Writable that streams into an open SFTP file handle, shaped for long fat
// networks:
//
// - Chunks are coalesced into writes of the largest size the server accepts
//   (write-coalescer.ts). ssh2 learns that size at session start: from
//   limits@openssh.com when the server offers it (OpenSSH: 255 KiB), else
//   from the server's SSH software: 256 KiB less overhead behind OpenSSH or
//   dropbear (gesftpserver), 31,952 bytes for everyone else (ProFTPD). A
//   larger write would be split by ssh2 into pieces sent one round trip
//   apart, so the writer never asks for one.
// - What is in flight is bounded by bytes, not by a count of writes: the rate
//   over a link is (bytes in flight) / (round-trip time), whatever the chunk
//   size the source happens to deliver. 32 writes of 16 KiB (S3 over HTTPS)
//   were 512 KiB in flight: 10 MiB/s at 50 ms. The default, 8 MiB, keeps the
//   server's SSH channel window (OpenSSH: 2 MiB) full up to a 160 MiB/s × 50 ms
//   path, and memory bounded whatever the file size (slabs in flight, plus
//   ssh2's copy of what the window has not yet let out).
// - Backpressure: a write is sent only while it fits within the bound; the
//   rest wait in a short queue (one stream buffer's worth at most), and
//   _write's callback is held until the queue is empty and there is room, so
//   the source (the S3 body) is paused, not buffered.
// - Errors: the first failed write fails the stream (the next _write or
//   _final reports it); a session that closes fails it too, even with nothing
//   in flight (ssh2 never answers a request sent on a closed channel). close()
//   reports errors the server deferred (e.g. a quota hit at flush). The caller
//   still compares the remote size with the expected one.
//
// ssh2 writes each SSH packet to the socket in pieces (length, ciphertext,
// tag: three syscalls and three TCP segments per 32 KiB packet). Corking the
// socket for the rest of the tick lets node hand the kernel one writev per
// burst. Bursts start in two places: a write the writer sends, and data from
// the server — an acknowledgement (the writer sends the next write) or a
// window adjustment (ssh2 sends what the window held back, which is most of
// the data when the bytes in flight exceed the window). So the socket is also
// corked before ssh2 reads each incoming chunk (a prepended 'data' listener).
import { Writable } from 'node:stream';
import type { SFTPWrapper, Stats } from 'ssh2';
import { WriteCoalescer } from './write-coalescer.js';

export interface Corkable {
  cork(): void;
  uncork(): void;
  /** A net.Socket's; when present, incoming data corks too (see the header). */
  prependListener?(event: 'data', listener: () => void): unknown;
  removeListener?(event: 'data', listener: () => void): unknown;
}

export interface WriterOptions {
  /** Bytes of write requests sent and not yet acknowledged, at most. */
  maxInflightBytes?: number;
  /** Bytes per write request, at most; the server's limit wins when smaller. */
  maxWriteBytes?: number;
  /** The session's socket, corked per burst. */
  socket?: Corkable;
  /** File offset of the first byte (a range of a file written in parallel, parallel-write.ts). */
  startAt?: number;
  /**
   * Ask for the file's attributes (FSTAT) in the same round trip as the
   * CLOSE, once every write is acknowledged: `finalStats` then holds the
   * size the caller must check, without one more round trip for a stat.
   */
  statOnClose?: boolean;
  /** Waited for before the FSTAT and CLOSE (other ranges' writes acknowledged, parallel-write.ts). */
  beforeClose?: () => Promise<void>;
}

export const DEFAULT_MAX_INFLIGHT_BYTES = 8 * 1024 * 1024;

/** What every SFTP server must accept (34,000-byte packets less ssh2's overhead allowance). */
const SAFE_WRITE_BYTES = 31_952;

/** The largest write the server takes, as ssh2 negotiated it (see the header). */
export function serverWriteLimit(sftp: SFTPWrapper): number {
  const negotiated = (sftp as unknown as { _maxWriteLen?: unknown })._maxWriteLen;
  return typeof negotiated === 'number' && Number.isInteger(negotiated) && negotiated > 0
    ? negotiated
    : SAFE_WRITE_BYTES;
}

export class RemoteFileWriter extends Writable {
  private position = 0;
  private acknowledged = 0;
  private inflightBytes = 0;
  private failure: Error | undefined;
  private waiting: (() => void) | undefined;
  private corked = false;
  private readonly coalescer: WriteCoalescer;
  private readonly maxInflightBytes: number;
  private readonly socket: Corkable | undefined;
  // Writes the coalescer completed that do not fit in flight yet (at most what
  // the stream's buffer held: _writev hands over everything it queued).
  private readonly readyData: Buffer[] = [];
  private readonly readySlab: Array<Buffer | undefined> = [];
  // Bound once: the coalescer calls these for every write.
  private readonly enqueue = (data: Buffer, slab: Buffer | undefined): void => {
    this.readyData.push(data);
    this.readySlab.push(slab);
    this.pump();
  };
  private readonly onSessionClosed = (): void => this.fail(new Error('the SFTP session closed'));
  private readonly statOnClose: boolean;
  private readonly beforeClose: (() => Promise<void>) | undefined;
  private ackedAll: { resolve(): void; reject(err: Error): void } | undefined;
  /**
   * Settles when every write, the last included, is acknowledged (before the
   * handle closes); rejects if the writer fails or is destroyed first.
   */
  readonly acknowledgedAll: Promise<void>;
  /** The file's attributes as FSTAT gave them just before CLOSE (statOnClose; undefined if the server refused FSTAT). */
  finalStats: Stats | undefined;
  private readonly onIncoming = (): void => this.corkForThisTick();

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly handle: Buffer,
    options: WriterOptions = {},
  ) {
    super({ highWaterMark: 1024 * 1024 });
    const writeBytes = Math.min(serverWriteLimit(sftp), options.maxWriteBytes ?? Infinity);
    this.coalescer = new WriteCoalescer(writeBytes);
    this.maxInflightBytes = Math.max(
      options.maxInflightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES,
      writeBytes,
    );
    this.socket = options.socket;
    this.position = options.startAt ?? 0;
    this.statOnClose = options.statOnClose ?? false;
    this.beforeClose = options.beforeClose;
    this.acknowledgedAll = new Promise<void>((resolve, reject) => {
      this.ackedAll = { resolve, reject };
    });
    this.acknowledgedAll.catch(() => {}); // only a waiting peer cares
    this.socket?.prependListener?.('data', this.onIncoming);
    sftp.once('close', this.onSessionClosed);
  }

  private detach(): void {
    this.sftp.removeListener('close', this.onSessionClosed);
    this.socket?.removeListener?.('data', this.onIncoming);
  }

  /** Bytes the server has acknowledged. */
  get bytesWritten(): number {
    return this.acknowledged;
  }

  /** Bytes per write request (the server's limit, or less). */
  get writeSize(): number {
    return this.coalescer.size;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.ackedAll?.reject(this.failure);
    this.wake();
  }

  /** Room for more from the source: nothing queued, and in flight below the bound. */
  private get roomy(): boolean {
    return this.readyData.length === 0 && this.inflightBytes < this.maxInflightBytes;
  }

  private wake(): void {
    const resume = this.waiting;
    if (resume && (this.failure || this.roomy)) {
      this.waiting = undefined;
      resume();
    }
  }

  /** Sends queued writes while they fit within the bound. */
  private pump(): void {
    while (
      this.readyData.length > 0 &&
      !this.failure &&
      this.inflightBytes + this.readyData[0].length <= this.maxInflightBytes
    ) {
      this.sendWrite(this.readyData.shift()!, this.readySlab.shift());
    }
  }

  private corkForThisTick(): void {
    if (!this.socket || this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket!.uncork();
    });
  }

  private sendWrite(data: Buffer, slab: Buffer | undefined): void {
    const at = this.position;
    this.position += data.length;
    this.inflightBytes += data.length;
    this.corkForThisTick();
    // `data` (and its slab) stays untouched until this callback.
    this.sftp.write(this.handle, data, 0, data.length, at, (err) => {
      this.inflightBytes -= data.length;
      if (slab) this.coalescer.release(slab);
      if (err) return this.fail(err);
      this.acknowledged += data.length;
      this.pump();
      this.wake();
    });
  }

  /** Calls back now while there is room, else when there is. */
  private whenRoom(callback: (error?: Error | null) => void): void {
    if (this.failure || this.roomy) return callback(this.failure);
    this.waiting = () => callback(this.failure);
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.failure) return callback(this.failure);
    this.coalescer.push(chunk, this.enqueue);
    this.whenRoom(callback);
  }

  // Chunks that queued up while the writer waited for room arrive together.
  override _writev(
    chunks: Array<{ chunk: Buffer }>,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.failure) return callback(this.failure);
    for (const { chunk } of chunks) this.coalescer.push(chunk, this.enqueue);
    this.whenRoom(callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.coalescer.flush(this.enqueue);
    const settle = (): void => {
      if (this.failure) return callback(this.failure);
      if (this.inflightBytes > 0 || this.readyData.length > 0) {
        this.waiting = settle;
        return;
      }
      this.detach();
      this.ackedAll?.resolve();
      const close = (): void => {
        if (!this.statOnClose) {
          this.sftp.close(this.handle, (err) => callback(err ?? null));
          return;
        }
        // Sent together; a server that answers out of order (or refuses FSTAT)
        // leaves finalStats undefined and the caller stats by path instead.
        let stats: Stats | undefined;
        let statDone = false;
        let closeResult: Error | null | undefined;
        const both = (): void => {
          if (!statDone || closeResult === undefined) return;
          this.finalStats = stats;
          callback(closeResult);
        };
        this.sftp.fstat(this.handle, (err, attrs) => {
          statDone = true;
          stats = err ? undefined : attrs;
          both();
        });
        this.sftp.close(this.handle, (err) => {
          closeResult = err ?? null;
          both();
        });
      };
      if (!this.beforeClose) return close();
      this.beforeClose().then(close, (err: unknown) => {
        // Another range failed: this handle still closes, the write fails.
        this.sftp.close(this.handle, () =>
          callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    };
    settle();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.detach();
    this.ackedAll?.reject(error ?? new Error('the writer was destroyed'));
    callback(error);
  }
}
