// `sftpgw uploads --output json`: the window searched and one entry per
// uploaded file, oldest first.
import type { UploadsResult } from '../engine/uploads/uploads.js';
import {
  array,
  boolean,
  document,
  integer,
  nullable,
  object,
  string,
  stringEnum,
} from './schema-kit.js';

export interface UploadEntry {
  time: string;
  user: string | null;
  path: string;
  file: string;
  bytes: number | null;
  sourceIp: string | null;
  client: string | null;
  result: 'complete' | 'partial';
  sessionId: string;
  connectedAt: string | null;
  ingest: 'reached' | 'not-yet' | 'never' | 'unknown' | null;
  ingestKey: string | null;
}

export interface UploadsDocument {
  stackName: string;
  logGroup: string;
  since: string;
  until: string;
  user: string | null;
  downstream: boolean;
  retentionDays: number;
  sinceBeforeRetention: boolean;
  unreadableLines: number;
  withoutConnection: number;
  uploads: UploadEntry[];
}

const iso = (d: Date) => d.toISOString();

export function uploadsDocument(r: UploadsResult): UploadsDocument {
  return {
    stackName: r.stackName,
    logGroup: r.logGroup,
    since: iso(r.since),
    until: iso(r.until),
    user: r.user ?? null,
    downstream: r.downstream,
    retentionDays: r.retentionDays,
    sinceBeforeRetention: r.beforeRetention,
    unreadableLines: r.unreadable,
    withoutConnection: r.withoutConnection,
    uploads: r.uploads.map((u) => ({
      time: iso(u.time),
      user: u.user ?? null,
      path: u.path,
      file: u.path.slice(u.path.lastIndexOf('/') + 1),
      bytes: u.bytes ?? null,
      sourceIp: u.sourceIp ?? null,
      client: u.client ?? null,
      result: u.complete ? 'complete' : 'partial',
      sessionId: u.sessionId,
      connectedAt: u.connectedAt ? iso(u.connectedAt) : null,
      ingest: u.ingest?.state ?? null,
      ingestKey: u.ingest?.key ?? null,
    })),
  };
}

const time = (what: string) => string(`${what}; ISO 8601`);

export const UPLOADS_SCHEMA = document(
  'sftpgw uploads --output json',
  "Uploads from the Transfer Family server's structured log, oldest first: CLOSE (complete) and PARTIAL_CLOSE (partial) entries joined to their session's CONNECTED entry by session-id.",
  object({
    stackName: string('the deployed gateway stack'),
    logGroup: string("the server's structured-log group that was read"),
    since: time('start of the window searched (UTC)'),
    until: time('end of the window searched (UTC): when the command ran'),
    user: nullable(string(), '--user, or null for every user'),
    downstream: boolean('downstream is on in sftpgw.yaml: `ingest` was checked'),
    retentionDays: integer('logs.retentionDays: the log group keeps events this many days'),
    sinceBeforeRetention: boolean(
      'the window starts before the oldest events the log group keeps: older uploads are gone',
    ),
    unreadableLines: integer(
      'log lines that are not the Transfer Family entries they claim to be (also said on stderr)',
    ),
    withoutConnection: integer(
      "uploads whose session's CONNECTED entry was not found: user and sourceIp null",
    ),
    uploads: array(
      object({
        time: time('when the file was closed (the log event time, UTC)'),
        user: nullable(string(), 'the SFTP user (from CONNECTED)'),
        path: string('the path as logged: /<bucket>/<key>'),
        file: string('the base name of path'),
        bytes: nullable(integer(), 'bytes-in: bytes uploaded'),
        sourceIp: nullable(string(), 'the address the client connected from (source-ip)'),
        client: nullable(string(), "the client's SSH version string"),
        result: stringEnum(
          ['complete', 'partial'],
          'complete: CLOSE; partial: PARTIAL_CLOSE (the session ended with the file open)',
        ),
        sessionId: string('session-id'),
        connectedAt: nullable(time('when the session connected')),
        ingest: nullable(
          stringEnum(['reached', 'not-yet', 'never', 'unknown']),
          'null when downstream is off; reached: copied to ingest/; not-yet: no copy (yet); never: partial uploads are not copied; unknown: not checkable (no user, or listing failed)',
        ),
        ingestKey: nullable(string(), 'the copy under ingest/, when reached'),
      }),
    ),
  }),
);
