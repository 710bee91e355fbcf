// The outbound commands' text: the status table (printed a page at a time,
// its columns as wide as the widest cell so far), the summary of counts,
// the redelivery plan and its outcomes. Pure: the commands write it.
import type { Fate } from '../shared/outbound/fate.js';
import { FATE_STATUSES } from '../shared/outbound/fate.js';
import { count } from './engine/plural.js';
import type { Outcome, PlanItem, RedeliveryPlan } from './engine/outbound/redeliver.js';
import type { StagedFile, StatusTotals } from './engine/outbound/status.js';

/** A time as sftpgw prints times: UTC, to the second. */
export function utc(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A span for people: 45s, 12m, 3h 5m, 2d 4h. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** What the fate says beyond its status: the remote path, the reason, the last error. */
export function fateDetail(fate: Fate): string | undefined {
  switch (fate.status) {
    case 'delivered':
      return fate.remotePath;
    case 'duplicate':
      return fate.remotePath && `already on the remote: ${fate.remotePath}`;
    case 'rejected':
      return fate.reason ? `${fate.code}: ${fate.reason}` : fate.code;
    case 'failed':
      return fate.error;
    case 'pending':
      return undefined;
  }
}

export const STATUS_HEADER = ['DESTINATION', 'FILE', 'STATUS', 'WHEN', 'DETAIL'] as const;

/** One table row: pending shows how long ago the file was staged, others when the outcome was recorded. */
export function statusRow(f: StagedFile, now: Date): string[] {
  const fate = f.fate;
  const pending = fate.status === 'pending';
  const when =
    fate.status === 'pending'
      ? `staged ${age(now.getTime() - f.stagedAt.getTime())} ago`
      : fate.at
        ? utc(fate.at)
        : '-';
  const detail = pending
    ? f.problem
      ? `no outcome yet; not <destination>/<file>: ${f.problem}`
      : 'no outcome yet'
    : (fateDetail(f.fate) ?? '-');
  return [f.destination ?? '-', f.file, f.fate.status, when, detail];
}

/**
 * A table printed in parts: the header with the first rows, each column as
 * wide as the widest cell seen so far (a later, wider cell widens the column
 * from its row on; nothing printed is taken back).
 */
export class StreamingTable {
  private widths: number[];
  private started = false;
  constructor(private readonly header: readonly string[]) {
    this.widths = header.map((h) => h.length);
  }

  rows(rows: readonly string[][]): string {
    if (rows.length === 0) return '';
    for (const r of rows)
      r.forEach((c, i) => (this.widths[i] = Math.max(this.widths[i], c.length)));
    const all = this.started ? rows : [[...this.header], ...rows];
    this.started = true;
    return all.map((r) => this.line(r)).join('\n') + '\n';
  }

  private line(r: readonly string[]): string {
    return r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(this.widths[i])))
      .join('  ')
      .trimEnd();
  }
}

/** "3 delivered, 1 rejected, 2 pending" (statuses with none left out); "none" when all are 0. */
export function countsText(counts: Record<string, number>): string {
  const parts = FATE_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** The summary on stderr after the table. */
export function statusSummary(t: StatusTotals): string {
  const shown = Object.values(t.counts).reduce((a, b) => a + b, 0);
  const extra = [
    `${t.listed.toLocaleString('en-US')} listed`,
    t.older > 0 ? `${t.older.toLocaleString('en-US')} staged before --since` : '',
    t.gone > 0 ? `${t.gone} deleted while reading` : '',
  ].filter(Boolean);
  return `${count(shown, 'staged file')}: ${countsText(t.counts)} (${extra.join(', ')})`;
}

/** The line printed when nothing matched: what was looked for, and where. */
export function noneText(
  bucket: string,
  q: { destination?: string; status?: string; since?: Date },
): string {
  const where = q.destination ? `s3://${bucket}/${q.destination}/` : `s3://${bucket}`;
  const filters = [
    q.status ? `with status ${q.status}` : '',
    q.since ? `staged since ${utc(q.since)}` : '',
  ].filter(Boolean);
  return `no staged files in ${where}${filters.length ? ` ${filters.join(', ')}` : ''}\n`;
}

function why(item: PlanItem): string {
  const detail = fateDetail(item.fate);
  const fate = detail ? `${item.fate.status}: ${detail}` : item.fate.status;
  return item.chosenBy === 'key' ? `named with --key; ${fate}` : fate;
}

/** The plan as a table: what would be re-staged and why, what not and why not. */
export function planText(plan: RedeliveryPlan): string {
  const rows = plan.items.map((i) => [
    i.file,
    i.action === 'restage' ? 're-stage' : i.action,
    i.action === 'restage' ? why(i) : `${i.reason} (${why(i)})`,
  ]);
  const table = new StreamingTable(['FILE', 'ACTION', 'WHY']);
  return table.rows(rows);
}

export function outcomeLine(o: Outcome, destination: string): string {
  const file = o.key.slice(destination.length + 1);
  switch (o.outcome) {
    case 'restaged':
      return `re-staged ${file}: new version ${o.newVersionId ?? '(unversioned)'} (was ${o.versionId ?? '(unversioned)'})`;
    case 'skipped':
      return `skipped ${file}: ${o.reason}`;
    case 'refused':
      return `refused ${file}: ${o.reason}`;
    case 'failed':
      return `FAILED ${file}: ${o.reason}`;
  }
}
