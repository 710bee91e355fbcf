// Turns a stream of arbitrarily sized chunks into writes of exactly `size`
// bytes (the last one shorter). An S3 body over HTTPS arrives in 16 KiB
// chunks (one TLS record each); sent as they come, each would cost an SFTP
// request, an acknowledgement and a callback, and the writes in flight would
// carry a sixteenth of what the server accepts per request.
//
// Buffers are slabs of `size` bytes, allocated once and reused: a slab goes
// out with a write and comes back through release() when that write has been
// acknowledged, never earlier, so no byte of a request can change while the
// SFTP layer may still read it (ssh2 copies today, but need not). A chunk
// that by itself fills whole writes is not copied: slices of it go out as
// they are (the caller never mutates chunks it has handed over).
/**
 * Receives each write in order: `data` to send, and the slab it lives in (or
 * undefined for a slice of the caller's chunk), to release() once acknowledged.
 */
export type EmitWrite = (data: Buffer, slab: Buffer | undefined) => void;

export class WriteCoalescer {
  private slab: Buffer | undefined;
  private fill = 0;
  private readonly spare: Buffer[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size <= 0)
      throw new RangeError(`write size must be a positive integer, not ${size}`);
  }

  /** Bytes held back, waiting for more to fill a write. */
  get pending(): number {
    return this.fill;
  }

  /** Adds a chunk; `emit` receives every write it completes. */
  push(chunk: Buffer, emit: EmitWrite): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.fill === 0 && chunk.length - at >= this.size) {
        emit(chunk.subarray(at, at + this.size), undefined);
        at += this.size;
        continue;
      }
      this.slab ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(this.size);
      const n = chunk.copy(
        this.slab,
        this.fill,
        at,
        Math.min(chunk.length, at + this.size - this.fill),
      );
      this.fill += n;
      at += n;
      if (this.fill === this.size) this.flush(emit);
    }
  }

  /** Emits what is held back, if anything (at the end of the stream). */
  flush(emit: EmitWrite): void {
    if (this.fill === 0) return;
    const slab = this.slab!;
    const length = this.fill;
    this.slab = undefined;
    this.fill = 0;
    emit(slab.subarray(0, length), slab);
  }

  /** Takes a slab back once the write made from it has been acknowledged. */
  release(slab: Buffer): void {
    this.spare.push(slab);
  }
}
