// The invocation's event and its records, checked before anything is used:
// the function is invoked by S3, but also by hand, by a replay from the
// failure queue, or with a test event, and nothing in it may turn into a raw
// TypeError (no log line, no metric, retried forever) or into an S3 request
// other than the one for the object the record names. An empty object key,
// for one, would turn GetObjectTagging/PutObjectTagging into the BUCKET's
// `?tagging` request, and a rejection would overwrite the bucket's own tags.
//
// A record that can never be delivered (wrong shape, no bucket, no key, a key
// S3 cannot have) is rejected — logged, counted, never retried — and the
// other records of the event are still processed.
import type { ObjectRef } from './ports.js';
import { decodeEventKey } from '../shared/destination/staging-key.js';

export type EventRecords =
  | { ok: true; records: unknown[]; note?: string }
  | { ok: false; reason: string };

export type RecordCheck =
  | { ok: true; ref: ObjectRef }
  | { ok: false; code: 'malformed-record' | 'not-object-created' | 'layout'; reason: string };

/** What a rejected record said, for the log line (strings only; the logger bounds their length). */
export interface RecordFields {
  bucket?: string;
  key?: string;
  versionId?: string;
}

// S3: keys are at most 1,024 bytes of UTF-8; bucket names at most 63
// characters today, 255 for some legacy us-east-1 buckets.
const MAX_KEY_BYTES = 1024;
const BUCKET_NAME = /^[A-Za-z0-9._-]{1,255}$/;
// Version ids S3 issues are 32 characters; leave room, refuse absurd ones.
const MAX_VERSION_ID = 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function eventRecords(event: unknown): EventRecords {
  if (!isObject(event))
    return { ok: false, reason: 'the event is not an S3 event (not a JSON object)' };
  // S3 sends this once when a notification is configured: nothing to deliver.
  if (event.Records === undefined && event.Event === 's3:TestEvent')
    return { ok: true, records: [], note: 'S3 test event; nothing to deliver' };
  if (event.Records === undefined) return { ok: false, reason: 'the event has no Records' };
  if (!Array.isArray(event.Records))
    return { ok: false, reason: "the event's Records is not a list" };
  return { ok: true, records: event.Records };
}

export function recordFields(record: unknown): RecordFields {
  if (!isObject(record) || !isObject(record.s3)) return {};
  const s3 = record.s3;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    bucket: isObject(s3.bucket) ? str(s3.bucket.name) : undefined,
    key: isObject(s3.object) ? str(s3.object.key) : undefined,
    versionId: isObject(s3.object) ? str(s3.object.versionId) : undefined,
  };
}

const malformed = (reason: string): RecordCheck => ({
  ok: false,
  code: 'malformed-record',
  reason,
});

export function checkRecord(record: unknown): RecordCheck {
  if (!isObject(record)) return malformed('the record is not a JSON object');
  const { eventName } = record;
  if (typeof eventName !== 'string') return malformed('the record has no eventName string');
  if (!eventName.startsWith('ObjectCreated:')) {
    const shown = eventName.length > 64 ? `${eventName.slice(0, 64)}…` : eventName;
    return {
      ok: false,
      code: 'not-object-created',
      reason: `event ${shown || '(empty)'} is not an ObjectCreated event`,
    };
  }
  const s3 = record.s3;
  if (!isObject(s3) || !isObject(s3.bucket) || !isObject(s3.object))
    return malformed('the record has no s3.bucket or s3.object');
  const bucket = s3.bucket.name;
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket))
    return malformed("the record's bucket name is missing, empty or not a bucket name");
  const rawKey = s3.object.key;
  if (typeof rawKey !== 'string' || rawKey === '')
    return malformed("the record's object key is missing or empty");
  const versionId = s3.object.versionId;
  if (
    versionId !== undefined &&
    versionId !== null &&
    (typeof versionId !== 'string' || versionId.length > MAX_VERSION_ID)
  ) {
    return malformed("the record's versionId is not a version id string");
  }
  // A %-escaped byte takes 3 characters: anything longer cannot be an S3 key (checked before decoding it).
  if (rawKey.length > 3 * MAX_KEY_BYTES)
    return malformed(`the record's object key is longer than S3's ${MAX_KEY_BYTES} bytes`);
  const key = decodeEventKey(rawKey);
  if (key === undefined)
    return {
      ok: false,
      code: 'layout',
      reason: 'object key in the event is not valid URL encoding',
    };
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    return malformed(`the record's object key is longer than S3's ${MAX_KEY_BYTES} bytes`);
  return { ok: true, ref: { bucket, key, versionId: versionId || undefined } };
}
