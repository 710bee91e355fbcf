// One template of the gateway through every layer: the schema, semantic and
// baseline layers with the waivers (./layers.ts), and cfn-lint at once
// (seconds, while ours take milliseconds); findings then located in what made
// them (./finding-locator.ts). ./pipeline.ts runs it on each stack.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import { locateFindings } from './finding-locator.js';
import { sortFindings, type Finding } from './finding.js';
import type { TemplateInput } from './input.js';
import { runLayers } from './layers.js';
import { lintFindings, type LintOptions } from './lint.js';
import { policyDrivers } from './rules/downstream/snowflake-users.js';
import { ANYWHERE_IPV4 } from './rules/network/baseline.js';
import type { UserHome } from './rules/transfer/user-home.js';

/** How to run cfn-lint; the region comes from the config. */
export type LintSettings = Omit<LintOptions, 'region'>;

/** What the pipeline decides for one template of the gateway. */
export interface TemplateChecks {
  config?: ResolvedConfig;
  /** cfn-lint on this template; undefined: not on this one (or --no-lint). */
  lint?: LintSettings;
  /** Every user home of the gateway, when its users span several templates (child stacks). */
  userHomes?: readonly UserHome[];
  /** A child stack (users): its name is made by CloudFormation, not the configured one. */
  nested?: boolean;
  /** Report config waivers that match nothing here; false when the pipeline judges them over the gateway. */
  reportConfigWaivers: boolean;
}

/** All layers, every finding, located and sorted. */
export async function checkTemplateInput(
  input: TemplateInput,
  checks: TemplateChecks,
  reporter: Reporter,
): Promise<Finding[]> {
  const { config, lint } = checks;
  const linting = lint ? lintCopy(input, lint, config?.region, reporter) : undefined;
  linting?.catch(() => undefined);
  const t0 = performance.now();
  const { findings } = await runLayers(input.template, {
    sharedTags: config?.tags,
    permissionsBoundary: config?.iam.permissionsBoundary ?? undefined,
    configuredValues: config && configuredValues(config),
    waivers: config?.waivers,
    configFile: config && displayPath(config.file),
    text: input.content,
    bodyBytes: input.bodyBytes,
    reportConfigWaivers: checks.reportConfigWaivers,
    userHomes: checks.userHomes,
    stackName: checks.nested ? undefined : config?.stackName,
    policyDrivers: policyDrivers(config),
  });
  reporter.debug(`schema, semantic and baseline checks: ${Math.round(performance.now() - t0)} ms`);
  if (linting) {
    reporter.progress('running cfn-lint');
    findings.push(...(await linting));
  }
  locateFindings(findings, input.locate);
  return sortFindings(findings);
}

/** Values written in sftpgw.yaml that rules accept as settings (ARNs; an opening the server level asks for). */
function configuredValues(c: ResolvedConfig): string[] {
  return [
    ...(c.iam.permissionsBoundary ? [c.iam.permissionsBoundary] : []),
    ...c.alarms.topicArns,
    // Snowflake's IAM users (the trusted one, the subscriber) live in
    // Snowflake's account, not this one.
    ...[c.downstream?.snowflake?.iamUserArn, c.downstream?.snowflake?.subscriberArn].filter(
      (a): a is string => typeof a === 'string',
    ),
    ...c.server.allowedSourceCidrs.filter((n) => n === ANYWHERE_IPV4),
  ];
}

async function lintCopy(
  input: TemplateInput,
  lint: LintSettings,
  region: string | undefined,
  reporter: Reporter,
): Promise<Finding[]> {
  const opts: LintOptions = { ...lint, region };
  if (input.file) return lintFindings(input.file, opts, reporter);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sftpgw-lint-'));
  try {
    const file = path.join(dir, `template.${input.format}`);
    await writeFile(file, input.content);
    const findings = await lintFindings(file, opts, reporter);
    // cfn-lint saw a temporary copy; findings point into the template, not at it.
    return findings;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
