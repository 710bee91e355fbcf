// One finding type for every validation layer: what is wrong, where in the
// template (logical id + JSON pointer), where in the sources when we can tell,
// and what to do about it.
import { count } from '../plural.js';

export type Severity = 'error' | 'warning' | 'info';
export type Layer = 'template' | 'schema' | 'semantic' | 'baseline' | 'cfn-lint';

export interface SourceLocation {
  /** Relative to the working directory when possible. */
  file: string;
  line?: number;
  /** The field in that file, when it is a user file or the config. */
  field?: string;
}

export interface Finding {
  severity: Severity;
  /** e.g. `schema/enum`, `baseline/bucket-tls-only`, `cfn-lint/E3002`. */
  rule: string;
  layer: Layer;
  logicalId?: string;
  resourceType?: string;
  /** RFC 6901 pointer into the template, e.g. `/Resources/Bucket/Properties/Tags/0`. */
  pointer: string;
  message: string;
  /** What to do about it. */
  hint?: string;
  source?: SourceLocation;
  /** Set when a baseline rule was waived for this resource: the written reason. */
  waived?: string;
}

export function escapePointer(part: string | number): string {
  if (typeof part === 'number') return String(part);
  return part.includes('~') || part.includes('/')
    ? part.replace(/~/g, '~0').replace(/\//g, '~1')
    : part;
}

export function pointerOf(...parts: (string | number)[]): string {
  let out = '';
  for (const p of parts) out += '/' + escapePointer(p);
  return out;
}

export function pointerParts(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The logical id a pointer is under, if it is under /Resources. */
export function logicalIdOf(pointer: string): string | undefined {
  const [section, id] = pointerParts(pointer);
  return section === 'Resources' ? id : undefined;
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  waived: number;
}

/** Also counts the findings of `validate --output json` (waived: null when not waived). */
export function countFindings(
  findings: ReadonlyArray<Pick<Finding, 'severity'> & { waived?: string | null }>,
): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, waived: 0 };
  for (const f of findings) {
    if (f.waived !== undefined && f.waived !== null) c.waived++;
    else c[f.severity]++;
  }
  return c;
}

export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error' && f.waived === undefined);
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order: resource, then severity, then pointer, then rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.logicalId ?? '').localeCompare(b.logicalId ?? '') ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.pointer.localeCompare(b.pointer) ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}

export function summarize(c: Counts): string {
  const parts = [count(c.error, 'error'), count(c.warning, 'warning')];
  if (c.info > 0) parts.push(`${c.info} informational`);
  if (c.waived > 0) parts.push(`${c.waived} waived`);
  return parts.join(', ');
}
