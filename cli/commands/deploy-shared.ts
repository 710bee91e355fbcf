// What deploy and diff share: the template (built or --template), the
// engine's dependencies wired to AWS, and the template packaged when it names
// artifacts: for a deploy everything is uploaded; for a preview (diff) only
// what CloudFormation itself reads (child templates), the handler code named
// by its content hash without an upload.
import { libjsonnet } from '../adapters/jsonnet.js';
import type { DeployDeps } from '../engine/deploy/deploy.js';
import { templateInput, type TemplateInput } from '../engine/deploy/inputs.js';
import { realClock } from '../engine/deploy/watch.js';
import { needsPackaging, packageTemplate } from '../engine/package/package.js';
import type { Reporter } from '../engine/reporter.js';
import type { CfnTemplate } from '../engine/template/types.js';
import type { CommonFlags } from '../options.js';
import { awsContext, requireStore, type AwsContext, type AwsFlags } from './aws-context.js';
import { sourceOptions, type LintFlags } from './source-flags.js';
import { confirm } from './prompt.js';

export interface StackFlags extends CommonFlags, LintFlags, AwsFlags {
  template?: string;
  users?: string;
  stackName?: string;
  parameter: string[];
  /** Minutes (checked by commander as it parses: cli/flag-values.ts). */
  waitTimeout: number;
}

export interface Prepared {
  input: TemplateInput;
  ctx: AwsContext;
  deps: DeployDeps;
  stackName: string;
}

export interface Packaged {
  template: CfnTemplate;
  /** Packaged child templates by stack logical id. */
  children: Record<string, CfnTemplate>;
}

/** The engine's dependencies for a stack command: CloudFormation, S3, the clock from --wait-timeout. */
export function deployDeps(
  ctx: AwsContext,
  flags: Pick<StackFlags, 'waitTimeout'>,
  reporter: Reporter,
): DeployDeps {
  return {
    cfn: ctx.cfn(),
    store: ctx.store,
    templates: ctx.templates,
    reporter,
    clock: { ...realClock, timeoutMs: flags.waitTimeout * 60_000 },
    confirm,
    addresses: () => ctx.addresses(),
  };
}

export async function prepare(flags: StackFlags, reporter: Reporter): Promise<Prepared> {
  const input = await templateInput(sourceOptions(flags), { jsonnet: libjsonnet, reporter });
  const ctx = await awsContext(flags, input.config, reporter);
  return {
    input,
    ctx,
    stackName: flags.stackName ?? input.config.stackName,
    deps: deployDeps(ctx, flags, reporter),
  };
}

/** The template with its artifacts in the bucket ('deploy') or, for 'preview', only what CloudFormation reads. */
export async function packaged(
  p: Prepared,
  purpose: 'deploy' | 'preview',
  reporter: Reporter,
): Promise<Packaged> {
  if (!needsPackaging(p.input.template)) return { template: p.input.template, children: {} };
  const store = requireStore(
    p.ctx,
    "the template names the push function's code (or child templates), which must be uploaded first",
  );
  const { template, children } = await packageTemplate(
    p.input.template,
    { templateDir: p.input.templateDir, prefix: p.ctx.prefix, uploadCode: purpose === 'deploy' },
    store,
    reporter,
  );
  return { template, children };
}
