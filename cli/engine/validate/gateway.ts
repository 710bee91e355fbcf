// The whole gateway checked as the commands check it: the root template and
// its child stacks (user stacks) together, each through every layer
// (./run-checks.ts); the users' homes compared and the config's waivers
// judged across all stacks; and the error build and users add fail with.
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { SftpgwError, type Problem } from '../errors.js';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import { readTemplateFile } from '../template/read.js';
import type { OutputFormat } from '../template/serialize.js';
import type { CfnTemplate } from '../template/types.js';
import { gatewayUserHomes, type UserHome } from './baseline/user-homes.js';
import { blocking, countFindings, sortFindings, summarize, type Finding } from './finding.js';
import { runChecks, type CheckInput, type LintSettings } from './run-checks.js';
import { snowflakeUsersFindings } from './snowflake-users.js';
import { fileLocator, type SourceLocator } from './sources.js';
import { placeConfigWaivers, resourceIndex, waiverProblems, type PlacedWaiver } from './waivers.js';

/** The error build and validate fail with: every blocking finding, as problems and as findings. */
export function validationFailed(findings: Finding[]): SftpgwError {
  const errors = blocking(findings);
  const problems: Problem[] = errors.map((f) => ({
    file: f.source?.file,
    line: f.source?.line,
    field:
      f.source?.field ??
      (f.logicalId
        ? `${f.logicalId}${f.pointer.replace(/^\/Resources\/[^/]+/, '')}`
        : f.pointer || undefined),
    message: `${f.message} [${f.rule}]`,
    hint: f.hint,
  }));
  return new SftpgwError(
    'invalid-input',
    `the template is not valid: ${summarize(countFindings(findings))}`,
    { problems, findings },
  );
}

export interface ChildInput {
  /** Logical id of its stack in the root: prefixes its findings (Users07/UserAlice). */
  id: string;
  template: CfnTemplate;
  content: string;
  format: OutputFormat;
  file?: string;
  locate: SourceLocator;
}

/**
 * The root template and its children at once (a second cfn-lint, on the first
 * child, overlaps the root's). With child stacks, two checks look across
 * stacks: users' homes are compared over all templates (a home nested in
 * another's is a finding), and the config's waivers are judged over the whole
 * gateway (gatewayWaiverProblems). A single template judges both itself.
 */
export async function checkGateway(
  root: CheckInput,
  children: ChildInput[],
  lint: LintSettings | undefined,
  reporter: Reporter,
): Promise<Finding[]> {
  const config = root.config;
  const single = children.length === 0 || !config;
  const userHomes =
    children.length === 0
      ? undefined
      : gatewayUserHomes([
          { template: root.template },
          ...children.map((c) => ({ stack: c.id, template: c.template })),
        ]);
  const [rootFindings, childFindings] = await Promise.all([
    runChecks({ ...root, userHomes }, lint, reporter, single),
    checkChildren(children, config, lint, reporter, userHomes),
  ]);
  const findings = [
    ...rootFindings,
    ...childFindings,
    ...snowflakeUsersFindings(config, root.users),
  ];
  if (single) return sortFindings(findings);
  return sortFindings([
    ...findings,
    ...gatewayWaiverProblems(config, root.template, children, findings),
  ]);
}

/**
 * The config's waivers over every stack: one that waives a finding in any
 * stack is used, and one that matches nothing (or names no resource) is
 * reported once, not once per stack.
 */
function gatewayWaiverProblems(
  config: ResolvedConfig,
  root: CfnTemplate,
  children: ChildInput[],
  findings: Finding[],
): Finding[] {
  // A root resource wins over a child's of the same logical id.
  const resources = new Map([
    ...children.flatMap((c) => [...resourceIndex(c.template.Resources, c.id)]),
    ...resourceIndex(root.Resources),
  ]);
  const waivedBy = (w: PlacedWaiver) =>
    findings.some(
      (f) =>
        f.waived !== undefined &&
        f.rule === w.rule &&
        (f.logicalId === w.resource || f.logicalId?.endsWith(`/${w.resource}`)),
    );
  return waiverProblems(
    placeConfigWaivers(config.waivers, displayPath(config.file)),
    waivedBy,
    resources,
  );
}

/**
 * Our three layers on every child template; cfn-lint on the first only
 * (children differ only in which users they hold, all made by one library).
 * Config waivers are applied here but reported by checkGateway.
 */
async function checkChildren(
  children: ChildInput[],
  config: ResolvedConfig | undefined,
  lint: LintSettings | undefined,
  reporter: Reporter,
  userHomes?: readonly UserHome[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [i, c] of children.entries()) {
    const found = await runChecks(
      {
        template: c.template,
        content: c.content,
        bytes: Buffer.byteLength(c.content),
        format: c.format,
        file: c.file,
        config,
        locate: c.locate,
        userHomes,
        nested: true,
      },
      i === 0 ? lint : undefined,
      reporter,
      false,
    );
    findings.push(
      ...found.map((f) => ({ ...f, logicalId: f.logicalId ? `${c.id}/${f.logicalId}` : c.id })),
    );
  }
  return findings;
}

/** Child templates a template names by a local TemplateURL (built, not yet packaged). */
export async function localChildren(
  template: CfnTemplate,
  dir: string,
  cwd: string,
): Promise<ChildInput[]> {
  const out: ChildInput[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const url = (r.Properties as { TemplateURL?: unknown } | undefined)?.TemplateURL;
    if (
      r.Type !== 'AWS::CloudFormation::Stack' ||
      typeof url !== 'string' ||
      /^https?:\/\//.test(url)
    )
      continue;
    const file = path.resolve(dir, url);
    const read = await readTemplateFile(file, displayPath(file, cwd));
    out.push({
      id,
      template: read.template,
      content: read.text,
      format: file.endsWith('.json') ? 'json' : 'yaml',
      file,
      locate: fileLocator(displayPath(file, cwd), read.lineOf),
    });
  }
  return out;
}
