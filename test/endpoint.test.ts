// The VPC endpoint's allow-list (docs/endpoint.md): networks merged and
// placed into security groups stably and within the EC2 quotas, and
// gateways with a VPC endpoint built through every validation layer (the
// real libjsonnet and cfn-lint, run as the CLI process).
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AllowListTooLong,
  buildAllowList,
  capacityOf,
  DEFAULT_QUOTAS,
  homeGroup,
  SERVER_OWNER,
  type AllowList,
  type OwnedNetwork,
} from '../cli/engine/endpoint/allow-list.js';
import { checkNetwork, type Network } from '../cli/engine/endpoint/networks.js';
import type { CfnTemplate } from '../cli/engine/template/types.js';
import { CFN_LINT_RANGE, checkCfnLintVersion, withCfnLintNote } from './helpers/cfn-lint.js';
import { keyPair } from './helpers/keys.js';
import { buildProject, cleanTempDirs, copyFixture, repoRoot, tempDir } from './helpers/project.js';

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

/** A finding line of the build's report. */
const FINDING = /^\s*(error|warning)\s/m;
const ofType = (t: CfnTemplate, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe(`gateways with a VPC endpoint build clean in every layer (${CFN_LINT_RANGE}, -c I)`, function () {
  this.timeout(120_000);
  before(() => checkCfnLintVersion());
  afterEach(cleanTempDirs);

  for (const [project, envs] of [
    ['vpc-endpoint', ['', 'prod', 'sharded']],
    ['vpc-endpoint-given-addresses', ['']],
  ] as const) {
    for (const env of envs) {
      it(`${project}${env ? ` / ${env}` : ''}`, () => {
        const dir = tempDir();
        copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', project), dir);
        const b = buildProject(dir, env ? ['--env', env] : []);
        expect(b.status, withCfnLintNote(b.output)).to.equal(0);
        expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
        const server = b.template.Resources.Server.Properties as Record<string, unknown>;
        expect(server.EndpointType).to.equal('VPC');
        expect(b.template.Outputs?.ServerEndpointType).to.deep.include({ Value: 'VPC' });
        const eips = ofType(b.template, 'AWS::EC2::EIP');
        if (project === 'vpc-endpoint') {
          expect(eips.map(([id]) => id)).to.deep.equal(
            env === 'prod'
              ? ['ServerAddress1', 'ServerAddress2', 'ServerAddress3']
              : ['ServerAddress1', 'ServerAddress2'],
          );
          expect(b.template.Outputs).to.have.property('ServerAddresses');
        } else {
          expect(eips).to.deep.equal([]);
          expect(b.template.Outputs).to.not.have.property('ServerAddresses');
          expect(
            (server.EndpointDetails as { AddressAllocationIds: unknown }).AddressAllocationIds,
          ).to.deep.equal(['eipalloc-0123456789abcdef0', 'eipalloc-0fedcba9876543210']);
        }
        expect(b.template.Outputs).to.have.property('ServerAddressAllocationIds');
      });
    }
  }

  it('150 partners, each with its own network: builds, validates, stays within the rule quotas', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'users'));
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      [
        'stackName: partners-150',
        'outbound:',
        '  enabled: false',
        'server:',
        '  endpoint:',
        '    type: vpc',
        '    vpcId: vpc-0123456789abcdef0',
        '    subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210, subnet-0a1b2c3d4e5f60718]',
        '  allowedSourceCidrs: [203.0.113.0/24]',
        '',
      ].join('\n'),
    );
    const key = keyPair('ed25519').publicKey;
    for (let i = 0; i < 150; i++)
      writeFileSync(
        path.join(dir, 'users', `partner${String(i).padStart(3, '0')}.libsonnet`),
        `{ sshPublicKeys: [${JSON.stringify(key)}], allowedSourceCidrs: ['100.${64 + (i >> 8)}.${i & 255}.0/28'] }\n`,
      );
    const b = buildProject(dir);
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
    expect(b.output).to.include('(0 errors, 0 warnings, 1 informational)'); // the template size: deployed from S3
    const groups = ofType(b.template, 'AWS::EC2::SecurityGroup');
    expect(groups).to.have.length(5);
    const rules = groups.map(
      ([, g]) =>
        ((g.Properties as { SecurityGroupIngress?: unknown[] }).SecurityGroupIngress ?? []).length,
    );
    expect(Math.max(...rules)).to.be.at.most(DEFAULT_QUOTAS.rulesPerGroup);
    expect(rules.reduce((a, b) => a + b, 0)).to.equal(151);
    expect(ofType(b.template, 'AWS::Transfer::User')).to.have.length(150);
  });

  it('0.0.0.0/0 at the server level builds, with a warning that the server is open to the internet', () => {
    const dir = tempDir();
    copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', 'vpc-endpoint'), dir);
    const file = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('[203.0.113.0/24]', '[203.0.113.0/24, 0.0.0.0/0]'),
    );
    const b = buildProject(dir);
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output).to.match(
      /server\.allowedSourceCidrs holds 0\.0\.0\.0\/0: the server is open to the whole internet/,
    );
    expect(b.output).to.match(
      /warning .*admits 0\.0\.0\.0\/0.*\[baseline\/endpoint-open-ingress\]/,
    );
    const cidrs = ofType(b.template, 'AWS::EC2::SecurityGroup').flatMap(([, g]) =>
      (
        (g.Properties as { SecurityGroupIngress?: Array<{ CidrIp: string }> })
          .SecurityGroupIngress ?? []
      ).map((r) => r.CidrIp),
    );
    expect(cidrs).to.deep.equal(['0.0.0.0/0']);
  });
});
