// One S3 event → one outcome per record. Records are independent: a bad one
// does not stop the others. Outcomes:
//   delivered  file on the remote under its final name; object tagged
//   duplicate  this object version was delivered before (events arrive at least
//              once): the tag says so and nothing is sent, or — the tag lost — the
//              remote already holds this exact file under its name (then tagged)
//   rejected   layout, unsafe name, pattern mismatch, object gone, a different
//              file under the final name with Overwrite "never": final, never retried
//   failed     anything a retry may fix (server, auth, host key, secret, I/O)
// handleEvent throws when any record failed, so Lambda retries the event and
// finally sends it to the on-failure destination; delivered records are then
// recognised as duplicates and not sent twice.
//
// The tag is a record, not a lock: `delivered` is written after the file is
// under its final name, so it may be missing (the write failed, the function
// died in between) but is never early. Attempts therefore never rely on its
// absence: the remote side is safe on its own against concurrent and repeated
// attempts (the delivery protocol, sftp-push.ts).
import { createHash } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';
import type { DestinationCache } from './destinations.js';
import type { Logger } from './log.js';
import { ObjectGoneError, type ObjectRef, type ObjectStore, type Pusher } from './ports.js';
import { PushError } from './push-error.js';
import { decodeEventKey, parseStagingKey } from './staging-key.js';

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
  now?: () => Date;
}

export type Outcome =
  | { outcome: 'delivered'; destination: string; file: string; bytes: number; published?: string; staleRemoved?: number }
  | { outcome: 'duplicate'; destination: string; file: string; identicalOnRemote?: boolean }
  | { outcome: 'rejected'; reason: string; code: string; destination?: string; file?: string }
  | { outcome: 'failed'; error: Error; destination?: string; file?: string };

export const TAG = {
  status: 'sftpgw:status',
  time: 'sftpgw:time',
  destination: 'sftpgw:destination',
  reason: 'sftpgw:reason',
} as const;

const MAX_OBJECT_TAGS = 10;

/** Our tags merged over the object's own, within S3's limit of 10 (ours win). */
function mergeTags(existing: Record<string, string>, ours: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...ours };
  for (const [k, v] of Object.entries(existing)) {
    if (Object.keys(merged).length >= MAX_OBJECT_TAGS) break;
    if (!(k in merged)) merged[k] = v;
  }
  return merged;
}

export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

export async function handleEvent(records: readonly S3EventRecord[], deps: DeliverDeps): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  // One at a time: memory stays flat and the deadline is shared fairly.
  for (const record of records) outcomes.push(await deliverRecord(record, deps));
  const failed = outcomes.filter((o): o is Extract<Outcome, { outcome: 'failed' }> => o.outcome === 'failed');
  if (failed.length > 0) {
    throw new DeliveryFailedError(`${failed.length} of ${outcomes.length} record(s) failed; the event will be retried: ${failed.map((f) => f.error.message).join('; ')}`);
  }
  return outcomes;
}

export async function deliverRecord(record: S3EventRecord, deps: DeliverDeps): Promise<Outcome> {
  const started = Date.now();
  const now = deps.now ?? (() => new Date());
  const rawKey = record.s3?.object?.key ?? '';
  const ref: ObjectRef = { bucket: record.s3?.bucket?.name ?? '', key: decodeEventKey(rawKey) ?? rawKey, versionId: record.s3?.object?.versionId || undefined };
  const fields: Record<string, unknown> = { bucket: ref.bucket, key: ref.key, versionId: ref.versionId };

  const finish = (o: Outcome): Outcome => {
    const duration = Date.now() - started;
    if (o.outcome === 'failed') {
      deps.log.log('error', 'delivery failed; the event will be retried', { ...fields, destination: o.destination, outcome: 'failed', durationMs: duration, error: o.error.message, errorKind: (o.error as { kind?: string }).kind ?? o.error.name });
    } else if (o.outcome === 'rejected') {
      deps.log.log('warn', `file rejected: ${o.reason}`, { ...fields, destination: o.destination, outcome: 'rejected', reason: o.code, durationMs: duration });
    } else if (o.outcome === 'delivered') {
      deps.log.log('info', 'file delivered', { ...fields, destination: o.destination, outcome: o.outcome, bytes: o.bytes, publish: o.published, staleParts: o.staleRemoved || undefined, durationMs: duration });
    } else {
      deps.log.log('info', o.identicalOnRemote ? 'the remote already holds this exact file under its name (tag lost or a concurrent attempt); kept' : 'already delivered; not sent again', { ...fields, destination: o.destination, outcome: o.outcome, durationMs: duration });
    }
    deps.log.metrics({
      Delivered: o.outcome === 'delivered' ? 1 : 0,
      Rejected: o.outcome === 'rejected' ? 1 : 0,
      Failed: o.outcome === 'failed' ? 1 : 0,
      Duplicate: o.outcome === 'duplicate' ? 1 : 0,
      Bytes: o.outcome === 'delivered' ? o.bytes : 0,
    }, deps.dimensions);
    return o;
  };

  const reject = async (code: string, reason: string, existing: Record<string, string>, destination?: string): Promise<Outcome> => {
    const tags: Record<string, string> = { [TAG.status]: 'rejected', [TAG.time]: now().toISOString(), [TAG.reason]: code };
    if (destination) tags[TAG.destination] = destination;
    await tagQuietly(mergeTags(existing, tags));
    return finish({ outcome: 'rejected', code, reason, destination, file: undefined });
  };

  // A tag is a record, not the delivery: failing to write it is logged, never
  // turned into a retry that would send a delivered file again.
  const tagQuietly = async (tags: Record<string, string>): Promise<void> => {
    try {
      await deps.objects.setTags(ref, tags);
    } catch (err) {
      deps.log.log('warn', 'could not tag the staged object', { ...fields, error: (err as Error).message });
    }
  };

  if (!record.eventName?.startsWith('ObjectCreated:')) {
    return finish({ outcome: 'rejected', code: 'not-object-created', reason: `event ${record.eventName ?? '(none)'} is not an ObjectCreated event` });
  }
  if (decodeEventKey(rawKey) === undefined) return reject('layout', 'object key in the event is not valid URL encoding', {});

  let existing: Record<string, string>;
  try {
    existing = await deps.objects.tags(ref);
  } catch (err) {
    if (err instanceof ObjectGoneError) return finish({ outcome: 'rejected', code: 'gone', reason: 'the object (version) no longer exists' });
    return finish({ outcome: 'failed', error: err as Error });
  }

  const parsed = parseStagingKey(ref.key);
  if (!parsed.ok) return reject(parsed.code, parsed.reason, existing);
  const { destination, file } = parsed;
  fields.destination = destination;

  if (existing[TAG.status] === 'delivered') return finish({ outcome: 'duplicate', destination, file });

  const secretName = `${deps.secretPrefix}/${destination}`;
  let target;
  try {
    target = await deps.destinations.get(secretName);
  } catch (err) {
    return finish({ outcome: 'failed', error: err as Error, destination, file });
  }
  deps.log.addSecrets(target.secrets);

  if (!target.filePattern.test(file)) {
    return reject('pattern-mismatch', `file name does not match the FilePattern of destination ${destination}`, existing, destination);
  }

  try {
    const object = await deps.objects.open(ref);
    const deliveryId = createHash('sha256').update(`${ref.bucket}\0${ref.key}\0${ref.versionId ?? ''}`).digest('hex').slice(0, 16);
    const result = await deps.push({ target, fileName: file, body: object.body, size: object.size, deadline: deps.deadline, deliveryId });
    await tagQuietly(mergeTags(existing, { [TAG.status]: 'delivered', [TAG.time]: now().toISOString(), [TAG.destination]: destination }));
    if (result.published === 'identical') return finish({ outcome: 'duplicate', destination, file, identicalOnRemote: true });
    return finish({ outcome: 'delivered', destination, file, bytes: result.bytes, published: result.published, staleRemoved: result.staleRemoved });
  } catch (err) {
    if (err instanceof ObjectGoneError) return finish({ outcome: 'rejected', code: 'gone', reason: 'the object (version) no longer exists', destination });
    if (err instanceof PushError && err.kind === 'exists') return reject('exists', err.message, existing, destination);
    return finish({ outcome: 'failed', error: err as Error, destination, file });
  }
}
