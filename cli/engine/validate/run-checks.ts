// One template through every layer: our schema, semantic and baseline
// checks (./index.ts) and cfn-lint at once, findings mapped back to the
// source files that made them. ./gateway.ts runs it on each stack.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ANYWHERE_IPV4 } from './baseline/network.js';
import type { ResolvedConfig } from '../config/types.js';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import type { OutputFormat } from '../template/serialize.js';
import type { CfnTemplate } from '../template/types.js';
import type { UserHome } from './baseline/user-homes.js';
import { sortFindings, type Finding } from './finding.js';
import { checkTemplate } from './index.js';
import { lintFindings, type LintOptions } from './lint.js';
import type { SourceLocator } from './sources.js';
import { attachSources } from './sources.js';
import { policyDrivers } from './snowflake-users.js';

/** How to run cfn-lint; the region comes from the config. */
export type LintSettings = Omit<LintOptions, 'region'>;

export interface CheckInput {
  template: CfnTemplate;
  /**
   * Size of the template as it will be written (or as read). Not what the
   * size limits measure: those take the template as deploy sends it
   * (minified; ../template/deploy-body.ts).
   */
  bytes: number;
  /** The template's text as it will be written (or as read). */
  content: string;
  format: OutputFormat;
  /** When the template is already a file, cfn-lint reads it in place. */
  file?: string;
  config?: ResolvedConfig;
  locate: SourceLocator;
  /** Every user home of the gateway, when its users span several templates (child stacks). */
  userHomes?: readonly UserHome[];
  /** A child stack (users): its name is made by CloudFormation, not the configured one. */
  nested?: boolean;
  /** The gateway's usernames, when synthesized from sources (not a template file). */
  users?: readonly string[];
}

/** All layers, every finding; cfn-lint (seconds) runs while ours (milliseconds) do. */
export async function runChecks(
  input: CheckInput,
  lint: LintSettings | undefined,
  reporter: Reporter,
  reportConfigWaivers = true,
): Promise<Finding[]> {
  const linting = lint ? lintCopy(input, lint, reporter) : undefined;
  linting?.catch(() => undefined);
  const t0 = performance.now();
  const { findings } = await checkTemplate(input.template, {
    sharedTags: input.config?.tags,
    permissionsBoundary: input.config?.iam.permissionsBoundary ?? undefined,
    configuredValues: input.config && configuredValues(input.config),
    waivers: input.config?.waivers,
    configFile: input.config && displayPath(input.config.file),
    text: input.content,
    reportConfigWaivers,
    userHomes: input.userHomes,
    stackName: input.nested ? undefined : input.config?.stackName,
    policyDrivers: policyDrivers(input.config),
  });
  reporter.debug(`schema, semantic and baseline checks: ${Math.round(performance.now() - t0)} ms`);
  if (linting) {
    reporter.progress('running cfn-lint');
    findings.push(...(await linting));
  }
  attachSources(findings, input.locate);
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
  input: CheckInput,
  lint: LintSettings,
  reporter: Reporter,
): Promise<Finding[]> {
  const opts: LintOptions = { ...lint, region: input.config?.region };
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
