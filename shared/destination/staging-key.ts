// Staging objects are `<key>/<file>`: the first segment names the destination
// secret, the rest is the file name sent to the remote. S3 event notifications
// carry the key URL-encoded with `+` for a space.

/** Destination keys: what `sftpgw destinations put KEY` accepts and a secret name segment allows. */
export const DESTINATION_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export type StagingKey =
  | { ok: true; destination: string; file: string }
  | { ok: false; code: 'layout' | 'unsafe-name'; reason: string };

/** The object key as stored, from the key in an S3 event record. */
export function decodeEventKey(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined; // malformed %-escape: not a key S3 would send
  }
}

// C0, DEL and C1 controls: they corrupt logs and confuse remote tooling.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the controls is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_FILE_BYTES = 255; // common remote file-system limit for one name

/** Splits and checks a decoded staging key; a rejection is final (a retry cannot help). */
export function parseStagingKey(key: string): StagingKey {
  const slash = key.indexOf('/');
  if (slash < 0)
    return {
      ok: false,
      code: 'layout',
      reason: 'object key has no destination segment (expected <destination>/<file>)',
    };
  const destination = key.slice(0, slash);
  const file = key.slice(slash + 1);
  if (destination === '')
    return {
      ok: false,
      code: 'layout',
      reason: 'object key starts with "/": the destination segment is empty',
    };
  if (!DESTINATION_KEY_PATTERN.test(destination)) {
    return {
      ok: false,
      code: 'layout',
      reason: `destination segment is not a destination name (${DESTINATION_KEY_PATTERN.source})`,
    };
  }
  if (file === '')
    return {
      ok: false,
      code: 'layout',
      reason: 'object key has no file name after the destination segment',
    };
  if (file.includes('/') || file.includes('\\'))
    return {
      ok: false,
      code: 'unsafe-name',
      reason: 'file name contains a path separator; files go flat into the remote directory',
    };
  if (file === '.' || file === '..' || file.includes('..'))
    return { ok: false, code: 'unsafe-name', reason: 'file name contains ".."' };
  if (CONTROL.test(file))
    return { ok: false, code: 'unsafe-name', reason: 'file name contains a control character' };
  if (Buffer.byteLength(file) > MAX_FILE_BYTES)
    return {
      ok: false,
      code: 'unsafe-name',
      reason: `file name is longer than ${MAX_FILE_BYTES} bytes`,
    };
  return { ok: true, destination, file };
}
