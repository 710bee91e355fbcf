// What `sftpgw validate` (and `users add`) check: the gateway synthesized from
// its project (config, user files, jsonnet) or a template file and the child
// templates beside it, through the one pipeline (./pipeline.ts). build
// validates what it is about to write through the same pipeline
// (../build.ts: synthesizedInput, then validateGateway).
import type { ConfigOptions } from '../config/load.js';
import { displayPath } from '../paths.js';
import { synthesize, type SynthesizeDeps } from '../synthesize.js';
import type { UserOverlay } from '../users/discover.js';
import { countFindings, type Counts, type Finding } from './finding.js';
import type { GatewayInput } from './input.js';
import { templateFileInput } from './input-from-files.js';
import { synthesizedInput } from './input-from-synthesis.js';
import { validateGateway } from './pipeline.js';
import type { LintSettings } from './template-checks.js';

export interface ValidateOptions extends ConfigOptions {
  /** Validate this built or hand-written template instead of building from the project. */
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
  /** Absolute paths of the template files read (--template and its child templates); none when built from the project. */
  templateFiles: string[];
  linted: boolean;
}

export async function validate(
  opts: ValidateOptions,
  deps: SynthesizeDeps,
): Promise<ValidationResult> {
  const cwd = opts.cwd ?? process.cwd();
  let input: GatewayInput;
  let subject: string;
  if (opts.templateFile) {
    input = await templateFileInput(opts.templateFile, opts, deps.reporter);
    subject = displayPath(input.root.file!, cwd);
  } else {
    const synth = await synthesize({ ...opts, format: 'json' }, deps);
    input = synthesizedInput(synth, 'json');
    subject = `${synth.config.stackName}${synth.config.env ? ` (${synth.config.env})` : ''}`;
  }
  const { root, children, config } = input;
  const findings = await validateGateway(input, { lint: opts.lint, reporter: deps.reporter });
  return {
    findings,
    counts: countFindings(findings),
    subject,
    stackName: config?.stackName,
    env: config?.env,
    resourceIds: [
      ...Object.keys(root.template.Resources ?? {}),
      ...children.flatMap((c) =>
        Object.keys(c.template.Resources ?? {}).map((id) => `${c.id}/${id}`),
      ),
    ],
    fallbackPath: root.file ? displayPath(root.file, cwd) : displayPath(config!.file, cwd),
    templateFiles: root.file
      ? [root.file, ...children.flatMap((c) => (c.file ? [c.file] : []))]
      : [],
    linted: opts.lint !== undefined,
  };
}
