// server.endpoint and server.allowedSourceCidrs of sftpgw.yaml, after the
// environment is merged: the checks the schema cannot say well, each naming
// the field and what to do (docs/endpoint.md).
import type { Problem } from '../errors.js';
import { checkNetwork } from '../endpoint/networks.js';
import type { EndpointSettings, Settings } from './types.js';

/** Transfer Family: a VPC endpoint spans at most three subnets (Availability Zones). */
export const MAX_ENDPOINT_SUBNETS = 3;

export interface EndpointPlace {
  file: string;
  /** The line a key path is written on (the environment's own key first). */
  lineOf(keys: readonly (string | number)[]): number | undefined;
}

export function resolveEndpoint(
  server: Settings['server'],
  at: EndpointPlace,
  problems: Problem[],
): { endpoint: EndpointSettings; allowedSourceCidrs: string[] } {
  const add = (keys: (string | number)[], message: string, hint: string) =>
    problems.push({
      file: at.file,
      field: keys.join('.'),
      line: at.lineOf(keys),
      message,
      hint,
    });
  const e = server?.endpoint ?? null;
  const type = e?.type ?? 'public';
  const cidrs = server?.allowedSourceCidrs ?? [];
  cidrs.forEach((c, i) => {
    const r = checkNetwork(c);
    if ('problem' in r) add(['server', 'allowedSourceCidrs', i], r.problem, r.hint);
  });
  if (type === 'public') {
    const set = (['vpcId', 'subnetIds', 'addressAllocationIds'] as const).filter(
      (k) => e?.[k] !== undefined,
    );
    if (set.length > 0)
      add(
        ['server', 'endpoint', 'type'],
        `is ${e?.type === undefined ? 'not set (public)' : 'public'} but ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set`,
        'set type: vpc to use them, or remove them (an environment can set server.endpoint: null to go back to a public endpoint)',
      );
    if (cidrs.length > 0)
      add(
        ['server', 'allowedSourceCidrs'],
        'would not be enforced: the endpoint is public, open to the whole internet',
        'set server.endpoint.type: vpc (with vpcId and subnetIds) to admit only these networks, or remove the list',
      );
    return { endpoint: { type: 'public' }, allowedSourceCidrs: [] };
  }
  if (!e?.vpcId)
    add(
      ['server', 'endpoint', 'vpcId'],
      'is missing: a VPC endpoint needs its VPC',
      'set vpcId: vpc-… (the VPC of the subnets)',
    );
  const subnets = e?.subnetIds ?? [];
  if (subnets.length === 0)
    add(
      ['server', 'endpoint', 'subnetIds'],
      'is missing: a VPC endpoint needs one public subnet per Availability Zone',
      'set subnetIds: [subnet-…] (one to three public subnets of vpcId, each in another Availability Zone)',
    );
  else if (subnets.length > MAX_ENDPOINT_SUBNETS)
    add(
      ['server', 'endpoint', 'subnetIds'],
      `has ${subnets.length} subnets; a Transfer Family VPC endpoint takes at most ${MAX_ENDPOINT_SUBNETS}`,
      'keep one public subnet in each of at most three Availability Zones',
    );
  const given = e?.addressAllocationIds;
  if (given && subnets.length > 0 && given.length !== subnets.length)
    add(
      ['server', 'endpoint', 'addressAllocationIds'],
      `has ${given.length} allocation id${given.length === 1 ? '' : 's'} for ${subnets.length} subnet${subnets.length === 1 ? '' : 's'}`,
      'give one Elastic IP per subnet, in subnet order, or omit addressAllocationIds to let the stack allocate them',
    );
  return {
    endpoint: {
      type: 'vpc',
      vpcId: e?.vpcId ?? '',
      subnetIds: subnets,
      addressAllocationIds: given ?? null,
    },
    allowedSourceCidrs: cidrs,
  };
}
