// `sftpgw outbound status`: every staged object with its fate, a page at a
// time. ListObjectsV2 returns no tags, so each page is narrowed first by
// what the listing does give — the destination (the key prefix) and the
// last-modified time (--since) — and only the objects left get one
// GetObjectTagging each, TAG_READS_AT_ONCE at a time. Pages are yielded as
// they are read: a bucket of a million objects is never held in memory.
// Where each fate comes from: shared/outbound/fate.ts.
import { type Fate, type FateStatus, fateOf } from '../../../shared/outbound/fate.js';
import { mapLimit, TAG_READS_AT_ONCE } from './map-limit.js';
import { type KeyParts, keyParts } from './staged-key.js';
import type { StagingObjects } from './staging-objects.js';

export interface StatusQuery {
  bucket: string;
  /** Only objects under `<destination>/`. */
  destination?: string;
  /** Only objects with this fate. */
  status?: FateStatus;
  /** Only objects last modified (staged) at or after this time. */
  since?: Date;
  /** Objects per ListObjectsV2 page (1–1000; S3's default 1000). */
  pageSize?: number;
  /** Tag reads at once. */
  concurrency?: number;
}

export interface StagedFile extends KeyParts {
  key: string;
  /** When the current version was staged (its LastModified). */
  stagedAt: Date;
  size: number;
  fate: Fate;
}

export interface StatusPage {
  /** The objects of this page that pass every filter, in key order. */
  files: StagedFile[];
  /** Objects this page listed. */
  listed: number;
  /** Of those, left out by --since before any tags were read. */
  older: number;
  /** GetObjectTagging calls this page made. */
  tagsRead: number;
  /** Objects deleted between the listing and the tag read. */
  gone: number;
}

export async function* outboundStatus(
  objects: StagingObjects,
  q: StatusQuery,
): AsyncGenerator<StatusPage> {
  const prefix = q.destination === undefined ? undefined : `${q.destination}/`;
  let token: string | undefined;
  do {
    const page = await objects.listPage(q.bucket, { prefix, token, pageSize: q.pageSize });
    token = page.next;
    const recent = page.objects.filter((o) => q.since === undefined || o.lastModified >= q.since);
    const read = await mapLimit(recent, q.concurrency ?? TAG_READS_AT_ONCE, async (o) => {
      const tags = await objects.tags(q.bucket, o.key);
      if (tags === undefined) return undefined;
      const file: StagedFile = {
        key: o.key,
        ...keyParts(o.key),
        stagedAt: o.lastModified,
        size: o.size,
        fate: fateOf(tags),
      };
      return file;
    });
    const found = read.filter((f): f is StagedFile => f !== undefined);
    yield {
      files: found.filter((f) => q.status === undefined || f.fate.status === q.status),
      listed: page.objects.length,
      older: page.objects.length - recent.length,
      tagsRead: recent.length,
      gone: read.length - found.length,
    };
  } while (token !== undefined);
}

/** Files per status, every status present (0 when none). */
export type StatusCounts = Record<FateStatus, number>;

export interface StatusTotals {
  counts: StatusCounts;
  listed: number;
  older: number;
  tagsRead: number;
  gone: number;
  pages: number;
}

export function emptyTotals(): StatusTotals {
  return {
    counts: { delivered: 0, duplicate: 0, rejected: 0, failed: 0, pending: 0 },
    listed: 0,
    older: 0,
    tagsRead: 0,
    gone: 0,
    pages: 0,
  };
}

/** The totals with one more page added (a new object; the old one is left as it was). */
export function addPage(t: StatusTotals, page: StatusPage): StatusTotals {
  const counts = { ...t.counts };
  for (const f of page.files) counts[f.fate.status]++;
  return {
    counts,
    listed: t.listed + page.listed,
    older: t.older + page.older,
    tagsRead: t.tagsRead + page.tagsRead,
    gone: t.gone + page.gone,
    pages: t.pages + 1,
  };
}
