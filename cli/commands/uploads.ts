// sftpgw uploads: flags → listUploads (cli/engine/uploads/) → a table, or one
// JSON document. What could not be read or checked goes to stderr as
// warnings; the result to stdout.
import { cloudFormationClient, cloudWatchLogsClient, s3Client } from '../adapters/aws/clients.js';
import { sdkObjectLister } from '../adapters/aws/ingest-listing.js';
import { sdkServerLogs } from '../adapters/aws/server-logs.js';
import { sdkStackResources } from '../adapters/aws/stack-resources.js';
import { loadConfig } from '../engine/config/load.js';
import { listUploads, type UploadsResult } from '../engine/uploads/uploads.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Since, sinceTime } from '../flag-values.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter } from '../output.js';
import { uploadsDocument } from '../output-schemas/uploads.js';
import { formatTable } from '../table-text.js';
import { nodeVersionNote } from './aws-context.js';
import { configOptions } from './source-flags.js';

interface UploadsFlags extends CommonFlags {
  region?: string;
  stackName?: string;
  user?: string;
  since: Since;
  output?: 'text' | 'json';
}

/** --since when not given: the last day. */
export const DEFAULT_SINCE: Since = { ms: 86_400_000 };

const utc = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** The path as logged is /<bucket>/<key>: the key is what a person knows. */
const keyOf = (path: string) => path.replace(/^\/[^/]+\//, '');

const INGEST_TEXT = { reached: 'reached', 'not-yet': 'not yet', never: '-', unknown: 'unknown' };

function table(r: UploadsResult): string {
  const header = ['TIME', 'USER', 'FILE', 'BYTES', 'FROM', 'RESULT'];
  if (r.downstream) header.push('INGEST');
  return formatTable(
    header,
    r.uploads.map((u) => {
      const row = [
        utc(u.time),
        u.user ?? '?',
        keyOf(u.path),
        u.bytes === undefined ? '?' : String(u.bytes),
        u.sourceIp ?? '?',
        u.complete ? 'complete' : 'partial',
      ];
      if (r.downstream) row.push(u.ingest ? INGEST_TEXT[u.ingest.state] : '?');
      return row;
    }),
  );
}

function window(r: UploadsResult): string {
  return `${r.logGroup} from ${utc(r.since)} to ${utc(r.until)}${r.user !== undefined ? ` for user ${r.user}` : ''}`;
}

export async function run(flags: UploadsFlags): Promise<ExitCode> {
  const json = flags.output === 'json';
  const reporter = consoleReporter({ ...flags, quiet: json });
  const loaded = await loadConfig(configOptions(flags), reporter);
  const stackName = flags.stackName ?? loaded.stackName;
  nodeVersionNote(reporter);
  const region = flags.region ?? loaded.region ?? undefined;
  const settings = { region, reporter };
  const until = new Date();
  const result = await listUploads(
    {
      stackName,
      since: sinceTime(flags.since ?? DEFAULT_SINCE, until),
      until,
      ...(flags.user !== undefined ? { user: flags.user } : {}),
      downstream: loaded.downstream !== null,
      retentionDays: loaded.logs.retentionDays,
    },
    {
      stack: sdkStackResources(cloudFormationClient(settings)),
      logs: sdkServerLogs(await cloudWatchLogsClient(settings)),
      objects: sdkObjectLister(s3Client(settings)),
    },
  );
  if (result.unreadable > 0)
    reporter.warn(
      `${result.unreadable} log line(s) of ${result.logGroup} could not be read as Transfer Family entries and were left out (${result.unreadableReasons.join('; ')})`,
    );
  if (result.withoutConnection > 0)
    reporter.warn(
      `${result.withoutConnection} upload(s) with no CONNECTED entry for their session (not in the log, or more than a day before the window): user and address unknown`,
    );
  if (result.unknownUserLeftOut > 0)
    reporter.warn(
      `${result.unknownUserLeftOut} upload(s) of an unknown user left out by --user ${result.user}`,
    );
  if (result.beforeRetention)
    reporter.warn(
      `the log group keeps ${result.retentionDays} days (logs.retentionDays): nothing older than that can be listed`,
    );
  if (result.ingestFailure)
    reporter.warn(
      `could not list ingest/ in the gateway bucket (${result.ingestFailure}): INGEST is unknown; it needs s3:ListBucket on the gateway bucket`,
    );
  if (json) {
    process.stdout.write(JSON.stringify(uploadsDocument(result), null, 2) + '\n');
    return EXIT.ok;
  }
  if (result.uploads.length === 0) {
    process.stdout.write(`no uploads in ${window(result)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(table(result));
  reporter.progress(`${result.uploads.length} upload(s) in ${window(result)}`);
  return EXIT.ok;
}
