// sftpgw validate: every finding of every layer, nothing written but the
// reports asked for. Text on stdout grouped by resource, or --output json.
import path from 'node:path';
import { libjsonnet } from '../adapters/jsonnet.js';
import { DEFAULT_CONFIG_FILE } from '../engine/config/load.js';
import type { Layer } from '../engine/validate/index.js';
import {
  parseReportSpec,
  writeReports,
  type ReportContext,
  type ReportSpec,
} from '../engine/validate/reports/index.js';
import {
  errorFindings,
  validateDocument,
  type ValidateDocument,
  type ValidationSummary,
} from '../engine/validate/reports/json.js';
import { validate, type ValidationResult } from '../engine/validate/index.js';
import { displayPath } from '../engine/paths.js';
import { findingsSummary, formatFindings } from '../findings-text.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter, useColor } from '../output.js';
import { sourceOptions, type LintFlags } from './source-flags.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { count } from '../engine/plural.js';

export interface ValidateFlags extends CommonFlags, LintFlags {
  users?: string;
  template?: string;
  output: 'text' | 'json';
  report: string[];
}

export async function run(flags: ValidateFlags): Promise<ExitCode> {
  const json = flags.output === 'json';
  // JSON mode keeps stdout for the document; progress goes to stderr as always.
  const reporter = consoleReporter({ ...flags, quiet: json });
  const cwd = process.cwd();
  let reports: ReportSpec[] = [];
  let result: ValidationResult | undefined;
  let layers: Layer[] = ['template'];
  let written: string[];
  try {
    reports = flags.report.map(parseReportSpec);
    result = await validate(sourceOptions(flags), { jsonnet: libjsonnet, reporter });
    layers = [
      'template',
      'schema',
      'semantic',
      'baseline',
      ...(result.linted ? ['cfn-lint' as const] : []),
    ];
    written = await writeReports(reports, { ...result, layers }, cwd);
  } catch (err) {
    // Inputs that never became a template (and any other stop) still get their
    // reports and one complete JSON document, then the error on stderr.
    if (!result)
      await writeReports(reports, failedReportContext(err, flags), cwd).catch((e: unknown) =>
        reporter.warn((e as Error).message),
      );
    if (json)
      printJson(
        validateDocument(
          result
            ? summary(result, layers)
            : {
                subject: flags.template,
                env: flags.env ?? process.env.SFTPGW_ENV,
                resources: 0,
                layers,
                findings: [],
              },
          err,
        ),
      );
    throw err;
  }
  const ok = result.counts.error === 0;
  if (json) printJson(validateDocument(summary(result, layers)));
  else if (result.findings.length > 0)
    process.stdout.write(formatFindings(result.findings, useColor(flags, process.stdout)) + '\n');
  for (const f of written) reporter.progress(`wrote ${displayPath(f)}`);
  const skipped = result.linted ? '' : ' (cfn-lint skipped)';
  process.stderr.write(
    `${ok ? 'valid' : 'invalid'}: ${result.subject}, ${count(result.resourceIds.length, 'resource')}: ${findingsSummary(result.findings)}${skipped}\n`,
  );
  return ok ? EXIT.ok : EXIT.failed;
}

function summary(result: ValidationResult, layers: Layer[]): ValidationSummary {
  return {
    subject: result.subject,
    stackName: result.stackName,
    env: result.env,
    resources: result.resourceIds.length,
    layers,
    findings: result.findings,
  };
}

function printJson(doc: ValidateDocument): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

/** Reports for a run that stopped: the error's problems as findings, pointing at the file that has them. */
function failedReportContext(err: unknown, flags: ValidateFlags): ReportContext {
  const findings = errorFindings(err);
  const fallback =
    findings.find((f) => f.source)?.source?.file ??
    flags.template ??
    flags.config ??
    process.env.SFTPGW_CONFIG ??
    DEFAULT_CONFIG_FILE;
  return {
    findings,
    resourceIds: [],
    subject: flags.template ?? 'sources',
    fallbackPath: fallback,
    layers: ['template'],
    templateFiles: flags.template ? [path.resolve(flags.template)] : [],
  };
}
