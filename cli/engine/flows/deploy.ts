// The deploy flow: build (or --template) → package → change set → guard →
// execute → watch; or, given a change set an earlier --no-execute left, the
// same engine call from the change set on (plan, guard, execute) with the
// config only: no build, no template, nothing uploaded.
import { loadConfig } from '../config/load.js';
import {
  deploy as deployStack,
  type Decision,
  type DeployResult,
  type Preview,
} from '../deploy/deploy.js';
import { parameters } from './aws.js';
import { deployDeps, packaged, prepare, type StackAdapters, type StackOptions } from './stack.js';

export interface DeployOptions extends StackOptions {
  execute: Decision;
  /** A change set to apply (--execute NAME) instead of building a new one. */
  changeSetName?: string;
  allowReplace: string[];
  allowUserMoves: boolean;
  allowEndpointChange: boolean;
  /** --allow-host-key-change: the active host key of an algorithm may change. */
  allowHostKeyChange?: boolean;
  recreateFailed: Decision;
  replacePending: Decision;
  /** --role-arn; else deploy.roleArn. */
  roleArn?: string;
  /** --[no-]termination-protection; else deploy.terminationProtection. */
  terminationProtection?: boolean;
}

export type { DeployResult, Preview };

/** `show` prints the plan before the decision to execute. */
export async function deploy(
  opts: DeployOptions,
  adapters: StackAdapters,
  show: (p: Preview) => void,
): Promise<DeployResult> {
  const common = {
    execute: opts.execute,
    allowReplace: opts.allowReplace,
    allowUserMoves: opts.allowUserMoves,
    allowEndpointChange: opts.allowEndpointChange,
    allowHostKeyChange: opts.allowHostKeyChange ?? false,
  };
  if (opts.changeSetName !== undefined) {
    const config = await loadConfig(opts, adapters.reporter);
    const ctx = await adapters.aws(config);
    return deployStack(
      {
        ...common,
        stackName: opts.stackName ?? config.stackName,
        changeSetName: opts.changeSetName,
        terminationProtection: opts.terminationProtection ?? config.deploy.terminationProtection,
      },
      deployDeps(ctx, opts.waitTimeoutMs, adapters),
      show,
    );
  }
  const prepared = await prepare(opts, adapters);
  const { template, children } = await packaged(prepared, 'deploy');
  const config = prepared.input.config;
  return deployStack(
    {
      ...common,
      stackName: prepared.stackName,
      template,
      children,
      parameters: parameters(config, opts.parameters),
      tags: config.tags,
      capabilities: config.deploy.capabilities,
      roleArn: opts.roleArn ?? config.deploy.roleArn ?? undefined,
      recreateFailed: opts.recreateFailed,
      replacePending: opts.replacePending,
      templatePrefix: prepared.ctx.prefix,
      terminationProtection: opts.terminationProtection ?? config.deploy.terminationProtection,
    },
    prepared.deps,
    show,
  );
}
