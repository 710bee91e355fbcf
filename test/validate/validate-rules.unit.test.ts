// Every rule of the schema, semantic and baseline layers catches what it is
// for and names the logical id. Each fixture in fixtures/bad-templates breaks
// a known-good template (the built example, or the example plus the outbound
// resources) in one way; the errors found must be exactly the expected ones,
// so a rule that fires where it should not fails a test too.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Waiver } from '../../cli/engine/config/types.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { BASELINE_RULES } from '../../cli/engine/validate/rules/baseline.js';
import type { Finding } from '../../cli/engine/validate/finding.js';
import { runLayers } from '../../cli/engine/validate/layers.js';
import { nestedHomes, type UserHome } from '../../cli/engine/validate/rules/transfer/user-homes.js';
import { applyPatch, type PatchOp } from '../helpers/json-patch.js';
import { repoRoot } from '../helpers/project.js';

interface Expected {
  rule: string;
  logicalId: string | null;
  severity?: 'error' | 'warning';
}
interface Fixture {
  /** The built example, or a downstream fixture project (its default environment). */
  base: 'example' | 'downstream' | 'downstream-malware';
  patch: PatchOp[];
  expect: Expected[];
  expectWaived?: Expected[];
  expectCount?: Record<string, number>;
  options?: {
    bodyBytes?: number;
    waivers?: Waiver[];
    permissionsBoundary?: string;
    configuredValues?: string[];
  };
  repeat?: { count: number; idPrefix: string; resource: unknown };
  repeatOutputs?: { count: number; idPrefix: string; output: unknown };
}

const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'bad-templates');
const readJson = (...p: string[]) =>
  JSON.parse(readFileSync(path.join(repoRoot, ...p), 'utf8')) as unknown;
const example = () => readJson('test', 'golden', 'example', 'default.json') as CfnTemplate;
const SHARED_TAGS = { costCenter: 'cc-1000', team: 'platform', 'sftpgw:gateway': 'sftpgw-example' };
// test/fixtures/projects/downstream, as sftpgw build checks it: its tags, its
// boundary, and Snowflake's IAM user (another account's ARN, from the config).
const downstream = () => readJson('test', 'golden', 'downstream', 'default.json') as CfnTemplate;
const DOWNSTREAM_OPTIONS = {
  sharedTags: { owner: 'fixture', 'sftpgw:gateway': 'fixture-downstream' },
  permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundaries/PlatformBoundary',
  configuredValues: [
    'arn:aws:iam::123456789012:policy/boundaries/PlatformBoundary',
    'arn:aws:iam::123456789012:user/abc1-b-self1234',
  ],
};
// test/fixtures/projects/downstream-malware: downstream.malwareScan, with
// the gateway's alarm topic and an existing paging topic from the config.
const downstreamMalware = () =>
  readJson('test', 'golden', 'downstream-malware', 'default.json') as CfnTemplate;
const MALWARE_OPTIONS = {
  ...DOWNSTREAM_OPTIONS,
  sharedTags: { owner: 'fixture', 'sftpgw:gateway': 'fixture-malware' },
  configuredValues: [
    ...DOWNSTREAM_OPTIONS.configuredValues,
    'arn:aws:sns:eu-central-1:123456789012:platform-paging',
  ],
};
const BASES = {
  example: { template: example, options: { sharedTags: SHARED_TAGS } },
  downstream: { template: downstream, options: DOWNSTREAM_OPTIONS },
  'downstream-malware': { template: downstreamMalware, options: MALWARE_OPTIONS },
};
const baseOptions = (fx: Fixture) => BASES[fx.base].options;

function build(fx: Fixture): CfnTemplate {
  const t = applyPatch(BASES[fx.base].template(), fx.patch);
  for (let i = 0; i < (fx.repeat?.count ?? 0); i++)
    t.Resources[`${fx.repeat!.idPrefix}${i}`] = structuredClone(
      fx.repeat!.resource,
    ) as CfnTemplate['Resources'][string];
  for (let i = 0; i < (fx.repeatOutputs?.count ?? 0); i++)
    (t.Outputs ??= {})[`${fx.repeatOutputs!.idPrefix}${i}`] = structuredClone(
      fx.repeatOutputs!.output,
    );
  return t;
}

const key = (e: { rule: string; logicalId?: string | null }) =>
  `${e.rule} @ ${e.logicalId ?? '(template)'}`;
const show = (fs: Finding[]) => fs.map((f) => `${f.severity} ${key(f)}: ${f.message}`).join('\n');

describe('validation rules (fixtures/bad-templates)', () => {
  const names = readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('the example template (inbound and outbound) is clean', async () => {
    const { findings } = await runLayers(example(), { sharedTags: SHARED_TAGS });
    expect(show(findings)).to.equal('');
  });

  it('the downstream template (events, Snowflake) is clean', async () => {
    const { findings } = await runLayers(downstream(), DOWNSTREAM_OPTIONS);
    expect(show(findings)).to.equal('');
  });

  it('the downstream template with the malware scan is clean', async () => {
    const { findings } = await runLayers(downstreamMalware(), MALWARE_OPTIONS);
    expect(show(findings)).to.equal('');
  });

  for (const name of names) {
    it(name.replace(/\.json$/, ''), async () => {
      const fx = JSON.parse(readFileSync(path.join(fixtureDir, name), 'utf8')) as Fixture;
      const { findings } = await runLayers(build(fx), { ...baseOptions(fx), ...fx.options });
      const active = findings.filter((f) => f.waived === undefined);
      for (const sev of ['error', 'warning'] as const) {
        const want = fx.expect
          .filter((e) => (e.severity ?? 'error') === sev)
          .map(key)
          .sort();
        const got = [...new Set(active.filter((f) => f.severity === sev).map(key))].sort();
        expect(got, `${sev}s found:\n${show(findings)}`).to.deep.equal(want);
      }
      const waived = findings.filter((f) => f.waived !== undefined);
      expect(waived.map(key).sort()).to.deep.equal((fx.expectWaived ?? []).map(key).sort());
      for (const f of waived) expect(f.waived).to.have.length.greaterThan(9);
      for (const [rule, n] of Object.entries(fx.expectCount ?? {}))
        expect(
          findings.filter((f) => f.rule === rule),
          show(findings),
        ).to.have.length(n);
      for (const f of active) {
        expect(f.message, key(f)).to.be.a('string').and.not.equal('');
        if (f.severity === 'error')
          expect(f.hint, `${key(f)} says what to do`)
            .to.be.a('string')
            .and.not.equal('');
        if (f.logicalId)
          expect(f.pointer, key(f)).to.satisfy(
            (p: string) =>
              p.startsWith(`/Resources/${f.logicalId}`) || f.rule.startsWith('waiver/'),
          );
      }
    });
  }

  it('every baseline rule has a fixture that trips it', () => {
    const tripped = new Set(
      names.flatMap((n) => {
        const fx = JSON.parse(readFileSync(path.join(fixtureDir, n), 'utf8')) as Fixture;
        return [...fx.expect, ...(fx.expectWaived ?? [])].map((e) => e.rule);
      }),
    );
    expect(BASELINE_RULES.map((r) => r.id).filter((id) => !tripped.has(id))).to.deep.equal([]);
  });
});

describe('nested home directories (baseline/user-home-nested)', () => {
  const homes = (paths: string[]): UserHome[] =>
    paths.map((p, i) => ({
      resource: { Type: 'AWS::Transfer::User' },
      where: `User${i}`,
      user: `u${i}`,
      key: `/b/${p}`,
      shown: p,
    }));
  const pairs = (hs: UserHome[]) => {
    const out: string[] = [];
    for (const [r, o] of nestedHomes(hs)) {
      const inner = hs.find((h) => h.resource === r)!.shown;
      for (const x of o.inside) out.push(`${inner} in ${x.shown}`);
      for (const x of o.same) out.push(`${inner} = ${x.shown}`);
    }
    return out.sort();
  };

  it('compares path segments: team holds team/sub, not team-x (the neighbours of a sort)', () => {
    expect(pairs(homes(['team', 'team-x', 'team/sub']))).to.deep.equal(['team/sub in team']);
    expect(pairs(homes(['a', 'a/b', 'a/b/c', 'a.b', 'a-b/c']))).to.deep.equal([
      'a/b in a',
      'a/b/c in a',
      'a/b/c in a/b',
    ]);
    expect(pairs(homes(['x', 'x']))).to.deep.equal(['x = x', 'x = x']);
  });

  it('finds exactly what comparing every pair finds, on random trees of homes', () => {
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const parts = ['a', 'b', 'a-b', 'a.b', 'ab', 'b0', 'a_'];
    for (let round = 0; round < 50; round++) {
      const paths = Array.from({ length: 30 }, () =>
        Array.from({ length: 1 + rnd(3) }, () => parts[rnd(parts.length)]).join('/'),
      );
      const hs = homes(paths);
      const brute: string[] = [];
      for (const a of hs)
        for (const b of hs) {
          if (a === b) continue;
          if (a.key === b.key) brute.push(`${a.shown} = ${b.shown}`);
          else if (a.key.startsWith(b.key + '/')) brute.push(`${a.shown} in ${b.shown}`);
        }
      expect(pairs(hs), paths.join(' ')).to.deep.equal(brute.sort());
    }
  });

  it('checks 10,000 users in well under a second', () => {
    const hs = homes(
      Array.from(
        { length: 10_000 },
        (_, i) => `partners/partner${String(i).padStart(5, '0')}`,
      ).concat(['partners/partner00042/archive']),
    );
    const t0 = performance.now();
    const found = nestedHomes(hs);
    const ms = performance.now() - t0;
    expect(
      [...found.values()].map((o) => `${o.home.shown} in ${o.inside.map((x) => x.shown).join()}`),
    ).to.deep.equal(['partners/partner00042/archive in partners/partner00042']);
    expect(ms).to.be.below(500);
  });
});
