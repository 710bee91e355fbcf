// Findings for people: grouped by resource, errors first, each with where it
// is (source file and line, template pointer) and what to do.
import { countFindings, summarize, type Finding } from './engine/validate/finding.js';
import { palette, redact } from './style.js';

export function formatFindings(findings: readonly Finding[], color: boolean): string {
  const { error, warning, dim, bold } = palette(color);
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.logicalId ?? '(template)';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(f);
  }
  const lines: string[] = [];
  for (const [name, list] of groups) {
    const type = list.find((f) => f.resourceType)?.resourceType;
    lines.push(`${bold(name)}${type ? dim(`  ${type}`) : ''}`);
    for (const f of list) {
      const label =
        f.waived !== undefined
          ? dim('waived ')
          : f.severity === 'error'
            ? error('error  ')
            : f.severity === 'warning'
              ? warning('warning')
              : dim('info   ');
      lines.push(`  ${label} ${f.message} ${dim(`[${f.rule}]`)}`);
      const where = [
        f.source ? `${f.source.file}${f.source.line ? `:${f.source.line}` : ''}` : undefined,
        f.pointer ? `${f.pointer}` : undefined,
      ]
        .filter(Boolean)
        .join('  ');
      if (where) lines.push(`          ${dim(`at ${where}`)}`);
      if (f.waived !== undefined) lines.push(`          ${dim(`reason: ${f.waived}`)}`);
      else if (f.hint) lines.push(`          → ${f.hint}`);
    }
  }
  return redact(lines.join('\n'));
}

export function findingsSummary(findings: readonly Finding[]): string {
  return summarize(countFindings(findings));
}
