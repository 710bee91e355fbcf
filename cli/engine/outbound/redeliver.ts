// `sftpgw outbound redeliver`: re-stage chosen objects of one destination so
// the push function runs again. Re-staging is a CopyObject of the current
// version onto its own key: a new version, which fires s3:ObjectCreated:Copy
// — within the s3:ObjectCreated:* the staging bucket notifies the function of
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html#supported-notification-event-types).
// The copy keeps the content, content headers, user metadata and encryption,
// adds the run's mark (redelivery-run.ts), and REPLACEs the tags with the
// user's own only: the default tagging directive (COPY) would carry the old
// `rejected` onto the new version, which would then look decided before the
// function ran.
//
// Two steps, so the command can show the plan and ask in between: plan
// (reads only) and restage (copies). Nothing is copied when the plan fails.
import {
  type Fate,
  type FateStatus,
  fateOf,
  REDELIVERY_METADATA,
  withoutFate,
} from '../../../shared/outbound/fate.js';
import { SftpgwError, usageError } from '../errors.js';
import { mapLimit, TAG_READS_AT_ONCE } from './map-limit.js';
import { markOf, type RedeliveryRun, runMark } from './redelivery-run.js';
import { keyParts } from './staged-key.js';
import type { ObjectHead, StagingObjects } from './staging-objects.js';

/** The fates --status may choose: the two after which the function does not try again by itself. */
export const REDELIVERABLE = ['rejected', 'failed'] as const;
export type Redeliverable = (typeof REDELIVERABLE)[number];

/** S3 copies at most 5 GiB in one CopyObject (API_CopyObject, above). */
export const MAX_COPY_BYTES = 5 * 1024 ** 3;

export interface RedeliverRequest {
  bucket: string;
  destination: string;
  /** Fates chosen by status (may be empty: only the named keys). */
  statuses: readonly Redeliverable[];
  /** Keys named with --key: chosen whatever their fate. */
  keys: readonly string[];
  pageSize?: number;
  concurrency?: number;
}

export interface PlanItem {
  key: string;
  file: string;
  /** status: chosen by its fate; key: named with --key. */
  chosenBy: 'status' | 'key';
  fate: Fate;
  /** The version that would be copied. */
  versionId: string | null;
  size: number;
  /** restage: will be copied; skip: already re-staged (idempotence); refuse: cannot be copied. */
  action: 'restage' | 'skip' | 'refuse';
  /** Why skip or refuse; null for restage. */
  reason: string | null;
  head: ObjectHead;
}

export interface RedeliveryPlan {
  bucket: string;
  destination: string;
  items: PlanItem[];
  /** Objects listed under `<destination>/` (0 when only keys were named). */
  listed: number;
}

export type Outcome =
  | { key: string; outcome: 'restaged'; versionId: string | null; newVersionId: string | null }
  | { key: string; outcome: 'skipped' | 'refused'; reason: string }
  /** error: what S3 threw, for the command to explain (cli/adapters/aws/errors.ts). */
  | { key: string; outcome: 'failed'; reason: string; error: unknown };

/** --key values: under `<destination>/`, each once. Usage errors name the key. */
export function checkKeys(destination: string, keys: readonly string[]): string[] {
  for (const key of keys)
    if (!key.startsWith(`${destination}/`) || key.length === destination.length + 1)
      throw usageError(
        `--key ${JSON.stringify(key)} is not under ${destination}/: redeliver re-stages objects of --destination ${destination} only`,
        `name keys as ${destination}/<file> (sftpgw outbound status --destination ${destination} lists them)`,
      );
  return [...new Set(keys)];
}

/** Progress while listing: objects listed so far. */
export type ListProgress = (listed: number) => void;

/** What would be re-staged, and why; reads only. A named key that does not exist is an error. */
export async function planRedelivery(
  objects: StagingObjects,
  req: RedeliverRequest,
  run: RedeliveryRun,
  progress: ListProgress = () => {},
): Promise<RedeliveryPlan> {
  const named = checkKeys(req.destination, req.keys);
  const limit = req.concurrency ?? TAG_READS_AT_ONCE;
  const chosen = new Map<string, 'status' | 'key'>();
  let listed = 0;
  if (req.statuses.length > 0) {
    const wanted = new Set<FateStatus>(req.statuses);
    let token: string | undefined;
    do {
      const page = await objects.listPage(req.bucket, {
        prefix: `${req.destination}/`,
        token,
        pageSize: req.pageSize,
      });
      token = page.next;
      listed += page.objects.length;
      const tags = await mapLimit(page.objects, limit, (o) => objects.tags(req.bucket, o.key));
      page.objects.forEach((o, i) => {
        const t = tags[i];
        if (t !== undefined && wanted.has(fateOf(t).status)) chosen.set(o.key, 'status');
      });
      progress(listed);
    } while (token !== undefined);
  }
  for (const key of named) chosen.set(key, 'key');

  const items = await mapLimit([...chosen], limit, async ([key, chosenBy]) => {
    const head = await objects.head(req.bucket, key);
    if (head === undefined) {
      if (chosenBy === 'key')
        throw new SftpgwError('failed', `--key ${key}: no such object in ${req.bucket}`, {
          hint: `check the name (sftpgw outbound status --destination ${req.destination}); nothing was re-staged`,
        });
      return undefined; // deleted since it was listed
    }
    // The tags of the very version that would be copied (the listing read the current one a moment ago).
    const tags = (await objects.tags(req.bucket, key, head.versionId)) ?? {};
    return planItem(key, chosenBy, head, fateOf(tags), run);
  });
  return {
    bucket: req.bucket,
    destination: req.destination,
    items: items.filter((i): i is PlanItem => i !== undefined),
    listed,
  };
}

/** What to do with one chosen version. */
export function planItem(
  key: string,
  chosenBy: 'status' | 'key',
  head: ObjectHead,
  fate: Fate,
  run: RedeliveryRun,
): PlanItem {
  const base = {
    key,
    file: keyParts(key).file,
    chosenBy,
    fate,
    versionId: head.versionId ?? null,
    size: head.size,
    head,
  };
  const mark = markOf(head.metadata);
  if (mark?.runId === run.id)
    return { ...base, action: 'skip', reason: `already re-staged by this run (${run.id})` };
  if (mark && fate.status === 'pending')
    return {
      ...base,
      action: 'skip',
      reason: `re-staged${mark.at ? ` at ${mark.at.toISOString()}` : ''} by run ${mark.runId}; no outcome yet`,
    };
  if (head.size > MAX_COPY_BYTES)
    return {
      ...base,
      action: 'refuse',
      reason: `larger than 5 GiB (${head.size} bytes): S3 copies at most 5 GiB in one CopyObject; stage the file again by uploading it`,
    };
  return { ...base, action: 'restage', reason: null };
}

/**
 * Re-stages the plan's `restage` items, each once; the others are reported
 * as they were planned. A version replaced since the plan (a new upload) is
 * not copied over: skipped, named.
 */
export async function restage(
  objects: StagingObjects,
  plan: RedeliveryPlan,
  run: RedeliveryRun,
  concurrency = TAG_READS_AT_ONCE,
): Promise<Outcome[]> {
  return mapLimit(plan.items, concurrency, async (item): Promise<Outcome> => {
    if (item.action === 'skip') return { key: item.key, outcome: 'skipped', reason: item.reason! };
    if (item.action === 'refuse')
      return { key: item.key, outcome: 'refused', reason: item.reason! };
    try {
      const now = await objects.head(plan.bucket, item.key);
      if (now === undefined)
        return { key: item.key, outcome: 'skipped', reason: 'deleted since the plan' };
      if (now.versionId !== item.head.versionId)
        return {
          key: item.key,
          outcome: 'skipped',
          reason:
            markOf(now.metadata)?.runId === run.id
              ? `already re-staged by this run (${run.id})`
              : `a new version was staged since the plan (${now.versionId ?? 'unversioned'}): it gets its own delivery`,
        };
      const tags = (await objects.tags(plan.bucket, item.key, now.versionId)) ?? {};
      const copied = await objects.copyOnto(plan.bucket, item.key, {
        head: now,
        metadata: { ...now.metadata, [REDELIVERY_METADATA]: runMark(run) },
        tags: withoutFate(tags),
      });
      return {
        key: item.key,
        outcome: 'restaged',
        versionId: item.versionId,
        newVersionId: copied.versionId ?? null,
      };
    } catch (err) {
      return {
        key: item.key,
        outcome: 'failed',
        reason: err instanceof Error ? err.message : String(err),
        error: err,
      };
    }
  });
}
