// The info flow: config, user files and the deployed stack → what partners
// need (addresses, host keys, networks): endpoint/info.ts does the work.
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { loadConfig, type ConfigOptions } from '../config/load.js';
import type { EndpointSettings } from '../config/types.js';
import { gatewayInfo, type GatewayInfo, type InfoRequest } from '../endpoint/info.js';
import type { Reporter } from '../reporter.js';
import { listUsers } from '../users/manage.js';
import type { AwsFactory } from './aws.js';

export interface InfoOptions extends ConfigOptions {
  /** --stack-name; else the config's stackName. */
  stackName?: string;
}

export interface InfoAdapters {
  jsonnet: JsonnetEngine;
  reporter: Reporter;
  aws: AwsFactory;
}

export type { GatewayInfo };

function configuredEndpoint(e: EndpointSettings): InfoRequest['configured'] {
  return e.type === 'vpc'
    ? { endpointType: 'VPC', allocationIds: e.addressAllocationIds ?? [] }
    : { endpointType: 'PUBLIC', allocationIds: [] };
}

export async function info(opts: InfoOptions, adapters: InfoAdapters): Promise<GatewayInfo> {
  const { reporter } = adapters;
  const config = await loadConfig(opts, reporter);
  const users = await listUsers(config.usersDir, config.projectDir, adapters.jsonnet);
  const ctx = await adapters.aws(config);
  return gatewayInfo(
    {
      stackName: opts.stackName ?? config.stackName,
      region: ctx.region,
      vanityHost: config.dns ? `${config.dns.hostname}.${config.dns.domain}` : undefined,
      serverNetworks: config.server.allowedSourceCidrs,
      users: users.map((u) => ({ name: u.name, allowedSourceCidrs: u.allowedSourceCidrs })),
      configured: configuredEndpoint(config.server.endpoint),
      configuredIdentityProvider: config.server.identityProvider.type,
    },
    {
      cfn: ctx.cfn(),
      addresses: ctx.addresses,
      transfer: ctx.transfer,
      // Read only: S3 decrypts with the key the object names (SSE-KMS); keyArn is for writes.
      directories: (bucket) => ctx.directoryStore({ bucket, keyArn: '' }),
      reporter,
    },
  );
}
