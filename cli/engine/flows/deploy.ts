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
import {
  deployGateway,
  type GatewayDeployResult,
  type GatewayShow,
} from '../deploy/gateway-deploy.js';
import { parameters } from './aws.js';
import {
  deployDeps,
  packaged,
  prepare,
  stagingTemplate,
  type StackAdapters,
  type StackOptions,
} from './stack.js';

export interface DeployOptions extends StackOptions {
  execute: Decision;
  /** A change set to apply (--execute NAME) instead of building a new one. */
  changeSetName?: string;
  allowReplace: string[];
  allowUserMoves: boolean;
  allowEndpointChange: boolean;
  /** --allow-host-key-change: the active host key of an algorithm may change. */
  allowHostKeyChange?: boolean;
  /** --allow-identity-provider-change: the server's IdentityProviderType may change (docs/identity-provider.md). */
  allowIdentityProviderChange?: boolean;
  recreateFailed: Decision;
  replacePending: Decision;
  /** --role-arn; else deploy.roleArn. */
  roleArn?: string;
  /** --[no-]termination-protection; else deploy.terminationProtection. */
  terminationProtection?: boolean;
}

export type { DeployResult, GatewayDeployResult, GatewayShow, Preview };

/** `show` prints the plans (change sets', the directory's) before the decision to execute. */
export async function deploy(
  opts: DeployOptions,
  adapters: StackAdapters,
  show: GatewayShow,
): Promise<GatewayDeployResult> {
  const common = {
    execute: opts.execute,
    allowReplace: opts.allowReplace,
    allowUserMoves: opts.allowUserMoves,
    allowEndpointChange: opts.allowEndpointChange,
    allowHostKeyChange: opts.allowHostKeyChange ?? false,
    allowIdentityProviderChange: opts.allowIdentityProviderChange ?? false,
  };
  if (opts.changeSetName !== undefined) {
    const config = await loadConfig(opts, adapters.reporter);
    const ctx = await adapters.aws(config);
    // A change set left for review: it is executed as it is. A lambda
    // gateway's directory is not uploaded by it (no build here): the next
    // deploy from the sources uploads it (docs/deploy.md).
    const result = await deployStack(
      {
        ...common,
        stackName: opts.stackName ?? config.stackName,
        changeSetName: opts.changeSetName,
        terminationProtection: opts.terminationProtection ?? config.deploy.terminationProtection,
      },
      deployDeps(ctx, opts.waitTimeoutMs, adapters),
      show.plan,
    );
    return { result };
  }
  const prepared = await prepare(opts, adapters);
  const { template, children } = await packaged(prepared, 'deploy');
  const config = prepared.input.config;
  const dir = prepared.input.directory;
  return deployGateway(
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
      ...(dir
        ? {
            identity: {
              directory: dir.directory,
              directoryText: dir.text,
              // Only with the sources: the staging template is synthesized, not read.
              ...(opts.templateFile
                ? {}
                : { staging: () => stagingTemplate(prepared, opts, adapters) }),
            },
          }
        : {}),
    },
    prepared.deps,
    {
      directoryStore: (location) => prepared.ctx.directoryStore(location),
      invoker: () => prepared.ctx.invoker(),
      now: () => new Date(),
    },
    show,
  );
}
