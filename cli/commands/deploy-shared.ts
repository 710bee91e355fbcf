// What deploy and diff share: the template (built or --template), packaged
// when it names artifacts, and the engine's dependencies wired to AWS.
import { libjsonnet } from '../adapters/jsonnet.js';
import { explainAwsError } from '../adapters/aws/clients.js';
import type { DeployDeps } from '../engine/deploy/deploy.js';
import { templateInput, type TemplateInput } from '../engine/deploy/inputs.js';
import { realClock } from '../engine/deploy/watch.js';
import { usageError } from '../engine/errors.js';
import { needsPackaging, packageTemplate } from '../engine/package/package.js';
import type { Reporter } from '../engine/reporter.js';
import type { CfnTemplate } from '../engine/template/types.js';
import type { CommonFlags } from '../main.js';
import { awsContext, requireStore, type AwsContext, type AwsFlags } from './aws-context.js';
import { lintSettings, type LintFlags } from './lint-settings.js';
import { confirm } from './prompt.js';

export interface StackFlags extends CommonFlags, LintFlags, AwsFlags {
  template?: string;
  users?: string;
  stackName?: string;
  parameter: string[];
  waitTimeout: string;
}

export interface Prepared {
  input: TemplateInput;
  ctx: AwsContext;
  template: CfnTemplate;
  /** Packaged child templates by stack logical id. */
  children: Record<string, CfnTemplate>;
  deps: DeployDeps;
  stackName: string;
}

export async function prepare(flags: StackFlags, reporter: Reporter): Promise<Prepared> {
  const minutes = Number(flags.waitTimeout);
  if (!Number.isFinite(minutes) || minutes <= 0) throw usageError(`--wait-timeout ${flags.waitTimeout}: expected a number of minutes`);
  const input = await templateInput({ configFile: flags.config, env: flags.env, usersDir: flags.users, templateFile: flags.template, lint: lintSettings(flags) }, { jsonnet: libjsonnet, reporter });
  const ctx = await awsContext(flags, input.config, reporter);
  let template = input.template;
  let children: Record<string, CfnTemplate> = {};
  try {
    if (needsPackaging(template)) {
      const store = requireStore(ctx, 'the template names the push function\'s code (or child templates), which must be uploaded first');
      ({ template, children } = await packageTemplate(template, { templateDir: input.templateDir, prefix: ctx.prefix }, store, reporter));
    }
  } catch (err) {
    throw explainAwsError(err);
  }
  return {
    input,
    ctx,
    template,
    children,
    stackName: flags.stackName ?? input.config.stackName,
    deps: { cfn: ctx.cfn(), store: ctx.store, reporter, clock: { ...realClock, timeoutMs: minutes * 60_000 }, confirm },
  };
}
