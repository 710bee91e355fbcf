// What `sftpgw validate` (and `users add`) check: the gateway built from its
// sources, or a template file and the child templates beside it, through
// ./gateway.ts. `build` checks what it is about to write the same way.
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig, type ConfigOptions } from '../config/load.js';
import { findConfig } from '../config/locate.js';
import type { ResolvedConfig } from '../config/types.js';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import { synthesize, type Synthesized, type SynthesizeDeps } from '../synthesize.js';
import type { UserOverlay } from '../users/discover.js';
import { readTemplateFile } from '../template/read.js';
import { serializeTemplate } from '../template/serialize.js';
import { countFindings, type Counts, type Finding } from './finding.js';
import { checkGateway, localChildren, type ChildInput } from './gateway.js';
import type { CheckInput, LintSettings } from './run-checks.js';
import { fileLocator } from './sources.js';

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

export async function validate(
  opts: ValidateOptions,
  deps: SynthesizeDeps,
): Promise<ValidationResult> {
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
    input = {
      template: read.template,
      bytes: read.bytes,
      content: read.text,
      file,
      format: file.endsWith('.json') ? 'json' : 'yaml',
      config,
      locate: fileLocator(subject, read.lineOf),
    };
    children = await localChildren(read.template, path.dirname(file), cwd);
    templateFiles = [file, ...children.flatMap((c) => (c.file ? [c.file] : []))];
  } else {
    const synth: Synthesized = await synthesize({ ...opts, format: 'json' }, deps);
    subject = `${synth.config.stackName}${synth.config.env ? ` (${synth.config.env})` : ''}`;
    const content = serializeTemplate(synth.template, 'json');
    input = {
      template: synth.template,
      content,
      bytes: Buffer.byteLength(content),
      format: 'json',
      config: synth.config,
      locate: synth.locate,
      users: synth.users.map((u) => u.name),
    };
    children = synth.children.map((c) => ({
      id: c.id,
      template: c.template,
      content: serializeTemplate(c.template, 'json'),
      format: 'json',
      locate: synth.locate,
    }));
  }
  const findings = await checkGateway(input, children, opts.lint, deps.reporter);
  return {
    findings,
    counts: countFindings(findings),
    subject,
    stackName: input.config?.stackName,
    env: input.config?.env,
    resourceIds: [
      ...Object.keys(input.template.Resources ?? {}),
      ...children.flatMap((c) =>
        Object.keys(c.template.Resources ?? {}).map((id) => `${c.id}/${id}`),
      ),
    ],
    fallbackPath: input.file ? displayPath(input.file, cwd) : displayPath(input.config!.file, cwd),
    templateFiles,
    linted: opts.lint !== undefined,
  };
}

/** With --template the config is optional: it adds shared tags, waivers and the region. */
async function optionalConfig(
  opts: ConfigOptions,
  reporter: Reporter,
): Promise<ResolvedConfig | undefined> {
  const cwd = opts.cwd ?? process.cwd();
  const environment = opts.environment ?? process.env;
  // The same search as every command: named, else the nearest sftpgw.yaml (config/locate.ts).
  if (!findConfig({ configFile: opts.configFile, cwd, environment })) {
    reporter.debug(`no ${DEFAULT_CONFIG_FILE}: validating without shared tags or waivers`);
    return undefined;
  }
  return loadConfig(opts, reporter);
}
