// GitLab Code Quality report (artifacts:reports:codequality): a JSON array of
// issues with description, check_name, fingerprint, severity and location.
// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding } from '../finding.js';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

const SEVERITY: Record<Finding['severity'], CodeQualityIssue['severity']> = { error: 'critical', warning: 'major', info: 'info' };

/** `fallbackPath`: where findings without a source file point (the config or template file). */
export function codeQualityReport(findings: readonly Finding[], fallbackPath: string): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const where = f.logicalId ? `${f.logicalId}: ` : '';
    const waived = f.waived !== undefined ? ` (waived: ${f.waived})` : '';
    // Stable across runs, distinct for repeated identical findings: GitLab diffs MRs by fingerprint.
    const key = `${f.rule}|${f.logicalId ?? ''}|${f.pointer}|${f.message}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return {
      description: `${where}${f.message}${waived}${f.hint ? ` → ${f.hint}` : ''}`,
      check_name: f.rule,
      fingerprint: createHash('sha256').update(`${key}|${n}`).digest('hex').slice(0, 32),
      severity: f.waived !== undefined ? 'info' : SEVERITY[f.severity],
      location: inRepository(f.source?.file) ? { path: toPosix(f.source!.file), lines: { begin: f.source!.line ?? 1 } } : { path: toPosix(fallbackPath), lines: { begin: 1 } },
    };
  });
}

/** GitLab shows a finding only at a path inside the repository (relative to the job's directory). */
function inRepository(file: string | undefined): file is string {
  return file !== undefined && !path.isAbsolute(file) && !file.startsWith('..');
}

function toPosix(p: string): string {
  return p.split('\\').join('/');
}
