// A staged object's fate, recorded where the object is: in tags on the very
// object version the push function handled. Written by the function
// (handler/deliver.ts), read by `sftpgw outbound status`, cleared by
// `sftpgw outbound redeliver`; this file is the one definition all three use.
//
// Why tags on the version, and not a table or a queue: the fate belongs to
// one version of one key and nothing else; a tag lives and expires with it
// (the staging bucket's lifecycle rule), costs no extra resource to
// provision, secure and keep consistent, and a re-staged version starts
// with none. The failure queue cannot be read without hiding its messages,
// and log lines expire with the log group and need a query per question.
// What tags cannot do is be listed (ListObjectsV2 returns none): status
// reads one GetObjectTagging per object, after narrowing by prefix
// (destination) and LastModified (--since), a page at a time. The function's
// log lines keep every attempt in full; the tags keep the last word.
//
// Budget: an object holds at most 10 tags, shared with the users' own, so
// the fate takes three (status, time, detail) and merging never drops a
// user's tag to make room unless all ten are taken (ours win then: they are
// what operators and retries read).
// Values may hold only letters, digits, spaces and _ . : / = + - @, at most
// 256 characters (S3Tag's pattern:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3Tag.html):
// detail is made to fit, lossy; the log line keeps the exact text.

export const FATE_TAG = {
  status: 'sftpgw:status',
  time: 'sftpgw:time',
  detail: 'sftpgw:detail',
} as const;

/** Tags an older function wrote (before detail): read, and removed when the fate is rewritten. */
export const LEGACY_FATE_TAGS = ['sftpgw:destination', 'sftpgw:reason'] as const;

export const MAX_OBJECT_TAGS = 10;
export const MAX_TAG_VALUE = 256;

export const FATE_STATUSES = ['delivered', 'duplicate', 'rejected', 'failed', 'pending'] as const;
export type FateStatus = (typeof FATE_STATUSES)[number];

/**
 * What happened to one staged object version, as far as its tags say.
 *   delivered  on the remote under remotePath (this attempt sent it)
 *   duplicate  the remote already held this exact file under remotePath; nothing sent
 *   rejected   final: code (e.g. pattern-mismatch) and a reason; never retried by itself
 *   failed     the last attempt failed with error; Lambda retries, then the failure queue
 *   pending    no outcome recorded yet (in flight, not yet run, or the tag write failed)
 */
export type Fate =
  | { status: 'delivered'; at?: Date; remotePath?: string }
  | { status: 'duplicate'; at?: Date; remotePath?: string }
  | { status: 'rejected'; at?: Date; code: string; reason?: string }
  | { status: 'failed'; at?: Date; error?: string }
  | { status: 'pending' };

const NOT_TAG_SAFE = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

/**
 * Text made into a valid tag value: other characters become '_'; a text
 * longer than 256 is cut and ends in '...' (allowed, unlike '…', so a cut
 * reads as one). Length is counted in UTF-16 code units, as S3 stores tags
 * ("internally represented in UTF-16"), so a character outside the BMP
 * counts twice and the value is never too long however S3 counts.
 */
export function tagSafe(text: string, max = MAX_TAG_VALUE): string {
  const safe = text.replace(NOT_TAG_SAFE, '_');
  if (safe.length <= max) return safe;
  let out = '';
  for (const ch of safe) {
    if (out.length + ch.length > max - 3) break;
    out += ch;
  }
  return `${out}...`;
}

/** The three fate tags of an outcome (values tag-safe). */
export function fateTags(
  fate: Exclude<Fate, { status: 'pending' }>,
  at: Date,
): Record<string, string> {
  let detail: string | undefined;
  if (fate.status === 'delivered' || fate.status === 'duplicate') detail = fate.remotePath;
  else if (fate.status === 'rejected')
    detail = fate.reason ? `${fate.code}: ${fate.reason}` : fate.code;
  else detail = fate.error;
  const tags: Record<string, string> = {
    [FATE_TAG.status]: fate.status,
    [FATE_TAG.time]: at.toISOString(),
  };
  if (detail) tags[FATE_TAG.detail] = tagSafe(detail);
  return tags;
}

/** The object's tags without any of ours (fate and legacy): what a re-staged version keeps. */
export function withoutFate(tags: Record<string, string>): Record<string, string> {
  const ours = new Set<string>([...Object.values(FATE_TAG), ...LEGACY_FATE_TAGS]);
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !ours.has(k)));
}

/** Our fate tags over the object's own, within the limit of 10: ours win, older fate tags go. */
export function withFate(
  existing: Record<string, string>,
  fate: Record<string, string>,
): Record<string, string> {
  const merged: Record<string, string> = { ...fate };
  for (const [k, v] of Object.entries(withoutFate(existing))) {
    if (Object.keys(merged).length >= MAX_OBJECT_TAGS) break;
    merged[k] = v;
  }
  return merged;
}

function timeOf(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The fate an object's tags record; pending when they record none (or one we do not know). */
export function fateOf(tags: Record<string, string>): Fate {
  const status = tags[FATE_TAG.status];
  const at = timeOf(tags[FATE_TAG.time]);
  const detail = tags[FATE_TAG.detail];
  switch (status) {
    case 'delivered':
    case 'duplicate':
      return { status, at, remotePath: detail };
    case 'rejected': {
      // detail is "<code>: <reason>"; an older function wrote only sftpgw:reason = <code>.
      if (detail === undefined) return { status, at, code: tags['sftpgw:reason'] ?? 'unknown' };
      const i = detail.indexOf(': ');
      return i < 0
        ? { status, at, code: detail }
        : { status, at, code: detail.slice(0, i), reason: detail.slice(i + 2) };
    }
    case 'failed':
      return { status, at, error: detail };
    default:
      return { status: 'pending' };
  }
}

/**
 * User metadata `sftpgw outbound redeliver` sets on the version it re-stages
 * (S3 copies an object onto itself only when something changes; the metadata
 * names the run, so a second run can tell its own copies).
 */
export const REDELIVERY_METADATA = 'sftpgw-redelivery';
