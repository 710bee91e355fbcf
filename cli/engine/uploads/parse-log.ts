// One line of the Transfer Family server's JSON structured log, typed.
//
// The format, as AWS documents it:
//   fields  https://docs.aws.amazon.com/transfer/latest/userguide/cw-structure-logs.html
//   example https://docs.aws.amazon.com/transfer/latest/userguide/cw-example-logs.html
// A session's entries share `session-id`. The address the client came from
// (`source-ip`), its software (`client`) and the user name (`user`) are on
// the CONNECTED entry only; a file's entries (OPEN, CLOSE, PARTIAL_CLOSE)
// carry `path` (the bucket path, `/<bucket>/<key>`) and, on closing,
// `bytes-in` (uploaded) or `bytes-out` (downloaded), written as a string of
// digits in AWS's example ("bytes-in": "121"). PARTIAL_CLOSE is a file still
// open when the session ended: Transfer Family kept what arrived, and runs
// no OnUpload workflow for it (docs/downstream.md).
//
// Parsing tolerates fields it does not know (AWS adds fields: ciphers, kex,
// ssh-public-key-fingerprint, …) and activity types it does not know (the
// list grows: CONNECTION_REJECTED, TLS_RESUME_FAILURE, …): those are
// `other`. It refuses nothing silently: a line that is not a JSON object, or
// a CONNECTED/CLOSE/PARTIAL_CLOSE entry without the fields this command
// needs, is `unreadable` with the reason, and the caller counts and reports it.

/** The activity types this command reads; every other one is `other`. */
export const ACTIVITY = {
  connected: 'CONNECTED',
  close: 'CLOSE',
  partialClose: 'PARTIAL_CLOSE',
} as const;

export interface ConnectedEntry {
  kind: 'connected';
  time: Date;
  sessionId: string;
  user: string;
  /** `source-ip`: absent in the entry → undefined. */
  sourceIp?: string;
  /** `client`: the client's SSH version string. */
  client?: string;
  /** `resource-arn`: the server. */
  serverArn?: string;
}

export interface CloseEntry {
  kind: 'close';
  /** CLOSE: the client closed the file; PARTIAL_CLOSE: the session ended with it open. */
  complete: boolean;
  time: Date;
  sessionId: string;
  path: string;
  bytesIn?: number;
  bytesOut?: number;
  /** Not in AWS's example of a CLOSE entry; used when present. */
  user?: string;
  serverArn?: string;
}

export interface OtherEntry {
  kind: 'other';
  activity: string;
  sessionId?: string;
}

export type ServerLogEntry = ConnectedEntry | CloseEntry | OtherEntry;

export type ParsedLine = { ok: true; entry: ServerLogEntry } | { ok: false; reason: string };

/** A field that must be a non-empty string when present. */
function text(o: Record<string, unknown>, key: string): string | undefined | Error {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') return new Error(`"${key}" is not a non-empty string`);
  return v;
}

/** A byte count: a whole number ≥ 0, as a JSON number or a string of digits (AWS's example). */
function count(o: Record<string, unknown>, key: string): number | undefined | Error {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  return new Error(`"${key}" is not a byte count (${JSON.stringify(v)})`);
}

/**
 * One log event: its message (the JSON entry) and its CloudWatch timestamp
 * (milliseconds since the epoch; the entry itself carries no time).
 */
export function parseLogLine(message: string, timestamp: number): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  const o = value as Record<string, unknown>;
  const activity = o['activity-type'];
  if (typeof activity !== 'string' || activity === '')
    return { ok: false, reason: 'no "activity-type"' };
  const session = text(o, 'session-id');
  const serverArn = text(o, 'resource-arn');
  const time = new Date(timestamp);
  const known =
    activity === ACTIVITY.connected ||
    activity === ACTIVITY.close ||
    activity === ACTIVITY.partialClose;
  if (!known)
    return {
      ok: true,
      entry: {
        kind: 'other',
        activity,
        ...(typeof session === 'string' ? { sessionId: session } : {}),
      },
    };
  if (Number.isNaN(time.getTime())) return { ok: false, reason: `${activity} without a time` };
  const problems: string[] = [];
  const need = <T>(v: T | undefined | Error, what: string): T | undefined => {
    if (v instanceof Error) problems.push(v.message);
    else if (v === undefined) problems.push(`no "${what}"`);
    else return v;
    return undefined;
  };
  const may = <T>(v: T | undefined | Error): T | undefined => {
    if (v instanceof Error) problems.push(v.message);
    else return v;
    return undefined;
  };
  const sessionId = need(session, 'session-id');
  const arn = may(serverArn);
  if (activity === ACTIVITY.connected) {
    const user = need(text(o, 'user'), 'user');
    const sourceIp = may(text(o, 'source-ip'));
    const client = may(text(o, 'client'));
    if (problems.length > 0 || !sessionId || !user)
      return { ok: false, reason: `${activity}: ${problems.join(', ')}` };
    return {
      ok: true,
      entry: {
        kind: 'connected',
        time,
        sessionId,
        user,
        ...(sourceIp ? { sourceIp } : {}),
        ...(client ? { client } : {}),
        ...(arn ? { serverArn: arn } : {}),
      },
    };
  }
  const path = need(text(o, 'path'), 'path');
  const bytesIn = may(count(o, 'bytes-in'));
  const bytesOut = may(count(o, 'bytes-out'));
  const user = may(text(o, 'user'));
  if (problems.length > 0 || !sessionId || !path)
    return { ok: false, reason: `${activity}: ${problems.join(', ')}` };
  return {
    ok: true,
    entry: {
      kind: 'close',
      complete: activity === ACTIVITY.close,
      time,
      sessionId,
      path,
      ...(bytesIn !== undefined ? { bytesIn } : {}),
      ...(bytesOut !== undefined ? { bytesOut } : {}),
      ...(user ? { user } : {}),
      ...(arn ? { serverArn: arn } : {}),
    },
  };
}

/**
 * Whether a closed file was an upload: it has `bytes-in`, and is not a
 * download (bytes out, none in). A CLOSE without `bytes-in` says nothing
 * about an upload (a download, or a file opened and closed unread).
 */
export function isUpload(e: CloseEntry): boolean {
  if (e.bytesIn === undefined) return false;
  return !(e.bytesIn === 0 && (e.bytesOut ?? 0) > 0);
}
