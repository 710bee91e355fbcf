// JUnit XML (artifacts:reports:junit): one test case per resource and layer,
// failing when it has error findings; warnings and waivers go to system-out
// so the MR widget shows them without failing the case.
import type { Finding, Layer } from '../finding.js';
import { count } from '../../plural.js';

const LAYERS: Layer[] = ['template', 'schema', 'semantic', 'baseline', 'cfn-lint'];

export function junitReport(
  findings: readonly Finding[],
  resourceIds: readonly string[],
  subject: string,
  layersRun: readonly Layer[] = LAYERS,
): string {
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const layer of LAYERS.filter((l) => layersRun.includes(l))) {
    const inLayer = findings.filter((f) => f.layer === layer);
    // A finding about a resource the template does not hold (a child stack's, a
    // waiver's) still gets a case: a report must not drop a finding.
    const names = [
      ...new Set([
        '(template)',
        ...resourceIds,
        ...inLayer.map((f) => f.logicalId ?? '(template)'),
      ]),
    ];
    const cases: string[] = [];
    let failures = 0;
    for (const name of names) {
      const mine = inLayer.filter((f) => (f.logicalId ?? '(template)') === name);
      const errors = mine.filter((f) => f.severity === 'error' && f.waived === undefined);
      const notes = mine.filter((f) => !errors.includes(f));
      let body = '';
      if (errors.length > 0) {
        failures++;
        body += `<failure message="${esc(`${count(errors.length, 'error')}: ${errors[0].message}`)}" type="${esc(errors[0].rule)}">${esc(errors.map(line).join('\n'))}</failure>`;
      }
      if (notes.length > 0) body += `<system-out>${esc(notes.map(line).join('\n'))}</system-out>`;
      cases.push(
        `    <testcase classname="${esc(`sftpgw.${layer}`)}" name="${esc(name)}"${body ? `>${body}</testcase>` : ' />'}`,
      );
    }
    totalTests += cases.length;
    totalFailures += failures;
    suites.push(
      `  <testsuite name="${esc(`${layer} (${subject})`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sftpgw validate" tests="${totalTests}" failures="${totalFailures}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** `error rule file:line pointer: message`, leaving out what is not known (never `: :`). */
function line(f: Finding): string {
  const where = [
    f.source ? `${f.source.file}${f.source.line ? `:${f.source.line}` : ''}` : '',
    f.source?.field ?? '',
    f.pointer,
  ]
    .filter((s) => s !== '')
    .join(' ');
  const waived = f.waived !== undefined ? ` [waived: ${f.waived}]` : '';
  return `${f.severity} ${f.rule}${where ? ` ${where}` : ''}: ${f.message}${waived}${f.hint ? ` → ${f.hint}` : ''}`;
}

/** XML 1.0 text/attribute escaping, dropping characters XML cannot hold. */
function esc(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot hold
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}
