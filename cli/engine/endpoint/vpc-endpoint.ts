// A VPC endpoint's part of the template config: the resolved server.endpoint
// plus the allow-list of sftpgw.yaml and every user file, merged and placed
// into security groups (allow-list.ts). Refusals name sftpgw.yaml's field:
// the list is the server's, whoever contributed to it.
import type { ResolvedConfig, VpcEndpointTemplate } from '../config/types.js';
import type { Problem } from '../errors.js';
import {
  AllowListTooLong,
  buildAllowList,
  DEFAULT_QUOTAS,
  MAX_RULES_PER_INTERFACE,
  SERVER_OWNER,
  type AllowRule,
  type OwnedNetwork,
} from './allow-list.js';
import { checkNetwork } from './networks.js';

/** Security group rule descriptions: at most 255 characters. */
const MAX_DESCRIPTION = 255;

export function vpcEndpointTemplate(
  config: ResolvedConfig,
  users: ReadonlyArray<{ name: string; spec: { allowedSourceCidrs: string[] } }>,
  configShown: string,
  problems: Problem[],
): VpcEndpointTemplate | null {
  const e = config.server.endpoint;
  if (e.type !== 'vpc') return null;
  const entries: OwnedNetwork[] = [];
  const add = (owner: string, cidrs: string[]) => {
    for (const c of cidrs) {
      const r = checkNetwork(c);
      if ('network' in r) entries.push({ owner, network: r.network });
    }
  };
  add(SERVER_OWNER, config.server.allowedSourceCidrs);
  for (const u of users) add(u.name, u.spec.allowedSourceCidrs);
  const field = 'server.allowedSourceCidrs';
  if (entries.length === 0) {
    problems.push({
      file: configShown,
      field,
      message:
        'the VPC endpoint admits no network: neither server.allowedSourceCidrs nor any user file lists allowedSourceCidrs',
      hint: "list each partner's networks in its user file (allowedSourceCidrs: ['198.51.100.7/32']) or networks for every user in server.allowedSourceCidrs; see docs/endpoint.md",
    });
    return null;
  }
  try {
    const list = buildAllowList(entries, DEFAULT_QUOTAS);
    return {
      vpcId: e.vpcId,
      subnetIds: e.subnetIds,
      addressAllocationIds: e.addressAllocationIds,
      securityGroups: list.groups.map((g) =>
        g.map((r) => ({ cidr: r.cidr, description: describe(r) })),
      ),
    };
  } catch (err) {
    if (!(err instanceof AllowListTooLong)) throw err;
    const q = err.quotas;
    problems.push({
      file: configShown,
      field,
      message: `with the users' allowedSourceCidrs, the gateway admits ${err.distinct} distinct networks (after merging); one VPC endpoint admits at most ${err.capacity}: ${q.groupsPerInterface} security groups per network interface × ${q.rulesPerGroup} inbound rules per security group (the default EC2 quotas)`,
      hint: `remove networks, or list wider networks that hold several partners' addresses; EC2 caps rules per group × groups per interface at ${MAX_RULES_PER_INTERFACE} (docs/endpoint.md)`,
    });
    return null;
  }
}

/** Who asked for a rule, for whoever reads the security group in the console. */
function describe(r: AllowRule): string {
  const users = r.owners.filter((o) => o !== SERVER_OWNER);
  const parts = [
    ...(r.owners.includes(SERVER_OWNER) ? ['server.allowedSourceCidrs'] : []),
    ...(users.length > 0 ? [`${users.length === 1 ? 'user' : 'users'} ${users.join(', ')}`] : []),
  ];
  const text = `SFTP from ${parts.join('; ')}`;
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 3)}...`;
}
