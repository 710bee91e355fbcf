// Report files for CI: GitLab Code Quality and JUnit, written atomically so a
// CI job never uploads half a report.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SftpgwError, usageError } from '../../errors.js';
import type { Finding, Layer } from '../finding.js';
import { codeQualityReport } from './codequality.js';
import { junitReport } from './junit.js';

export const REPORT_KINDS = ['codequality', 'junit'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportSpec {
  kind: ReportKind;
  file: string;
}

/** `codequality=FILE` / `junit=FILE`. */
export function parseReportSpec(spec: string): ReportSpec {
  const m = /^([a-z]+)=(.+)$/.exec(spec);
  if (!m || !(REPORT_KINDS as readonly string[]).includes(m[1])) {
    throw usageError(
      `--report ${spec}: expected KIND=FILE with KIND one of ${REPORT_KINDS.join(', ')}`,
      'e.g. --report codequality=gl-code-quality-report.json --report junit=validate.xml',
    );
  }
  return { kind: m[1] as ReportKind, file: m[2] };
}

export interface ReportContext {
  findings: readonly Finding[];
  resourceIds: readonly string[];
  subject: string;
  /** Where findings without a source point (config or template file). */
  fallbackPath: string;
  layers: readonly Layer[];
  /** Absolute paths of the template files the operator named (--template and its children). */
  templateFiles?: readonly string[];
}

export function renderReport(
  kind: ReportKind,
  ctx: ReportContext,
  cwd: string = process.cwd(),
): string {
  if (kind === 'codequality')
    return (
      JSON.stringify(
        codeQualityReport(ctx.findings, ctx.fallbackPath, { cwd, named: ctx.templateFiles }),
        null,
        2,
      ) + '\n'
    );
  return junitReport(ctx.findings, ctx.resourceIds, ctx.subject, ctx.layers);
}

export async function writeReports(
  specs: readonly ReportSpec[],
  ctx: ReportContext,
  cwd: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const spec of specs) {
    const file = path.resolve(cwd, spec.file);
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, renderReport(spec.kind, ctx, cwd));
      await rename(tmp, file);
    } catch (err) {
      throw new SftpgwError(
        'failed',
        `cannot write the ${spec.kind} report to ${spec.file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    written.push(file);
  }
  return written;
}
