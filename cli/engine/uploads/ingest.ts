// Did a completed upload reach ingest/? (downstream on: docs/downstream.md)
//
// The ingest function copies each completed upload to
// ingest/<user>/<yyyy-mm-dd>/<upload-id>/<file> (handler/ingest/ingest-key.ts):
// the date is the UTC date of the uploaded version's LastModified, the file
// its base name without `.filepart`. The upload id (the S3 version id) is
// not in the server's log, so the copy is found by listing
// ingest/<user>/<date>/ and matching the file name. LastModified is when S3
// began the object (for a multipart upload, when it was initiated), so a
// file closed just after midnight may be dated the day before: every date
// from the session's start (or an hour before the close, when the start is
// not known) to the close is listed, at most MAX_DAYS of them.
// Several uploads of the same name on one day are matched to copies in time
// order: each upload takes the oldest copy not yet taken that was made no
// earlier than SKEW before it closed.
import { INGEST_PREFIX } from '../downstream/users.js';
import { ingestFileName, utcDate } from '../../../shared/ingest-names.js';
import type { Upload } from './join.js';

/**
 * reached: its copy is in ingest/; not-yet: no copy (the workflow may still
 * run, or it failed: docs/downstream.md); never: a partial upload, which the
 * gateway never copies; unknown: it could not be checked (no user, or the
 * listing failed).
 */
export type IngestState = 'reached' | 'not-yet' | 'never' | 'unknown';

export interface IngestResult {
  state: IngestState;
  /** The copy's key, when reached. */
  key?: string;
}

export interface IngestListing {
  list(prefix: string): Promise<Array<{ key: string; lastModified?: Date }>>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_DAYS = 3;
/** Clocks: the copy's LastModified against the log event's time. */
const SKEW = 5 * 60_000;

/** The UTC dates a completed upload's copy may be filed under, oldest first. */
export function ingestDates(u: Upload): string[] {
  const last = u.time.getTime();
  const first = Math.max(u.connectedAt?.getTime() ?? last - HOUR, last - (MAX_DAYS - 1) * DAY);
  const dates: string[] = [];
  for (let t = first; ; t += DAY) {
    const d = utcDate(new Date(Math.min(t, last)));
    if (!dates.includes(d)) dates.push(d);
    if (t >= last) break;
  }
  return dates;
}

/**
 * The ingest state of each upload (same order). `failure` is set when a
 * listing failed: those uploads are unknown, the rest are still checked.
 */
export async function ingestStates(
  uploads: readonly Upload[],
  listing: IngestListing,
): Promise<{ states: IngestResult[]; failure?: string }> {
  const listed = new Map<string, Promise<Array<{ key: string; lastModified?: Date }>>>();
  const list = (prefix: string) => {
    let p = listed.get(prefix);
    if (!p) {
      p = listing.list(prefix);
      listed.set(prefix, p);
    }
    return p;
  };
  const taken = new Set<string>();
  let failure: string | undefined;
  const states: IngestResult[] = [];
  // oldest first, so the earlier upload of a name takes the earlier copy
  const order = uploads
    .map((_, i) => i)
    .sort((a, b) => uploads[a].time.getTime() - uploads[b].time.getTime());
  const byIndex = new Map<number, IngestResult>();
  for (const i of order) {
    const u = uploads[i];
    if (!u.complete) {
      byIndex.set(i, { state: 'never' });
      continue;
    }
    if (!u.user) {
      byIndex.set(i, { state: 'unknown' });
      continue;
    }
    const file = ingestFileName(u.path);
    const candidates: Array<{ key: string; at: number }> = [];
    try {
      for (const date of ingestDates(u)) {
        const prefix = `${INGEST_PREFIX}${u.user}/${date}/`;
        for (const o of await list(prefix)) {
          const rest = o.key.slice(prefix.length).split('/');
          if (rest.length === 2 && rest[1] === file && !taken.has(o.key))
            candidates.push({
              key: o.key,
              at: o.lastModified?.getTime() ?? Number.POSITIVE_INFINITY,
            });
        }
      }
    } catch (err) {
      failure ??= (err as Error).message;
      byIndex.set(i, { state: 'unknown' });
      continue;
    }
    const match = candidates
      .filter((c) => c.at >= u.time.getTime() - SKEW)
      .sort((a, b) => a.at - b.at)[0];
    if (match) {
      taken.add(match.key);
      byIndex.set(i, { state: 'reached', key: match.key });
    } else byIndex.set(i, { state: 'not-yet' });
  }
  for (let i = 0; i < uploads.length; i++) states.push(byIndex.get(i)!);
  return { states, ...(failure ? { failure } : {}) };
}
