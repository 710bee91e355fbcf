// The generated resource validators check "an intrinsic function or this
// value" with the cfnValue keyword (scripts/intrinsic-keyword.ts), which
// replaced a draft-07 if/then/else with $refs at every value position. The
// findings must not change: here the generated validators and that draft-07
// form, compiled live by ajv from the same registry schemas, judge the same
// values (every resource of the golden templates, and each of its properties
// replaced by good and broken intrinsic functions and plain values), and
// must report the same findings.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { ajvFindings } from '../../cli/engine/validate/ajv-findings.js';
import type { Finding } from '../../cli/engine/validate/finding.js';
import {
  propertiesValidator,
  typeInfo,
  type PropertiesValidator,
} from '../../cli/engine/validate/resource-types.js';
import { CFN_VALUE } from '../../scripts/intrinsic-keyword.js';
import { readInputs } from '../../scripts/registry-inputs.js';
import { deriveSchema, INTRINSIC_SCHEMAS, type Schema } from '../../scripts/resource-schemas.js';
import { repoRoot } from '../helpers/project.js';

/** The wrapper cfnValue replaced, as it was generated before. */
function draft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(draft07);
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node as Schema);
  if (entries.length === 1 && entries[0][0] === CFN_VALUE) {
    return {
      if: { $ref: '#/definitions/Intrinsic' },
      then: { $ref: '#/definitions/IntrinsicFunction' },
      else: draft07(entries[0][1]),
    };
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, draft07(v)]));
}

function goldenResources(): Map<string, Record<string, unknown>[]> {
  const byType = new Map<string, Record<string, unknown>[]>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (e.name.endsWith('.json')) {
        const t = JSON.parse(readFileSync(file, 'utf8')) as {
          Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
        };
        for (const r of Object.values(t.Resources ?? {})) {
          if (!typeInfo(r.Type) || !r.Properties) continue;
          byType.set(r.Type, [...(byType.get(r.Type) ?? []), r.Properties]);
        }
      }
    }
  };
  walk(path.join(repoRoot, 'test', 'golden'));
  return byType;
}

/** What a value position may be handed: intrinsic functions of every shape, good and bad, and plain values. */
const REPLACEMENTS: unknown[] = [
  { Ref: 'Bucket' },
  { Ref: 5 },
  { Ref: ['a'] },
  { 'Fn::GetAtt': ['Role', 'Arn'] },
  { 'Fn::GetAtt': 'Role.Arn' },
  { 'Fn::GetAtt': 'Role' },
  { 'Fn::GetAtt': ['Role'] },
  { 'Fn::Sub': '${AWS::Region}' },
  { 'Fn::Sub': ['${x}', { x: 'y' }] },
  { 'Fn::Sub': ['${x}', 'y'] },
  { 'Fn::Sub': 7 },
  { 'Fn::Join': ['', ['a', 'b']] },
  { 'Fn::Join': ['a'] },
  { 'Fn::Join': [1, []] },
  { 'Fn::Select': [0, ['a']] },
  { 'Fn::Select': [0] },
  { 'Fn::Split': [',', 'a,b'] },
  { 'Fn::If': ['C', 'a', 'b'] },
  { 'Fn::If': ['C', 'a'] },
  { 'Fn::FindInMap': ['M', 'k', 'v'] },
  { 'Fn::FindInMap': ['M'] },
  { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] },
  { 'Fn::Cidr': [] },
  { 'Fn::ImportValue': 'x' },
  { 'Fn::Base64': 'x' },
  { 'Fn::GetAZs': '' },
  { 'Fn::Length': [] },
  { 'Fn::ToJsonString': {} },
  { 'Fn::Transform': {} },
  { 'Fn::Unknown': 'x' },
  { Ref: 'a', 'Fn::Sub': 'b' },
  { Condition: 'C' },
  'text',
  '',
  '300',
  '3.5',
  'true',
  300,
  3.5,
  -1,
  true,
  false,
  null,
  [],
  ['a'],
  [{ Ref: 'x' }],
  [{ Ref: 1 }],
  {},
  { Key: 'k', Value: 'v' },
];

/**
 * Each property the type has, and the first item or key of each list or
 * object property set, replaced by each REPLACEMENTS value.
 */
function* variants(
  props: Record<string, unknown>,
  names: string[],
): Generator<Record<string, unknown>> {
  yield props;
  for (const name of new Set([...Object.keys(props), ...names])) {
    const value = props[name];
    for (const r of REPLACEMENTS) {
      yield { ...props, [name]: r };
      if (Array.isArray(value) && value.length > 0)
        yield { ...props, [name]: [r, ...value.slice(1)] };
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const first = Object.keys(value)[0];
        if (first !== undefined && !first.startsWith('Fn::') && first !== 'Ref')
          yield { ...props, [name]: { ...value, [first]: r } };
      }
    }
  }
}

describe('the cfnValue keyword reports what the draft-07 if/then/else it replaced reported', function () {
  this.timeout(300_000);
  const inputs = readInputs(repoRoot);
  const resources = goldenResources();
  const findings = (
    validate: PropertiesValidator | ValidateFunction,
    props: unknown,
    type: string,
  ): Finding[] =>
    validate(props)
      ? []
      : ajvFindings(validate.errors, {
          base: '/Resources/R/Properties',
          layer: 'schema',
          logicalId: 'R',
          resourceType: type,
          readOnly: typeInfo(type)!.readOnly,
        });

  it('the golden templates hold resources of many bundled types (the corpus below)', () => {
    expect(resources.size).to.be.at.least(15);
  });

  it('the generated modules no longer carry the draft-07 wrapper', () => {
    const bucket = readFileSync(
      path.join(repoRoot, 'cli/generated/resources/aws-s3-bucket.js'),
      'utf8',
    );
    expect(bucket).to.not.include('#/definitions/Intrinsic');
    expect(bucket).to.include('from "../intrinsic.js"');
  });

  for (const type of [...inputs.schemas.keys()].sort()) {
    it(type, async () => {
      // Types the golden templates do not use start from no properties.
      const corpus = resources.get(type)?.slice(0, 3) ?? [{}];
      const derived = deriveSchema(inputs.schemas.get(type)!).schema;
      const reference = draft07(derived) as Schema;
      reference.definitions = {
        ...(reference.definitions as Schema),
        Intrinsic: INTRINSIC_SCHEMAS.isIntrinsic,
        IntrinsicFunction: INTRINSIC_SCHEMAS.intrinsicFunction,
      };
      const live = new Ajv({
        allErrors: true,
        verbose: true,
        strict: false,
        inlineRefs: false,
      }).compile(reference);
      const generated = (await propertiesValidator(type))!;
      let failing = 0;
      for (const props of corpus) {
        for (const v of variants(props, Object.keys(derived.properties as Schema))) {
          const want = findings(live, v, type);
          expect(findings(generated, v, type), JSON.stringify(v)).to.deep.equal(want);
          if (want.length > 0) failing++;
        }
      }
      expect(
        failing,
        'some variants are invalid (the comparison is not vacuous)',
      ).to.be.greaterThan(0);
    });
  }
});
