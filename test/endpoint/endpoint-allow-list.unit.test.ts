// The VPC endpoint's allow-list (docs/endpoint.md), in-process: networks
// parsed, merged and placed into security groups stably and within the EC2
// quotas. Gateways with a VPC endpoint built as the CLI process: endpoint.test.ts.
import { expect } from 'chai';
import {
  AllowListTooLong,
  buildAllowList,
  capacityOf,
  DEFAULT_QUOTAS,
  homeGroup,
  SERVER_OWNER,
  type AllowList,
  type OwnedNetwork,
} from '../../cli/engine/endpoint/allow-list.js';
import { checkNetwork, type Network } from '../../cli/engine/endpoint/networks.js';

function net(cidr: string): Network {
  const r = checkNetwork(cidr);
  if (!('network' in r)) throw new Error(`${cidr}: ${r.problem}`);
  return r.network;
}
const owned = (owner: string, ...cidrs: string[]): OwnedNetwork[] =>
  cidrs.map((c) => ({ owner, network: net(c) }));
const cidrsOf = (list: AllowList) => list.groups.flat().map((r) => r.cidr);

/** A seeded generator (mulberry32): the property cases are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Distinct /32s in 100.64.0.0/10, none inside another. */
function addresses(rand: () => number, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n)
    out.add(
      `100.${64 + Math.floor(rand() * 64)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}/32`,
    );
  return [...out];
}
/** Which groups differ between two placements. */
function changedGroups(a: AllowList, b: AllowList): number[] {
  const out: number[] = [];
  a.groups.forEach((g, i) => {
    if (JSON.stringify(g) !== JSON.stringify(b.groups[i])) out.push(i);
  });
  return out;
}

describe('allowed networks: parsing', () => {
  it('accepts IPv4 networks written as their network address', () => {
    expect(net('198.51.100.0/24')).to.deep.equal({
      cidr: '198.51.100.0/24',
      base: 198 * 2 ** 24 + 51 * 2 ** 16 + 100 * 256,
      prefix: 24,
    });
    expect(net('0.0.0.0/0').prefix).to.equal(0);
    expect(net('198.51.100.7/32').prefix).to.equal(32);
  });
  it('refuses what EC2 would not take or would read otherwise, saying what to write', () => {
    const cases: Array<[unknown, RegExp, RegExp]> = [
      ['198.51.100.7', /without a prefix length/, /198\.51\.100\.7\/32/],
      ['198.51.100.7/24', /host bits/, /198\.51\.100\.0\/24/],
      ['10.1/8', /four decimal parts/, /a\.b\.c\.d\/n/],
      ['010.0.0.0/8', /four decimal parts/, /a\.b\.c\.d\/n/],
      ['10.0.0.0/33', /not a valid CIDR/, /address\/prefix/],
      ['2001:db8::/32', /IPv6/, /dual-stack/],
      ['example.com/32', /not a valid CIDR/, /address\/prefix/],
      [42, /must be a string/, /IPv4 CIDR/],
    ];
    for (const [value, problem, hint] of cases) {
      const r = checkNetwork(value);
      expect(r, String(value)).to.have.property('problem').that.matches(problem);
      expect((r as { hint: string }).hint, String(value)).to.match(hint);
    }
  });
});

describe('allowed networks: merging and placement', () => {
  it('merges duplicates and networks inside another entry; keeps siblings apart', () => {
    const list = buildAllowList([
      ...owned(SERVER_OWNER, '203.0.113.0/24'),
      ...owned('acme', '198.51.100.7/32', '203.0.113.9/32'),
      ...owned('globex', '198.51.100.7/32', '192.0.2.0/25', '192.0.2.128/25'),
    ]);
    expect(cidrsOf(list).sort()).to.deep.equal([
      '192.0.2.0/25',
      '192.0.2.128/25',
      '198.51.100.7/32',
      '203.0.113.0/24',
    ]);
    expect(list.distinct).to.equal(4);
    expect(list.covered).to.deep.equal([
      { cidr: '203.0.113.9/32', owners: ['acme'], coveredBy: '203.0.113.0/24' },
    ]);
    const shared = list.groups.flat().find((r) => r.cidr === '198.51.100.7/32');
    expect(shared?.owners).to.deep.equal(['acme', 'globex']);
    expect(list.groups).to.have.length(DEFAULT_QUOTAS.groupsPerInterface);
  });

  it('0.0.0.0/0 covers every other network', () => {
    const list = buildAllowList([
      ...owned(SERVER_OWNER, '0.0.0.0/0'),
      ...owned('acme', '198.51.100.7/32'),
    ]);
    expect(cidrsOf(list)).to.deep.equal(['0.0.0.0/0']);
    expect(list.covered.map((c) => c.coveredBy)).to.deep.equal(['0.0.0.0/0']);
  });

  it("puts each owner's networks in the group of its name's hash", () => {
    const entries = ['acme', 'globex', 'initech', 'umbrella'].flatMap((u, i) =>
      owned(u, `198.51.${100 + i}.0/24`, `198.51.${110 + i}.0/24`),
    );
    const list = buildAllowList(entries);
    for (const [i, g] of list.groups.entries())
      for (const r of g) expect(homeGroup(r.owners[0], 5), r.cidr).to.equal(i);
  });

  it('adding or removing one network, or one user, changes one group while groups have room (seeded, 200 cases)', () => {
    const rand = random(16);
    for (let c = 0; c < 200; c++) {
      const users = Array.from({ length: 10 + Math.floor(rand() * 70) }, (_, i) => `partner${i}`);
      const pool = addresses(rand, users.length * 2 + 1);
      const entries = users.flatMap((u, i) => owned(u, pool[2 * i], pool[2 * i + 1]));
      const before = buildAllowList(entries);
      const who = users[Math.floor(rand() * users.length)];
      const added = buildAllowList([...entries, ...owned(who, pool[pool.length - 1])]);
      // The promise holds while no group is full (near the quota a network spills over).
      expect(Math.max(...added.groups.map((g) => g.length)), `case ${c}`).to.be.below(60);
      expect(changedGroups(before, added), `case ${c}: add to ${who}`).to.have.length(1);
      const one = entries.findIndex((e) => e.owner === who);
      const removed = buildAllowList(entries.filter((_, i) => i !== one));
      expect(changedGroups(before, removed), `case ${c}: remove from ${who}`).to.have.length(1);
      const gone = buildAllowList(entries.filter((e) => e.owner !== who));
      expect(changedGroups(before, gone), `case ${c}: remove ${who}`).to.have.length(1);
    }
  });

  it('admits exactly the quota: 5 groups × 60 rules = 300 networks, refuses 301', () => {
    expect(capacityOf(DEFAULT_QUOTAS)).to.equal(300);
    expect(capacityOf({ rulesPerGroup: 250, groupsPerInterface: 5 })).to.equal(1000);
    expect(capacityOf({ rulesPerGroup: 1000, groupsPerInterface: 5 })).to.equal(1000);
    const pool = addresses(random(7), 301);
    // One owner per network: hashes fill some groups first, which then spill.
    const entries = pool.map((cidr, i) => ({ owner: `partner${i}`, network: net(cidr) }));
    const full = buildAllowList(entries.slice(0, 300));
    expect(full.groups.map((g) => g.length)).to.deep.equal([60, 60, 60, 60, 60]);
    expect(() => buildAllowList(entries)).to.throw(AllowListTooLong, /301 distinct networks/);
    // Merged networks do not count: a wider entry makes room.
    expect(buildAllowList([...entries, ...owned(SERVER_OWNER, '100.64.0.0/10')]).distinct).to.equal(
      1,
    );
  });
});
