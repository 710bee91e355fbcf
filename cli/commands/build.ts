// sftpgw build: flags -> BuildOptions -> engine build -> one summary line,
// plus any warnings validation found.
import { libjsonnet } from '../adapters/jsonnet.js';
import { build, type OutputFormat } from '../engine/build.js';
import { displayPath } from '../engine/paths.js';
import { findingsSummary, formatFindings } from '../findings-text.js';
import { consoleReporter, useColor } from '../output.js';
import type { CommonFlags } from '../options.js';
import { configOptions, lintSettings, type LintFlags } from './source-flags.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { count } from '../engine/plural.js';

export interface BuildFlags extends CommonFlags, LintFlags {
  users?: string;
  out?: string;
  format: OutputFormat;
}

export async function run(flags: BuildFlags): Promise<ExitCode> {
  const reporter = consoleReporter(flags);
  const result = await build(
    {
      ...configOptions(flags),
      outDir: flags.out,
      format: flags.format,
      lint: lintSettings(flags),
    },
    { jsonnet: libjsonnet, reporter },
  );
  if (result.findings.length > 0)
    process.stderr.write(formatFindings(result.findings, useColor(flags)) + '\n');
  const where =
    result.stacks > 1
      ? `${displayPath(result.files[0])} + ${count(result.stacks - 1, 'child stack')} in ${displayPath(result.outDir)}`
      : result.files.map((f) => displayPath(f)).join(', ');
  const checks = result.findings.length > 0 ? ` (${findingsSummary(result.findings)})` : '';
  process.stderr.write(
    `built ${result.stackName}${result.env ? ` (${result.env})` : ''}: ${count(result.resources, 'resource')}, ${count(result.users, 'user')} → ${where}${checks}\n`,
  );
  return EXIT.ok;
}
