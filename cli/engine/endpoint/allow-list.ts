// The networks a VPC endpoint admits, merged and placed into its security
// groups. Pure: the engine calls it with every allowedSourceCidrs entry of
// sftpgw.yaml and of every user file (users in child stacks included: the
// security groups belong to the server in the root stack).
//
// Merging: an exact duplicate, or a network inside another entry (a /32
// inside a /24), adds no rule.
// Placement is STABLE: each owner's networks (a user's, or the server
// level's) go to the group chosen by a hash of the owner's name, so adding
// or removing one user's network rewrites one security group, not all of
// them. Only when a group is full does a network spill to the next group
// with room (in a fixed order), and only then may a change touch two groups.
// Quotas (EC2, per region): inbound rules per security group (default 60) ×
// security groups per network interface (default 5) is capped at 1,000, so
// with the defaults one endpoint admits at most 300 distinct networks.
import { createHash } from 'node:crypto';
import type { Network } from './networks.js';

/** The owner of the server-level networks (not a valid username: no clash). */
export const SERVER_OWNER = '(server)';

export interface Quotas {
  /** Inbound rules per security group (EC2 default 60). */
  rulesPerGroup: number;
  /** Security groups per network interface (EC2 default 5); the endpoint uses this many groups. */
  groupsPerInterface: number;
}
export const DEFAULT_QUOTAS: Quotas = { rulesPerGroup: 60, groupsPerInterface: 5 };
/** EC2 caps rules per group × groups per interface at 1,000 whatever quotas are raised. */
export const MAX_RULES_PER_INTERFACE = 1000;

export interface OwnedNetwork {
  /** A username, or SERVER_OWNER. */
  owner: string;
  network: Network;
}

/** One ingress rule: a network and everyone who asked for it (sorted). */
export interface AllowRule {
  cidr: string;
  owners: string[];
}

export interface AllowList {
  /** Exactly quotas.groupsPerInterface groups, some possibly empty; rules in address order. */
  groups: AllowRule[][];
  /** Networks that add nothing: inside another entry. */
  covered: Array<{ cidr: string; owners: string[]; coveredBy: string }>;
  /** Distinct networks after merging (the rules the endpoint needs). */
  distinct: number;
  /** How many distinct networks the quotas admit. */
  capacity: number;
}

export class AllowListTooLong extends Error {
  constructor(
    readonly distinct: number,
    readonly capacity: number,
    readonly quotas: Quotas,
  ) {
    super(`${distinct} distinct networks exceed the ${capacity} one endpoint admits`);
  }
}

export function capacityOf(q: Quotas): number {
  return Math.min(q.rulesPerGroup * q.groupsPerInterface, MAX_RULES_PER_INTERFACE);
}

/** The group an owner's networks go to first: stable across builds and machines. */
export function homeGroup(owner: string, groups: number): number {
  return createHash('sha256').update(owner).digest().readUInt32BE(0) % groups;
}

const key = (n: Network) => `${n.base}/${n.prefix}`;
const byAddress = (a: Network, b: Network) => a.base - b.base || a.prefix - b.prefix;

export function buildAllowList(entries: OwnedNetwork[], quotas = DEFAULT_QUOTAS): AllowList {
  // Deduplicate: one entry per network, with all its owners.
  const byNetwork = new Map<string, { network: Network; owners: Set<string> }>();
  for (const e of entries) {
    const k = key(e.network);
    let entry = byNetwork.get(k);
    if (!entry) byNetwork.set(k, (entry = { network: e.network, owners: new Set() }));
    entry.owners.add(e.owner);
  }
  // Drop networks inside a wider one: look each up at every shorter prefix
  // (32 lookups a network, instead of comparing every pair).
  const present = new Set(byNetwork.keys());
  const kept: Array<{ network: Network; owners: string[] }> = [];
  const covered: AllowList['covered'] = [];
  for (const { network, owners } of byNetwork.values()) {
    const sorted = [...owners].sort();
    let by: string | undefined;
    for (let p = 0; p < network.prefix && !by; p++) {
      const size = 2 ** (32 - p);
      const outer: Network = { cidr: '', base: Math.floor(network.base / size) * size, prefix: p };
      if (present.has(key(outer))) by = byNetwork.get(key(outer))!.network.cidr;
    }
    if (by) covered.push({ cidr: network.cidr, owners: sorted, coveredBy: by });
    else kept.push({ network, owners: sorted });
  }
  const capacity = capacityOf(quotas);
  if (kept.length > capacity) throw new AllowListTooLong(kept.length, capacity, quotas);

  // Place: each network in its first owner's home group, spilling to the next
  // group with room; a fixed order (owner, then address) keeps it reproducible.
  const n = quotas.groupsPerInterface;
  const groups: Array<typeof kept> = Array.from({ length: n }, () => []);
  kept.sort((a, b) =>
    a.owners[0] === b.owners[0]
      ? byAddress(a.network, b.network)
      : a.owners[0] < b.owners[0]
        ? -1
        : 1,
  );
  for (const rule of kept) {
    const home = homeGroup(rule.owners[0], n);
    for (let i = 0; i < n; i++) {
      const g = groups[(home + i) % n];
      if (g.length < quotas.rulesPerGroup) {
        g.push(rule);
        break;
      }
    }
  }
  return {
    groups: groups.map((g) =>
      g
        .sort((a, b) => byAddress(a.network, b.network))
        .map((r) => ({ cidr: r.network.cidr, owners: r.owners })),
    ),
    covered: covered.sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0)),
    distinct: kept.length,
    capacity,
  };
}
