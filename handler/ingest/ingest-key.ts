// Where a completed upload lands: <prefix><user>/<yyyy-mm-dd>/<upload-id>/<file>.
//
// Every upload gets a key of its own, so a partner that sends orders.csv
// twice a day has both loaded: Snowpipe skips a path it loaded in the last
// 14 days even when the object changed (Snowflake's "Troubleshooting
// Snowpipe", Unable to reload modified data; docs/snowflake.md). The key is
// derived only from the upload itself, never from the clock or a counter, so a
// retried invocation or a duplicated event writes the SAME key and Snowpipe
// loads it once:
//   user       Transfer Family's user name (the event's transferDetails.userName):
//              Snowflake stages read ingest/<user>/;
//   yyyy-mm-dd the UTC date of the uploaded version (its LastModified), not
//              "now": a retry after midnight lands where the first try did;
//   upload-id  the uploaded version's S3 version id (the gateway bucket is
//              versioned), or the workflow execution id when the event names
//              no version (an unversioned bucket);
//   file       the base name of the uploaded key, without WinSCP's temporary
//              suffix `.filepart`: Transfer Family runs OnUpload for the name
//              the upload closed under, and the rename that follows is no
//              upload, so the final name would never reach ingest/.

// The file name and date rules live in shared/ingest-names.ts, where
// `sftpgw uploads` reads them too (the CLI package ships dist/shared, not
// this folder).
import { FILEPART_SUFFIX, ingestFileName, utcDate } from '../../shared/ingest-names.js';

export { FILEPART_SUFFIX, ingestFileName, utcDate };

export type KeyParts =
  | { ok: true; rest: string; user: string; date: string; uploadId: string; file: string }
  | { ok: false; reason: string };

// Transfer Family user names: 3–100 of [\w@.-], not starting with - (API
// CreateUser); checked loosely here (no slash, no control, not . or ..), so a
// name the service accepts is never refused, and nothing can add a level.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the controls is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The upload id as one key segment. Version ids S3 issues today are
 * [A-Za-z0-9._-]; older ones may hold `/` and `+`, and a `/` would add a level
 * to the layout: anything outside that set is %-escaped (an injective mapping,
 * so two versions never share a segment).
 */
export function uploadIdSegment(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, (c) =>
    // encodeURIComponent leaves !'()*~ alone; escape them too.
    encodeURIComponent(c).replace(
      /[!'()*~]/g,
      (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`,
    ),
  );
}

/** S3's "no version" markers: absent, empty, or the literal "null" of unversioned objects. */
export function realVersionId(v: string | null | undefined): string | undefined {
  return v && v !== 'null' ? v : undefined;
}

/** The part of the key after the prefix: <user>/<yyyy-mm-dd>/<upload-id>/<file>. */
export function ingestKeyParts(input: {
  user: string;
  lastModified: Date;
  versionId?: string | null;
  executionId: string;
  sourceKey: string;
}): KeyParts {
  const { user, lastModified, executionId, sourceKey } = input;
  if (user === '' || user === '.' || user === '..' || user.includes('/') || CONTROL.test(user))
    return { ok: false, reason: `user name "${user}" cannot be a key segment` };
  if (Number.isNaN(lastModified.getTime()))
    return { ok: false, reason: 'the uploaded object has no valid LastModified date' };
  if (sourceKey.endsWith('/'))
    return { ok: false, reason: `uploaded key ${sourceKey} is a folder marker, not a file` };
  const file = ingestFileName(sourceKey);
  if (file === '' || file === '.' || file === '..')
    return { ok: false, reason: `uploaded key ${sourceKey} has no file name` };
  const id = realVersionId(input.versionId) ?? executionId;
  if (id === '') return { ok: false, reason: 'neither a version id nor an execution id' };
  const uploadId = uploadIdSegment(id);
  const date = utcDate(lastModified);
  return { ok: true, rest: `${user}/${date}/${uploadId}/${file}`, user, date, uploadId, file };
}
