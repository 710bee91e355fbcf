// The Transfer Family server's structured log group, read with CloudWatch
// Logs FilterLogEvents (sftpgw uploads; the engine: cli/engine/uploads/).
//
// FilterLogEvents, not Logs Insights: it pages with nextToken through every
// matching event of a time range, with no cap on the total, and returns
// each event as written (the JSON line and its timestamp), which the
// engine parses itself. A Logs Insights query's results are capped (pages of
// at most 10,000 rows, at most 100,000 in all:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html),
// so a busy month would need the window split, and it runs asynchronously
// (StartQuery, then polling GetQueryResults). FilterLogEvents scans the
// range's events server-side; the filter pattern (uploads.ts) keeps what
// comes back to the entries this command reads.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
import {
  type CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogLine } from '../../engine/uploads/join.js';

export interface ServerLogQuery {
  logGroup: string;
  /** Milliseconds since the epoch, inclusive. */
  start: number;
  end: number;
  /** A CloudWatch Logs filter pattern; the server narrows by it, the caller checks every line again. */
  filterPattern: string;
}

export interface ServerLogReader {
  /**
   * Every event of the query, page after page, to onLine. False when the
   * log group does not exist.
   */
  read(query: ServerLogQuery, onLine: (line: LogLine) => void): Promise<boolean>;
}

const missing = (err: unknown) => (err as { name?: string }).name === 'ResourceNotFoundException';

export function sdkServerLogs(client: CloudWatchLogsClient): ServerLogReader {
  return {
    async read(query, onLine) {
      let nextToken: string | undefined;
      do {
        let out: FilterLogEventsCommandOutput;
        try {
          out = await client.send(
            new FilterLogEventsCommand({
              logGroupName: query.logGroup,
              startTime: query.start,
              endTime: query.end,
              filterPattern: query.filterPattern,
              nextToken,
            }),
          );
        } catch (err) {
          if (missing(err)) return false;
          throw err;
        }
        for (const e of out.events ?? [])
          if (e.message !== undefined && e.timestamp !== undefined)
            onLine({ message: e.message, timestamp: e.timestamp });
        nextToken = out.nextToken;
      } while (nextToken);
      return true;
    },
  };
}
