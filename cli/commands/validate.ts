// sftpgw validate: every finding of every layer, nothing written but the
// reports asked for. Text on stdout grouped by resource, or --output json.
import { libjsonnet } from '../adapters/jsonnet.js';
import { SftpgwError } from '../engine/errors.js';
import type { Finding } from '../engine/validate/finding.js';
import { parseReportSpec, writeReports } from '../engine/validate/reports/index.js';
import { validate, type ValidationResult } from '../engine/validation.js';
import { displayPath } from '../engine/paths.js';
import { findingsSummary, formatFindings } from '../findings-text.js';
import type { CommonFlags } from '../main.js';
import { consoleReporter, useColor } from '../output.js';
import { lintSettings, type LintFlags } from './lint-settings.js';

export interface ValidateFlags extends CommonFlags, LintFlags {
  users?: string;
  template?: string;
  output: 'text' | 'json';
  report: string[];
}

export async function run(flags: ValidateFlags): Promise<number> {
  const reports = flags.report.map(parseReportSpec);
  const json = flags.output === 'json';
  // JSON mode keeps stdout for the document; progress goes to stderr as always.
  const reporter = consoleReporter({ ...flags, quiet: json });
  const lint = lintSettings(flags);
  let result: ValidationResult;
  try {
    result = await validate({ configFile: flags.config, env: flags.env, usersDir: flags.users, templateFile: flags.template, lint }, { jsonnet: libjsonnet, reporter });
  } catch (err) {
    // Inputs that never became a template still get their reports and JSON.
    if (err instanceof SftpgwError && err.kind === 'invalid-input') {
      const findings = problemsAsFindings(err);
      const fallback = err.problems.find((p) => p.file)?.file ?? flags.template ?? flags.config ?? 'sftpgw.yaml';
      await writeReports(reports, { findings, resourceIds: [], subject: flags.template ?? 'sources', fallbackPath: fallback, layers: ['template'] }, process.cwd());
      if (json) process.stdout.write(JSON.stringify({ ok: false, error: err.message, findings }, null, 2) + '\n');
    }
    throw err;
  }
  const layers = ['template', 'schema', 'semantic', 'baseline', ...(result.linted ? ['cfn-lint' as const] : [])] as const;
  const written = await writeReports(reports, { findings: result.findings, resourceIds: result.resourceIds, subject: result.subject, fallbackPath: result.fallbackPath, layers: [...layers] }, process.cwd());
  const ok = result.counts.error === 0;
  if (json) {
    process.stdout.write(JSON.stringify({
      ok,
      subject: result.subject,
      stackName: result.stackName,
      env: result.env,
      resources: result.resourceIds.length,
      layers,
      counts: result.counts,
      findings: result.findings,
    }, null, 2) + '\n');
  } else if (result.findings.length > 0) {
    process.stdout.write(formatFindings(result.findings, useColor(flags, process.stdout)) + '\n');
  }
  for (const f of written) reporter.progress(`wrote ${displayPath(f)}`);
  const skipped = result.linted ? '' : ' (cfn-lint skipped)';
  process.stderr.write(`${ok ? 'valid' : 'invalid'}: ${result.subject}, ${result.resourceIds.length} resources: ${findingsSummary(result.findings)}${skipped}\n`);
  return ok ? 0 : 1;
}

function problemsAsFindings(err: SftpgwError): Finding[] {
  return err.problems.map((p) => ({
    severity: 'error',
    rule: 'input/invalid',
    layer: 'template',
    pointer: '',
    message: p.field ? `${p.field}: ${p.message}` : p.message,
    hint: p.hint,
    source: p.file ? { file: p.file, ...(p.line !== undefined ? { line: p.line } : {}) } : undefined,
  }));
}
