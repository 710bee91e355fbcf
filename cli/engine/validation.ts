// Validation as the commands use it: the template from the sources (or a
// file), all three layers, findings mapped back to source files. `build`
// runs it before writing anything; `validate` only reports.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig, type ConfigOptions } from './config/load.js';
import type { ResolvedConfig } from './config/types.js';
import { SftpgwError, type Problem } from './errors.js';
import { displayPath } from './paths.js';
import type { Reporter } from './reporter.js';
import { synthesize, type Synthesized, type SynthesizeDeps } from './synthesize.js';
import type { UserOverlay } from './users/discover.js';
import { readTemplateFile } from './template/read.js';
import { serializeTemplate, type OutputFormat } from './template/serialize.js';
import type { CfnTemplate } from './template/types.js';
import { blocking, countFindings, sortFindings, summarize, type Counts, type Finding } from './validate/finding.js';
import { checkTemplate } from './validate/index.js';
import { lintFindings, type LintOptions } from './validate/lint.js';
import { gatewayUserHomes, type UserHome } from './validate/baseline/user-homes.js';
import { attachSources, fileLocator, type SourceLocator } from './validate/sources.js';
import { placeConfigWaivers, resourceIndex, waiverProblems, type PlacedWaiver } from './validate/waivers.js';

/** How to run cfn-lint; the region comes from the config. */
export type LintSettings = Omit<LintOptions, 'region'>;

export interface CheckInput {
  template: CfnTemplate;
  /** Size of the template as it will be written (or as read). */
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
}

/** All layers, every finding; cfn-lint (seconds) runs while ours (milliseconds) do. */
export async function runChecks(input: CheckInput, lint: LintSettings | undefined, reporter: Reporter, reportConfigWaivers = true): Promise<Finding[]> {
  const linting = lint ? lintCopy(input, lint, reporter) : undefined;
  linting?.catch(() => undefined);
  const t0 = performance.now();
  const { findings } = await checkTemplate(input.template, {
    sharedTags: input.config?.tags,
    permissionsBoundary: input.config?.iam.permissionsBoundary ?? undefined,
    configuredValues: input.config && configuredArns(input.config),
    waivers: input.config?.waivers,
    configFile: input.config && displayPath(input.config.file),
    bodyBytes: input.bytes,
    text: input.content,
    reportConfigWaivers,
    userHomes: input.userHomes,
  });
  reporter.debug(`schema, semantic and baseline checks: ${Math.round(performance.now() - t0)} ms`);
  if (linting) {
    reporter.progress('running cfn-lint');
    findings.push(...(await linting));
  }
  attachSources(findings, input.locate);
  return sortFindings(findings);
}

/** ARNs the config puts into templates: the permissions boundary and the alarm topics. */
function configuredArns(c: ResolvedConfig): string[] {
  return [...(c.iam.permissionsBoundary ? [c.iam.permissionsBoundary] : []), ...(c.outbound?.alarms.topicArns ?? [])];
}

async function lintCopy(input: CheckInput, lint: LintSettings, reporter: Reporter): Promise<Finding[]> {
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

/** The error build and validate fail with: every blocking finding, as problems and as findings. */
export function validationFailed(findings: Finding[]): SftpgwError {
  const errors = blocking(findings);
  const problems: Problem[] = errors.map((f) => ({
    file: f.source?.file,
    line: f.source?.line,
    field: f.source?.field ?? (f.logicalId ? `${f.logicalId}${f.pointer.replace(/^\/Resources\/[^/]+/, '')}` : f.pointer || undefined),
    message: `${f.message} [${f.rule}]`,
    hint: f.hint,
  }));
  return new SftpgwError('invalid-input', `the template is not valid: ${summarize(countFindings(findings))}`, { problems, findings });
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
 * child, overlaps the root's), users' homes compared across all templates
 * (a home nested in another's is a finding). The config's waivers are judged over the whole
 * gateway: one that waives a finding in any stack is used, and one that
 * matches nothing is reported once, not once per stack.
 */
export async function checkGateway(root: CheckInput, children: ChildInput[], lint: LintSettings | undefined, reporter: Reporter): Promise<Finding[]> {
  const config = root.config;
  const single = children.length === 0 || !config;
  const userHomes = children.length === 0 ? undefined : gatewayUserHomes([{ template: root.template }, ...children.map((c) => ({ stack: c.id, template: c.template }))]);
  const [rootFindings, childFindings] = await Promise.all([runChecks({ ...root, userHomes }, lint, reporter, single), checkChildren(children, config, lint, reporter, userHomes)]);
  const findings = [...rootFindings, ...childFindings];
  if (single) return findings;
  // A root resource wins over a child's of the same logical id.
  const resources = new Map([...children.flatMap((c) => [...resourceIndex(c.template.Resources, c.id)]), ...resourceIndex(root.template.Resources)]);
  const waivedBy = (w: PlacedWaiver) => findings.some((f) => f.waived !== undefined && f.rule === w.rule && (f.logicalId === w.resource || f.logicalId?.endsWith(`/${w.resource}`)));
  return sortFindings([...findings, ...waiverProblems(placeConfigWaivers(config.waivers, displayPath(config.file)), waivedBy, resources)]);
}

/**
 * Our three layers on every child template; cfn-lint on the first only
 * (children differ only in which users they hold, all made by one library).
 * Config waivers are applied here but reported by checkGateway.
 */
async function checkChildren(children: ChildInput[], config: ResolvedConfig | undefined, lint: LintSettings | undefined, reporter: Reporter, userHomes?: readonly UserHome[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [i, c] of children.entries()) {
    const found = await runChecks({ template: c.template, content: c.content, bytes: Buffer.byteLength(c.content), format: c.format, file: c.file, config, locate: c.locate, userHomes }, i === 0 ? lint : undefined, reporter, false);
    findings.push(...found.map((f) => ({ ...f, logicalId: f.logicalId ? `${c.id}/${f.logicalId}` : c.id })));
  }
  return findings;
}

/** Child templates a template names by a local TemplateURL (built, not yet packaged). */
export async function localChildren(template: CfnTemplate, dir: string, cwd: string): Promise<ChildInput[]> {
  const out: ChildInput[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const url = (r.Properties as { TemplateURL?: unknown } | undefined)?.TemplateURL;
    if (r.Type !== 'AWS::CloudFormation::Stack' || typeof url !== 'string' || /^https?:\/\//.test(url)) continue;
    const file = path.resolve(dir, url);
    const read = await readTemplateFile(file, displayPath(file, cwd));
    out.push({ id, template: read.template, content: read.text, format: file.endsWith('.json') ? 'json' : 'yaml', file, locate: fileLocator(displayPath(file, cwd), read.lineOf) });
  }
  return out;
}

export interface ValidateOptions extends ConfigOptions {
  /** Validate this built or hand-written template instead of building from the sources. */
  templateFile?: string;
  lint?: LintSettings;
  /** A user file as it is about to be written (users add); not with templateFile. */
  overlay?: UserOverlay;
}

export interface ValidationResult {
  findings: Finding[];
  counts: Counts;
  /** What was validated, as shown. */
  subject: string;
  stackName?: string;
  env?: string;
  resourceIds: string[];
  /** Where a report points findings that have no source of their own. */
  fallbackPath: string;
  /** Absolute paths of the template files read (--template and its child templates); none when built from the sources. */
  templateFiles: string[];
  linted: boolean;
}

export async function validate(opts: ValidateOptions, deps: SynthesizeDeps): Promise<ValidationResult> {
  const cwd = opts.cwd ?? process.cwd();
  let input: CheckInput;
  let subject: string;
  let children: ChildInput[];
  let templateFiles: string[] = [];
  if (opts.templateFile) {
    const file = path.resolve(cwd, opts.templateFile);
    subject = displayPath(file, cwd);
    const read = await readTemplateFile(file, subject);
    const config = await optionalConfig(opts, deps.reporter);
    input = { template: read.template, bytes: read.bytes, content: read.text, file, format: file.endsWith('.json') ? 'json' : 'yaml', config, locate: fileLocator(subject, read.lineOf) };
    children = await localChildren(read.template, path.dirname(file), cwd);
    templateFiles = [file, ...children.flatMap((c) => (c.file ? [c.file] : []))];
  } else {
    const synth: Synthesized = await synthesize({ ...opts, format: 'json' }, deps);
    subject = `${synth.config.stackName}${synth.config.env ? ` (${synth.config.env})` : ''}`;
    const content = serializeTemplate(synth.template, 'json');
    input = { template: synth.template, content, bytes: Buffer.byteLength(content), format: 'json', config: synth.config, locate: synth.locate };
    children = synth.children.map((c) => ({ id: c.id, template: c.template, content: serializeTemplate(c.template, 'json'), format: 'json', locate: synth.locate }));
  }
  const findings = await checkGateway(input, children, opts.lint, deps.reporter);
  return {
    findings,
    counts: countFindings(findings),
    subject,
    stackName: input.config?.stackName,
    env: input.config?.env,
    resourceIds: [...Object.keys(input.template.Resources ?? {}), ...children.flatMap((c) => Object.keys(c.template.Resources ?? {}).map((id) => `${c.id}/${id}`))],
    fallbackPath: input.file ? displayPath(input.file, cwd) : displayPath(input.config!.file, cwd),
    templateFiles,
    linted: opts.lint !== undefined,
  };
}

/** With --template the config is optional: it adds shared tags, waivers and the region. */
async function optionalConfig(opts: ConfigOptions, reporter: Reporter): Promise<ResolvedConfig | undefined> {
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.configFile ?? (opts.environment ?? process.env).SFTPGW_CONFIG;
  if (!explicit && !existsSync(path.resolve(cwd, DEFAULT_CONFIG_FILE))) {
    reporter.debug(`no ${DEFAULT_CONFIG_FILE}: validating without shared tags or waivers`);
    return undefined;
  }
  return loadConfig(opts, reporter);
}
