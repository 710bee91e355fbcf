// One S3 event → one outcome per record. Records are independent: a bad one
// does not stop the others. Outcomes, each recorded in the object version's
// tags (shared/outbound/fate.ts; written by record-fate.ts):
//   delivered  file on the remote under its final name; tagged with its remote path
//   duplicate  this object version reached the remote before (events arrive at
//              least once): its tag says delivered or duplicate, nothing is sent
//              and the tags stay as they are; or — the tag lost, or a concurrent
//              attempt — the remote already holds this exact file under its name
//              (tagged duplicate with the remote path)
//   rejected   malformed event or record, layout, unsafe name, pattern mismatch,
//              invalid FilePattern, object gone, a different file under the final
//              name with Overwrite "never": final, never retried; tagged
//              "<code>: <reason>" (not when the record names no object, or it is gone)
//   failed     anything a retry may fix (server, auth, host key, secret, I/O);
//              tagged with the error, unless the tags meanwhile say the file
//              reached the remote (a concurrent attempt)
// handleEvent throws when any record failed, so Lambda retries the event and
// finally sends it to the on-failure destination; delivered records are then
// recognised as duplicates and not sent twice.
//
// What is thrown leaves the function outside our log lines (the runtime logs
// the message and stack itself), so it is built only from redacted text, with
// no cause attached.
//
// The tag is a record, not a lock: `delivered` is written after the file is
// under its final name, so it may be missing (the write failed, the function
// died in between; the version then reads as pending or failed) but is never
// early. Attempts therefore never rely on its absence: the remote side is safe
// on its own against concurrent and repeated attempts (the delivery protocol,
// shared/sftp/push.ts).
import { createHash } from 'node:crypto';
import { DestinationError } from '../shared/destination/parse-secret.js';
import type { DestinationCache } from './destination-cache.js';
import { checkRecord, eventRecords, recordFields } from './event-records.js';
import type { Logger } from './log.js';
import { ObjectGoneError, type ObjectStore, type Pusher } from './ports.js';
import { PushError } from '../shared/sftp/push-error.js';
import { parseStagingKey } from '../shared/destination/staging-key.js';
import { destinationSecretName } from '../shared/gateway-names.js';
import { fateRecorder, onRemote } from './record-fate.js';

export interface DeliverDeps {
  objects: ObjectStore;
  destinations: DestinationCache;
  push: Pusher;
  log: Logger;
  secretPrefix: string;
  /** Dimensions of every metric (e.g. the gateway's stack name). */
  dimensions: Record<string, string>;
  /** Epoch ms by which the whole event must be done. */
  deadline: number;
  /** The clock: fate times, and which pinned host keys have expired (its UTC date). */
  now?: () => Date;
}

export type Outcome =
  | {
      outcome: 'delivered';
      destination: string;
      file: string;
      bytes: number;
      /** Where it was published on the remote (RemoteDirectory/file). */
      remotePath: string;
      published?: string;
      staleRemoved?: number;
      /** "type SHA256:…" of the pinned host key the server proved it holds. */
      hostKey?: string;
      /** Its pin's last trusted UTC date, when it has one. */
      pinExpires?: string;
      /** SFTP channels that wrote the file. */
      channels?: number;
      /** SSH connections they were on (more than 1 where the server limits channels per connection). */
      connections?: number;
      /** Why fewer channels than wanted (the server refused more). */
      fallback?: string;
    }
  | {
      outcome: 'duplicate';
      destination: string;
      file: string;
      /** Known when this attempt found the file on the remote (not when only the tag said so). */
      remotePath?: string;
      identicalOnRemote?: boolean;
    }
  | {
      outcome: 'rejected';
      reason: string;
      code: string;
      destination?: string;
      file?: string;
      detail?: string;
    }
  | { outcome: 'failed'; error: Error; destination?: string; file?: string };

export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

/**
 * Records delivered at the same time. S3 puts one record in an event, but a
 * replay or a hand-made event may carry several: one at a time, a slow or hung
 * destination would use up the deadline on every retry and starve the valid
 * records after it. A small bound keeps memory flat (each delivery holds only
 * its stream buffers and the writes in flight). Records naming the same object
 * key still run one after the other, in event order: the later one then sees
 * the first's tag (a duplicate), and two versions of one key reach the remote
 * name in the order S3 reported them.
 */
export const RECORD_CONCURRENCY = 4;

// The thrown message names at most this many failures, each this long.
const THROWN_FAILURES = 5;
const THROWN_MESSAGE_CHARS = 500;

/** fn over items, at most `limit` at a time; results in item order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export async function handleEvent(event: unknown, deps: DeliverDeps): Promise<Outcome[]> {
  const shape = eventRecords(event);
  if (!shape.ok) {
    deps.log.log('warn', `event rejected: ${shape.reason}`, {
      outcome: 'rejected',
      reason: 'malformed-event',
    });
    deps.log.metrics(
      { Delivered: 0, Rejected: 1, Failed: 0, Duplicate: 0, Bytes: 0 },
      deps.dimensions,
    );
    return [{ outcome: 'rejected', code: 'malformed-event', reason: shape.reason }];
  }
  if (shape.note) deps.log.log('info', shape.note, {});
  const sameObject = new Map<string, Promise<unknown>>();
  const outcomes = await mapBounded(shape.records, RECORD_CONCURRENCY, (record) => {
    const check = checkRecord(record);
    if (!check.ok) return deliverRecord(record, deps);
    const id = `${check.ref.bucket}\0${check.ref.key}`;
    const run = (sameObject.get(id) ?? Promise.resolve()).then(() => deliverRecord(record, deps));
    sameObject.set(id, run);
    return run;
  });
  const failed = outcomes.filter(
    (o): o is Extract<Outcome, { outcome: 'failed' }> => o.outcome === 'failed',
  );
  if (failed.length > 0) {
    const shown = failed
      .slice(0, THROWN_FAILURES)
      .map((f) => f.error.message.slice(0, THROWN_MESSAGE_CHARS));
    if (failed.length > shown.length) shown.push(`+${failed.length - shown.length} more`);
    const error = new DeliveryFailedError(
      deps.log.redact(
        `${failed.length} of ${outcomes.length} record(s) failed; the event will be retried: ${shown.join('; ')}`,
      ),
    );
    // The runtime logs the stack too (a short secret could match a frame's path).
    error.stack = deps.log.redact(error.stack ?? '');
    throw error;
  }
  return outcomes;
}

export async function deliverRecord(record: unknown, deps: DeliverDeps): Promise<Outcome> {
  const started = Date.now();
  try {
    return await deliverChecked(record, deps, started);
  } catch (err) {
    // A bug of ours, never a raw crash: logged, counted, retried.
    return outcomeLogger(
      deps,
      { ...recordFields(record) },
      started,
    )({ outcome: 'failed', error: err instanceof Error ? err : new Error(String(err)) });
  }
}

/** Logs and counts an outcome (one JSON line, one EMF record), and returns it. */
function outcomeLogger(
  deps: DeliverDeps,
  fields: Record<string, unknown>,
  started: number,
): (o: Outcome) => Outcome {
  return (o: Outcome): Outcome => {
    const duration = Date.now() - started;
    if (o.outcome === 'failed') {
      deps.log.log('error', 'delivery failed; the event will be retried', {
        ...fields,
        destination: o.destination,
        outcome: 'failed',
        durationMs: duration,
        error: o.error.message,
        errorKind: (o.error as { kind?: string }).kind ?? o.error.name,
      });
    } else if (o.outcome === 'rejected') {
      deps.log.log('warn', `file rejected: ${o.reason}`, {
        ...fields,
        destination: o.destination,
        outcome: 'rejected',
        reason: o.code,
        durationMs: duration,
        error: o.detail,
      });
    } else if (o.outcome === 'delivered') {
      deps.log.log('info', 'file delivered', {
        ...fields,
        destination: o.destination,
        outcome: o.outcome,
        remotePath: o.remotePath,
        bytes: o.bytes,
        publish: o.published,
        staleParts: o.staleRemoved || undefined,
        hostKey: o.hostKey,
        pinExpires: o.pinExpires,
        channels: o.channels,
        connections: o.connections && o.connections > 1 ? o.connections : undefined,
        fallback: o.fallback,
        durationMs: duration,
      });
    } else {
      deps.log.log(
        'info',
        o.identicalOnRemote
          ? 'the remote already holds this exact file under its name (tag lost or a concurrent attempt); kept'
          : 'already on the remote (tagged delivered or duplicate); not sent again',
        {
          ...fields,
          destination: o.destination,
          outcome: o.outcome,
          remotePath: o.remotePath,
          durationMs: duration,
        },
      );
    }
    deps.log.metrics(
      {
        Delivered: o.outcome === 'delivered' ? 1 : 0,
        Rejected: o.outcome === 'rejected' ? 1 : 0,
        Failed: o.outcome === 'failed' ? 1 : 0,
        Duplicate: o.outcome === 'duplicate' ? 1 : 0,
        Bytes: o.outcome === 'delivered' ? o.bytes : 0,
      },
      deps.dimensions,
    );
    return o;
  };
}

async function deliverChecked(
  record: unknown,
  deps: DeliverDeps,
  started: number,
): Promise<Outcome> {
  const now = deps.now ?? (() => new Date());
  const check = checkRecord(record);
  const fields: Record<string, unknown> = check.ok ? { ...check.ref } : { ...recordFields(record) };
  const finish = outcomeLogger(deps, fields, started);
  // Not tagged: the record names no object we could address (tagging with an
  // empty key would address the bucket itself).
  if (!check.ok) return finish({ outcome: 'rejected', code: check.code, reason: check.reason });
  const { ref } = check;

  const fate = fateRecorder({ objects: deps.objects, ref, log: deps.log, now, fields });

  const reject = async (
    code: string,
    reason: string,
    existing: Record<string, string>,
    destination?: string,
    detail?: string,
  ): Promise<Outcome> => {
    await fate.write({ status: 'rejected', code, reason }, existing);
    return finish({ outcome: 'rejected', code, reason, destination, file: undefined, detail });
  };

  // The version was deleted (or never existed) before it could be read: not
  // tagged, as there is nothing left to tag.
  const gone = (destination?: string): Outcome =>
    finish({
      outcome: 'rejected',
      code: 'gone',
      reason: 'the object (version) no longer exists',
      destination,
    });

  // Re-reads the tags before writing: see record-fate.ts for the race left.
  const fail = async (error: Error, destination: string, file: string): Promise<Outcome> => {
    await fate.writeUnlessOnRemote({ status: 'failed', error: error.message });
    return finish({ outcome: 'failed', error, destination, file });
  };

  // The object is opened now, beside the reads of its tags and destination,
  // so S3's first byte arrives while they answer. A version not sent (a
  // duplicate, a refused name, a failure before the push) costs only the
  // request: its body is closed unread.
  const opening = parseStagingKey(ref.key).ok ? deps.objects.open(ref) : undefined;
  opening?.catch(() => {}); // its error is reported where it is awaited, if it is
  let handedOver = false;
  try {
    return await deliverOpened();
  } finally {
    if (!handedOver)
      opening?.then(
        (o) => o.body.destroy(),
        () => {},
      );
  }

  async function deliverOpened(): Promise<Outcome> {
    // Not tagged when the tags cannot be read: the object's own tags would be lost.
    let existing: Record<string, string>;
    try {
      existing = await deps.objects.tags(ref);
    } catch (err) {
      if (err instanceof ObjectGoneError) return gone();
      return finish({ outcome: 'failed', error: err as Error });
    }

    const parsed = parseStagingKey(ref.key);
    if (!parsed.ok) return reject(parsed.code, parsed.reason, existing);
    const { destination, file } = parsed;
    fields.destination = destination;

    // Already on the remote (delivered, or found there): nothing sent, and the
    // tags keep the version's fate as it was recorded.
    if (onRemote(existing)) return finish({ outcome: 'duplicate', destination, file });

    const secretName = destinationSecretName(deps.secretPrefix, destination);
    let target;
    try {
      target = await deps.destinations.get(secretName);
    } catch (err) {
      if (err instanceof DestinationError) {
        deps.log.addSecrets(err.secrets);
        if (err.patternInvalid) {
          return reject(
            'invalid-pattern',
            `the FilePattern of destination ${destination} is not a valid RE2 pattern: no file can be checked against it (fix the destination, then stage the file again)`,
            existing,
            destination,
            err.message,
          );
        }
      }
      return fail(err as Error, destination, file);
    }
    deps.log.addSecrets(target.secrets);

    if (!target.filePattern.matches(file)) {
      return reject(
        'pattern-mismatch',
        `file name does not match the FilePattern of destination ${destination}`,
        existing,
        destination,
      );
    }

    try {
      const object = await opening!;
      handedOver = true; // push() closes it, whatever happens
      const deliveryId = createHash('sha256')
        .update(`${ref.bucket}\0${ref.key}\0${ref.versionId ?? ''}`)
        .digest('hex')
        .slice(0, 16);
      const result = await deps.push({
        target,
        fileName: file,
        body: object.body,
        openRange: object.openRange,
        size: object.size,
        deadline: deps.deadline,
        deliveryId,
        now: now(),
      });
      const { remotePath } = result;
      if (result.published === 'identical') {
        // A concurrent attempt's `delivered` stays (re-read first).
        await fate.writeUnlessOnRemote({ status: 'duplicate', remotePath });
        return finish({
          outcome: 'duplicate',
          destination,
          file,
          remotePath,
          identicalOnRemote: true,
        });
      }
      // Over the tags read at the start: a `failed` of an earlier attempt goes.
      await fate.write({ status: 'delivered', remotePath }, existing);
      return finish({
        outcome: 'delivered',
        destination,
        file,
        remotePath,
        bytes: result.bytes,
        published: result.published,
        staleRemoved: result.staleRemoved,
        hostKey: `${result.hostKey.type} ${result.hostKey.fingerprint}`,
        pinExpires: result.hostKey.expires,
        channels: result.channels,
        connections: result.connections,
        fallback: result.fallback,
      });
    } catch (err) {
      if (err instanceof ObjectGoneError) return gone(destination);
      if (err instanceof PushError && err.kind === 'exists')
        return reject('exists', err.message, existing, destination);
      return fail(err as Error, destination, file);
    }
  }
}
