// sftpgw outbound status: flags → the engine's pages → a table printed page
// by page (summary on stderr), or one JSON document. The JSON document is
// collected before it is printed (one document, as every --output json);
// narrow a very large bucket with --destination and --since.
import type { FateStatus } from '../../shared/outbound/fate.js';
import { checkDestination } from '../engine/outbound/staged-key.js';
import {
  addPage,
  emptyTotals,
  outboundStatus,
  type StagedFile,
} from '../engine/outbound/status.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Since, sinceTime } from '../flag-values.js';
import {
  noneText,
  STATUS_HEADER,
  StreamingTable,
  statusRow,
  statusSummary,
} from '../outbound-text.js';
import { statusFileEntry, type OutboundStatusDocument } from '../output-schemas/outbound.js';
import { listingProgress, type OutboundFlags, outboundContext } from './outbound-context.js';

interface StatusFlags extends OutboundFlags {
  destination?: string;
  status?: FateStatus;
  since?: Since;
}

export async function run(flags: StatusFlags): Promise<ExitCode> {
  if (flags.destination !== undefined) checkDestination(flags.destination);
  const json = flags.output === 'json';
  const now = new Date();
  const since = flags.since === undefined ? undefined : sinceTime(flags.since, now);
  const { stackName, bucket, objects, reporter } = await outboundContext(flags);
  const progress = listingProgress(reporter);
  const table = new StreamingTable(STATUS_HEADER);
  const files: StagedFile[] = [];
  let totals = emptyTotals();
  for await (const page of outboundStatus(objects, {
    bucket,
    destination: flags.destination,
    status: flags.status,
    since,
    pageSize: flags.pageSize,
  })) {
    totals = addPage(totals, page);
    if (json) files.push(...page.files);
    else process.stdout.write(table.rows(page.files.map((f) => statusRow(f, now))));
    if (page.listed > 0) progress(totals.listed, totals.pages);
  }
  const shown = Object.values(totals.counts).reduce((a, b) => a + b, 0);
  if (json) {
    const doc: OutboundStatusDocument = {
      stackName,
      bucket,
      destination: flags.destination ?? null,
      status: flags.status ?? null,
      since: since?.toISOString() ?? null,
      listed: totals.listed,
      counts: totals.counts,
      files: files.map(statusFileEntry),
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return EXIT.ok;
  }
  if (shown === 0)
    process.stdout.write(
      noneText(bucket, { destination: flags.destination, status: flags.status, since }),
    );
  process.stderr.write(`${statusSummary(totals)}\n`);
  return EXIT.ok;
}
