// sftpgw uploads: who uploaded which file, when, from where, how much,
// complete or partial, and (downstream on) whether it reached ingest/.
//
// Read from the server's structured log group (the stack's
// serverLogGroup; libsonnet/server.libsonnet StructuredLogDestinations) in
// two reads:
//  1. the window [since, now]: every CONNECTED, CLOSE and PARTIAL_CLOSE
//     entry (FilterLogEvents, filter pattern WINDOW_PATTERN);
//  2. for the sessions that closed a file in the window but connected
//     before it (a session open across `since`), their CONNECTED entries in
//     the SESSION_LOOKBACK before `since`, by session id, a batch of ids per
//     read. A session still without one after that has no user or address
//     (shown as unknown and counted).
// The filter patterns are term patterns (any of the words), not JSON
// patterns: they only narrow what CloudWatch Logs sends back, and every
// line is parsed and checked again here (parse-log.ts), so a line the
// pattern lets through that is not wanted is dropped and counted, never
// shown. Term patterns: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
// (moto 5.2.1 does not evaluate patterns that begin with `?` and returns
// every event; the same checks make the result the same.)
// --user is applied after the join: CLOSE entries carry no user name.
import type { ObjectLister } from '../../adapters/aws/ingest-listing.js';
import type { ServerLogReader } from '../../adapters/aws/server-logs.js';
import type { StackResources } from '../../adapters/aws/stack-resources.js';
import { deployedParts } from '../deployed-parts.js';
import { SftpgwError } from '../errors.js';
import { type IngestResult, ingestStates } from './ingest.js';
import { LogTally, type Upload } from './join.js';
import { ACTIVITY } from './parse-log.js';

export const WINDOW_PATTERN = `?${ACTIVITY.connected} ?${ACTIVITY.close} ?${ACTIVITY.partialClose}`;

/** How long before --since a session that closes a file in the window may have connected. */
export const SESSION_LOOKBACK_MS = 24 * 3_600_000;

/** Filter patterns may be 1,024 characters long: session ids (16 hex digits) per read. */
const IDS_PER_READ = 40;

export interface UploadsInput {
  stackName: string;
  since: Date;
  until: Date;
  /** Only this user's uploads. */
  user?: string;
  /** downstream is on (sftpgw.yaml): check ingest/. */
  downstream: boolean;
  /** logs.retentionDays: how long the log group keeps events. */
  retentionDays: number;
}

export interface UploadsDeps {
  stack: StackResources;
  logs: ServerLogReader;
  /** ListObjectsV2 of the gateway bucket (downstream on only). */
  objects: ObjectLister;
}

export interface UploadRow extends Upload {
  /** undefined when downstream is off. */
  ingest?: IngestResult;
}

export interface UploadsResult {
  stackName: string;
  logGroup: string;
  since: Date;
  until: Date;
  user?: string;
  downstream: boolean;
  retentionDays: number;
  /** --since is older than the log group keeps events. */
  beforeRetention: boolean;
  /** Oldest first. */
  uploads: UploadRow[];
  /** Log lines that are not the entries they claim to be, and a few reasons. */
  unreadable: number;
  unreadableReasons: string[];
  /** Uploads whose session's CONNECTED entry was not found (no user, no address). */
  withoutConnection: number;
  /** Uploads left out by --user because their user is not known. */
  unknownUserLeftOut: number;
  /** Set when listing ingest/ failed: those uploads are `unknown`. */
  ingestFailure?: string;
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function listUploads(input: UploadsInput, deps: UploadsDeps): Promise<UploadsResult> {
  const parts = await deployedParts(deps.stack, input.stackName);
  const logGroup = parts.require('serverLogGroup');
  const bucket = input.downstream ? parts.require('bucket') : undefined;
  const start = input.since.getTime();
  const end = input.until.getTime();
  const tally = new LogTally();
  const found = await deps.logs.read(
    { logGroup, start, end, filterPattern: WINDOW_PATTERN },
    (line) => tally.add(line),
  );
  if (!found)
    throw new SftpgwError(
      'failed',
      `log group ${logGroup} of stack ${input.stackName} does not exist`,
      {
        hint: 'the stack names a log group that is gone: deploy the gateway again (sftpgw deploy) to recreate it; uploads made meanwhile were not logged',
      },
    );
  // sessions that began before the window: their CONNECTED entries, by id
  const earlier = new LogTally();
  const missing = tally.sessionsWithoutConnection();
  for (const ids of batches(missing, IDS_PER_READ)) {
    await deps.logs.read(
      {
        logGroup,
        start: Math.max(0, start - SESSION_LOOKBACK_MS),
        end: start - 1,
        filterPattern: ids.map((id) => `?"${id}"`).join(' '),
      },
      (line) => {
        // only those sessions' CONNECTED entries; the rest of their lines are read in the window
        const wanted = ids.some((id) => line.message.includes(id));
        if (wanted && line.message.includes(ACTIVITY.connected)) tally.add(line);
        else earlier.add(line);
      },
    );
  }
  let uploads: UploadRow[] = tally.uploads();
  const withoutConnection = uploads.filter((u) => u.connectedAt === undefined).length;
  let unknownUserLeftOut = 0;
  if (input.user !== undefined) {
    unknownUserLeftOut = uploads.filter((u) => u.user === undefined).length;
    uploads = uploads.filter((u) => u.user === input.user);
  }
  let ingestFailure: string | undefined;
  if (bucket !== undefined) {
    const checked = await ingestStates(uploads, {
      list: (prefix) => deps.objects.list(bucket, prefix),
    });
    uploads = uploads.map((u, i) => ({ ...u, ingest: checked.states[i] }));
    ingestFailure = checked.failure;
  }
  return {
    stackName: input.stackName,
    logGroup,
    since: input.since,
    until: input.until,
    ...(input.user !== undefined ? { user: input.user } : {}),
    downstream: input.downstream,
    retentionDays: input.retentionDays,
    beforeRetention: end - start > input.retentionDays * 86_400_000,
    uploads,
    unreadable: tally.unreadable,
    unreadableReasons: tally.unreadableReasons,
    withoutConnection,
    unknownUserLeftOut,
    ...(ingestFailure !== undefined ? { ingestFailure } : {}),
  };
}
