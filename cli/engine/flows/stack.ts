// What package, deploy and diff share: the template input (built once, in
// memory, or read from --template), the AWS adapters made from its config,
// the engine's deploy dependencies, and the template packaged when it names
// artifacts: for a deploy everything is uploaded; for a preview (diff) only
// what CloudFormation itself reads (child templates), the handler code named
// by its content hash without an upload.
import type { DeployDeps } from '../deploy/deploy.js';
import { templateInput, type TemplateInput, type TemplateInputOptions } from '../deploy/inputs.js';
import { realClock } from '../deploy/watch.js';
import { needsPackaging, packageTemplate } from '../package/package.js';
import path from 'node:path';
import { synthesize, type SynthesizeDeps } from '../synthesize.js';
import type { CfnTemplate } from '../template/types.js';
import { requireStore, type AwsContext, type AwsFactory } from './aws.js';

export interface StackOptions extends TemplateInputOptions {
  /** --stack-name; else the config's stackName. */
  stackName?: string;
  /** --parameter NAME=VALUE flags, over deploy.parameters. */
  parameters: string[];
  /** How long to wait for a stack operation (--wait-timeout). */
  waitTimeoutMs: number;
}

export interface StackAdapters extends SynthesizeDeps {
  aws: AwsFactory;
  /** Asks the operator (only called for `ask` decisions). */
  confirm(question: string): Promise<boolean>;
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

/** The engine's dependencies for a stack operation: CloudFormation, S3, the clock. */
export function deployDeps(
  ctx: AwsContext,
  waitTimeoutMs: number,
  adapters: StackAdapters,
): DeployDeps {
  return {
    cfn: ctx.cfn(),
    store: ctx.store,
    templates: ctx.templates,
    reporter: adapters.reporter,
    clock: { ...realClock, timeoutMs: waitTimeoutMs },
    confirm: adapters.confirm,
    addresses: () => ctx.addresses(),
    transfer: () => ctx.transfer(),
    secrets: () => ctx.secrets(),
  };
}

export async function prepare(opts: StackOptions, adapters: StackAdapters): Promise<Prepared> {
  const input = await templateInput(opts, adapters);
  const ctx = await adapters.aws(input.config);
  return {
    input,
    ctx,
    stackName: opts.stackName ?? input.config.stackName,
    deps: deployDeps(ctx, opts.waitTimeoutMs, adapters),
  };
}

/** The template with its artifacts in the bucket ('deploy') or, for 'preview', only what CloudFormation reads. */
export async function packaged(p: Prepared, purpose: 'deploy' | 'preview'): Promise<Packaged> {
  if (!needsPackaging(p.input.template)) return { template: p.input.template, children: {} };
  const store = requireStore(
    p.ctx,
    "the template names the push function's code (or child templates), which must be uploaded first",
  );
  const { template, children } = await packageTemplate(
    p.input.template,
    {
      templateDir: p.input.templateDir,
      prefix: p.ctx.prefix,
      uploadCode: purpose === 'deploy',
      built: p.input.built,
    },
    store,
    p.deps.reporter,
  );
  return { template, children };
}

/**
 * The staging template of the forward switch to the lambda identity provider
 * (docs/identity-provider.md#service-managed--lambda): the same sources
 * synthesized with identityStage (27d: the function, its bucket and
 * permission added; the server and the users as service-managed renders
 * them), packaged like the gateway's. Not written to the output folder.
 */
export async function stagingTemplate(
  p: Prepared,
  opts: StackOptions,
  adapters: StackAdapters,
): Promise<Packaged> {
  const synth = await synthesize({ ...opts, format: 'json', identityStage: true }, adapters);
  const built = new Map(
    synth.children.map((c) => [path.join(synth.config.outDir, c.file), c.template]),
  );
  return packaged(
    {
      ...p,
      input: { ...p.input, template: synth.template, built, templateDir: synth.config.outDir },
    },
    'deploy',
  );
}
