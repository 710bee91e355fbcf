// Where the function gets the directory: a port (DirectorySource: one read of
// the object, conditional on the ETag it already has) and the per-container
// cache over it. A warm container re-checks at most every cacheMs with
// IfNoneMatch, so an unchanged directory costs a 304 and no body, and a new
// version is served within cacheMs of its upload.
//
// A directory that cannot be read or does not parse is never served half-read:
// the container keeps answering from its last good version (and says so in an
// error line), or, with none, denies everyone (each login's line says why).
import { parseDirectory, type Directory } from '../../shared/identity/directory.js';

export type DirectoryRead =
  | { notModified: true }
  | { notModified?: false; text: string; etag?: string; versionId?: string };

export interface DirectorySource {
  /** s3://bucket/key[?versionId=…], for log lines. */
  readonly where: string;
  /** True when a version id is pinned: that version never changes, so one good read is final. */
  readonly pinned: boolean;
  /** The object, or notModified when its ETag still equals `ifNoneMatch`. Throws when it cannot be read. */
  read(ifNoneMatch?: string): Promise<DirectoryRead>;
}

export interface CurrentDirectory {
  directory?: Directory;
  /** The S3 version (or ETag) of the directory served. */
  version?: string;
  /** Why the last check failed (no directory served, or a last good one kept). */
  problem?: string;
  /** The check that failed happened during this call (log it once, not per login). */
  problemIsNew?: boolean;
}

// Messages that leave this module go to the log: they say what is wrong, never
// quote the document (JSON.parse's message carries a snippet of it, which may
// be a password hash or a key).
function describeFailure(err: unknown, text?: string): string {
  if (text !== undefined) {
    try {
      JSON.parse(text);
    } catch {
      return `the directory is not valid JSON (${Buffer.byteLength(text)} bytes)`;
    }
  }
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
}

export class DirectoryCache {
  private good: { directory: Directory; etag?: string; version?: string } | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private problem: string | undefined;

  constructor(
    private readonly source: DirectorySource,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private inflight: Promise<CurrentDirectory> | undefined;

  async current(): Promise<CurrentDirectory> {
    // Overlapping calls in one container share one read (and one error line).
    if (this.inflight) return this.inflight.then(() => this.served(false));
    const t = this.now();
    const fresh = t - this.checkedAt < this.cacheMs || (this.source.pinned && this.good);
    if (fresh) return this.served(false);
    this.checkedAt = t;
    this.inflight = this.check();
    try {
      return await this.inflight;
    } finally {
      this.inflight = undefined;
    }
  }

  private async check(): Promise<CurrentDirectory> {
    let text: string | undefined;
    try {
      const read = await this.source.read(this.good?.etag);
      if (read.notModified) {
        this.problem = undefined;
        return this.served(false);
      }
      text = read.text;
      const directory = parseDirectory(text);
      this.good = { directory, etag: read.etag, version: read.versionId ?? read.etag };
      this.problem = undefined;
      return this.served(false);
    } catch (err) {
      this.problem = `${this.source.where}: ${describeFailure(err, text)}`;
      return this.served(true);
    }
  }

  private served(problemIsNew: boolean): CurrentDirectory {
    return {
      directory: this.good?.directory,
      version: this.good?.version,
      problem: this.problem,
      problemIsNew: this.problem !== undefined && problemIsNew,
    };
  }
}
