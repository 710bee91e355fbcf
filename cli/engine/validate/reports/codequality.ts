// GitLab Code Quality report (artifacts:reports:codequality): a JSON array of
// issues with description, check_name, fingerprint, severity and location.
// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gitRoot } from '../../paths.js';
import type { Finding } from '../finding.js';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

const SEVERITY: Record<Finding['severity'], CodeQualityIssue['severity']> = {
  error: 'critical',
  warning: 'major',
  info: 'info',
};

/**
 * Where GitLab is told a finding is. GitLab links `location.path` to a file of
 * the repository, so every path is relative to the repository root: the git
 * root of the working directory (the job may run in a sub-folder of a
 * monorepo), or the working directory outside git.
 *
 * A template the operator named (--template, its child templates, or the
 * fallback) that lies outside the repository keeps its real line and is named
 * relative to the root of its own git repository, or by its file name when it
 * is in none: there is no path into this repository for it, and an absolute
 * or `../` path is not one GitLab accepts. Other sources outside the
 * repository, or under node_modules (sftpgw's own libsonnet), are reported at
 * the fallback (the config or template file), line 1.
 */
export interface ReportPaths {
  /** The working directory display paths are relative to. */
  cwd: string;
  /** Absolute paths of the template files the operator named. */
  named?: readonly string[];
}

/** `fallbackPath`: where findings without a usable source point (the config or template file). */
export function codeQualityReport(
  findings: readonly Finding[],
  fallbackPath: string,
  paths: ReportPaths = { cwd: process.cwd() },
): CodeQualityIssue[] {
  const root = gitRoot(paths.cwd) ?? path.resolve(paths.cwd);
  const named = new Set([...(paths.named ?? []), path.resolve(paths.cwd, fallbackPath)]);
  const fallback = reportPath(fallbackPath, root, paths.cwd, named) ?? path.basename(fallbackPath);
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const where = f.logicalId ? `${f.logicalId}: ` : '';
    const waived = f.waived !== undefined ? ` (waived: ${f.waived})` : '';
    // Stable across runs, distinct for repeated identical findings: GitLab diffs MRs by fingerprint.
    const key = `${f.rule}|${f.logicalId ?? ''}|${f.pointer}|${f.message}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const at = f.source ? reportPath(f.source.file, root, paths.cwd, named) : undefined;
    return {
      description: `${where}${f.message}${waived}${f.hint ? ` → ${f.hint}` : ''}`,
      check_name: f.rule,
      fingerprint: createHash('sha256').update(`${key}|${n}`).digest('hex').slice(0, 32),
      severity: f.waived !== undefined ? 'info' : SEVERITY[f.severity],
      location:
        at !== undefined
          ? { path: at, lines: { begin: f.source!.line ?? 1 } }
          : { path: fallback, lines: { begin: 1 } },
    };
  });
}

function reportPath(
  file: string,
  root: string,
  cwd: string,
  named: ReadonlySet<string>,
): string | undefined {
  const abs = path.resolve(cwd, file);
  const inRoot = path.relative(root, abs);
  // node_modules is in the folder but not in the repository (sftpgw's libsonnet in a gateway repository)
  if (
    inRoot &&
    !inRoot.startsWith('..') &&
    !path.isAbsolute(inRoot) &&
    !inRoot.split(path.sep).includes('node_modules')
  )
    return toPosix(inRoot);
  if (!named.has(abs)) return undefined;
  const own = gitRoot(path.dirname(abs));
  return toPosix(own ? path.relative(own, abs) : path.basename(abs));
}

function toPosix(p: string): string {
  return p.split('\\').join('/');
}
