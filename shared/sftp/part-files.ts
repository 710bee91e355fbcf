// Temporary ("part") files in the remote directory: their names, and the
// sweep that removes those left behind by attempts that died.
//
// Name: `.<file>.<deliveryId>.<attemptId>.sftpgw-part` — hidden, the
// delivery's id (a hash of bucket, key and version) and a random id per
// attempt, so no two attempts ever share a file. Always ≤ 255 bytes (the
// common limit for one name): the readable <file> part is cut, at a character
// boundary, when the whole would be longer; the ids keep it unique.
//
// Sweep: a part file can be removed when no running attempt can own it. Every
// writer of such names is bounded in time — the push function by Lambda's
// hard limit of 15 minutes, `sftpgw destinations test --write` by its 60 s,
// `sftpgw destinations deliver` by its --timeout (at most 889 s) —
// and a writer's last write sets the file's mtime on the SERVER's clock. So a
// part file whose mtime is more than STALE_AFTER_SECONDS older than a file we
// have just written (also the server's clock: no clock skew between us and
// the server matters) belongs to an attempt that is over. Only names of
// exactly this grammar (and the earlier `.<file>.<deliveryId>.sftpgw-part`)
// are touched, so partner files are never.
//
// A sweep lists the whole directory, which costs round trips on a large one.
// Since a part file needs 20 minutes to become stale, a directory whose last
// sweep (in this warm container) saw no part file at all is not listed again
// for SWEEP_QUIET_MS.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { sftpCall as call, sftpCode, SFTP_STATUS } from './call.js';

export const PART_SUFFIX = '.sftpgw-part';
const MAX_NAME_BYTES = 255;

/** Lambda's maximum run time (15 min) plus a margin for data still in flight when an attempt died. */
export const STALE_AFTER_SECONDS = 15 * 60 + 5 * 60;

/** Our part files, this release's names and the earlier per-delivery ones. */
const PART_NAME = /^\..*\.[0-9a-f]{16}(?:\.[0-9a-f]{12})?\.sftpgw-part$/s;

export const DELIVERY_ID = /^[0-9a-f]{16}$/;

export const SWEEP_QUIET_MS = 10 * 60_000;

/** Per directory (host:port:path): no sweep before this time (epoch ms). Lives as long as the container. */
const quietUntil = new Map<string, number>();

export function sweepDue(dirKey: string, now = Date.now()): boolean {
  return (quietUntil.get(dirKey) ?? 0) <= now;
}

/** After a complete sweep that saw no part file. */
export function sweepQuiet(dirKey: string, now = Date.now()): void {
  if (quietUntil.size >= 10_000) quietUntil.clear(); // bounded memory; forgetting only costs a listing
  quietUntil.set(dirKey, now + SWEEP_QUIET_MS);
}

/** A fresh id for one attempt. */
export function newAttemptId(): string {
  return randomBytes(6).toString('hex');
}

export function isPartFile(name: string): boolean {
  return PART_NAME.test(name);
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between characters. */
function fitUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

export function temporaryName(fileName: string, deliveryId: string, attemptId: string): string {
  const tail = `.${deliveryId}.${attemptId}${PART_SUFFIX}`;
  return `.${fitUtf8(fileName, MAX_NAME_BYTES - 1 - Buffer.byteLength(tail))}${tail}`;
}

interface DirEntry {
  filename: string;
  attrs: { mtime?: number };
}

export interface SweepResult {
  /** Stale part files removed. */
  removed: number;
  /** Part files seen, stale or not. */
  seen: number;
  /** The whole directory was read. */
  complete: boolean;
}

/**
 * Removes stale part files from `dir` (see above); `serverNow` is the mtime
 * (seconds) of a file this attempt just wrote. Bounded by `budgetMs` and a
 * number of entries read, best effort: errors end the sweep quietly.
 */
export async function sweepStaleParts(
  sftp: SFTPWrapper,
  dir: string,
  serverNow: number,
  budgetMs: number,
  staleAfterSeconds = STALE_AFTER_SECONDS,
): Promise<SweepResult> {
  const result: SweepResult = { removed: 0, seen: 0, complete: false };
  if (budgetMs <= 0) return result;
  const until = Date.now() + budgetMs;
  const limit = serverNow - staleAfterSeconds;
  const stale: string[] = [];
  let handle: Buffer;
  try {
    handle = await call<Buffer>((cb) => sftp.opendir(dir, cb));
  } catch {
    return result;
  }
  try {
    let entries = 0;
    while (Date.now() < until && entries < 100_000) {
      let batch: DirEntry[];
      try {
        batch = await call<DirEntry[]>((cb) => sftp.readdir(handle, cb as never));
      } catch (err) {
        result.complete = sftpCode(err) === SFTP_STATUS.EOF;
        break; // EOF, or the server gave up: sweep what we have
      }
      entries += batch.length;
      for (const e of batch) {
        if (!isPartFile(e.filename)) continue;
        result.seen++;
        if (typeof e.attrs.mtime === 'number' && e.attrs.mtime < limit) stale.push(e.filename);
      }
    }
  } finally {
    await call((cb) => sftp.close(handle, cb as never)).catch(() => {});
  }
  for (const name of stale) {
    if (Date.now() >= until) break;
    try {
      await call((cb) => sftp.unlink(posix.join(dir, name), cb as never));
      result.removed++;
    } catch {
      // gone already (another attempt swept it) or not ours to remove
    }
  }
  return result;
}
