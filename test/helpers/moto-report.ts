// What moto did NOT do, as test/helpers/moto/launcher.py reports it: one JSON
// object per line, for every resource moto skipped (no CloudFormation model
// for its type), could not update (a model without update: moto then drops
// it from the stack) or failed to create. A deploy to moto can say
// CREATE_COMPLETE over all of these; a test that reads a resource back uses
// requireCreated() so it fails naming the skipped resource instead.
import { existsSync, readFileSync } from 'node:fs';

export interface MotoReportEntry {
  event: 'skipped' | 'not-updated' | 'failed';
  stack: string;
  logicalId: string;
  type: string;
  /** For failed: the exception moto raised. */
  error?: string;
}

export function readMotoReport(file: string): MotoReportEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as MotoReportEntry);
}

/** The report entries of one stack (child stacks are named `<stack>-<logical id>-<suffix>` by moto). */
export function reportOf(
  entries: MotoReportEntry[],
  stack: string,
  opts: { children?: boolean } = {},
): MotoReportEntry[] {
  return entries.filter(
    (e) => e.stack === stack || (opts.children === true && e.stack.startsWith(`${stack}-`)),
  );
}

/** `AWS::SNS::TopicPolicy ×1 (IngestTopicPolicy)`, one line per type: what a test prints. */
export function describeReport(entries: MotoReportEntry[]): string[] {
  const byType = new Map<string, MotoReportEntry[]>();
  for (const e of entries) {
    const key = `${e.event} ${e.type}`;
    byType.set(key, [...(byType.get(key) ?? []), e]);
  }
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([key, es]) =>
        `${key} ×${es.length} (${es.map((e) => e.logicalId).join(', ')})${es[0].error ? `: ${es[0].error}` : ''}`,
    );
}

/**
 * Fails when moto did not create (or update) a resource of a type the test
 * reads back, or any resource failed: the test would otherwise assert on a
 * stack moto only claims to have made.
 */
export function requireCreated(
  entries: MotoReportEntry[],
  stack: string,
  readBack: readonly string[],
  opts: { children?: boolean } = {},
): void {
  const bad = reportOf(entries, stack, opts).filter(
    (e) => e.event === 'failed' || readBack.includes(e.type),
  );
  if (bad.length > 0)
    throw new Error(
      `moto did not create what stack ${stack} needs read back (test/helpers/moto/launcher.py reported):\n  ${describeReport(bad).join('\n  ')}`,
    );
}
