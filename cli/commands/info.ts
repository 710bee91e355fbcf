// sftpgw info: flags → config, user files and AWS adapters → one engine call
// (engine/endpoint/info.ts) → text or JSON.
import { libjsonnet } from '../adapters/jsonnet.js';
import { loadConfig } from '../engine/config/load.js';
import type { EndpointSettings } from '../engine/config/types.js';
import { gatewayInfo, type InfoRequest } from '../engine/endpoint/info.js';
import { listUsers } from '../engine/users/manage.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatInfo } from '../info-text.js';
import { infoDocument } from '../output-schemas/info.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter, useColor } from '../output.js';
import { awsContext } from './aws-context.js';

export interface InfoFlags extends CommonFlags {
  region?: string;
  stackName?: string;
  users?: string;
  output?: 'text' | 'json';
}

function configuredEndpoint(e: EndpointSettings): InfoRequest['configured'] {
  return e.type === 'vpc'
    ? { endpointType: 'VPC', allocationIds: e.addressAllocationIds ?? [] }
    : { endpointType: 'PUBLIC', allocationIds: [] };
}

export async function run(flags: InfoFlags): Promise<ExitCode> {
  const json = flags.output === 'json';
  const reporter = consoleReporter({ ...flags, quiet: json });
  const config = await loadConfig(
    { configFile: flags.config, env: flags.env, usersDir: flags.users },
    reporter,
  );
  const users = await listUsers(config.usersDir, config.projectDir, libjsonnet);
  const ctx = await awsContext(flags, config, reporter);
  const info = await gatewayInfo(
    {
      stackName: flags.stackName ?? config.stackName,
      region: ctx.region,
      vanityHost: config.dns ? `${config.dns.hostname}.${config.dns.domain}` : undefined,
      serverNetworks: config.server.allowedSourceCidrs,
      users: users.map((u) => ({ name: u.name, allowedSourceCidrs: u.allowedSourceCidrs })),
      configured: configuredEndpoint(config.server.endpoint),
    },
    { cfn: ctx.cfn(), addresses: ctx.addresses, transfer: ctx.transfer, reporter },
  );
  process.stdout.write(
    json ? `${JSON.stringify(infoDocument(info), null, 2)}\n` : formatInfo(info, useColor(flags)),
  );
  return EXIT.ok;
}
