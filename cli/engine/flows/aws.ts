// What the stack flows (package, deploy, diff, info) need from AWS, as the
// engine sees it: the command wires the SDK (cli/commands/aws-context.ts) and
// passes a factory taking the loaded config, so the config is read once and
// the engine never loads an SDK itself.
import type { AddressApi } from '../../adapters/aws/ec2.js';
import type { ArtifactStore } from '../../adapters/aws/artifact-store.js';
import type { CloudFormationApi } from '../../adapters/aws/cloudformation.js';
import type { DirectoryStore } from '../../adapters/aws/directory-store.js';
import type { FunctionInvoker } from '../identity/smoke.js';
import type { TransferApi } from '../../adapters/aws/transfer.js';
import type { ResolvedConfig } from '../config/types.js';
import type { SecretReader } from '../host-keys/secret-key.js';
import type { TemplateReader } from '../deploy/deploy.js';
import { usageError } from '../errors.js';

export interface AwsContext {
  region: string | undefined;
  store: ArtifactStore | undefined;
  prefix: string;
  /** Child templates by URL (deploy --execute NAME reads a change set's children). */
  templates: TemplateReader;
  cfn(): CloudFormationApi;
  /** EC2 and Service Quotas (Elastic IPs and their quota); their SDKs load on first use. */
  addresses(): Promise<AddressApi>;
  /** Transfer Family (host keys); its SDK loads on first use. */
  transfer(): Promise<TransferApi>;
  /** Secrets Manager reads (the host keys a deploy imports); its SDK loads on first use. */
  secrets(): Promise<SecretReader>;
  /** A lambda gateway's directory object in its DirectoryBucket (S3, the gateway key). */
  directoryStore(location: { bucket: string; keyArn?: string }): DirectoryStore;
  /** Lambda Invoke (the forward switch's check of the staged identity function). */
  invoker(): Promise<FunctionInvoker>;
}

/** Makes the AWS adapters once the config (region, artifact bucket) is known. */
export type AwsFactory = (config: ResolvedConfig) => Promise<AwsContext>;

export function requireStore(ctx: AwsContext, why: string): ArtifactStore {
  if (!ctx.store)
    throw usageError(
      `no artifact bucket: ${why}`,
      'set artifacts.bucket in sftpgw.yaml or pass --s3-bucket',
    );
  return ctx.store;
}

/** --parameter K=V flags over deploy.parameters from the config. */
export function parameters(config: ResolvedConfig, flags: string[]): Record<string, string> {
  const out = { ...config.deploy.parameters };
  for (const f of flags) {
    const i = f.indexOf('=');
    if (i <= 0) throw usageError(`--parameter ${f}: expected NAME=VALUE`);
    out[f.slice(0, i)] = f.slice(i + 1);
  }
  return out;
}
