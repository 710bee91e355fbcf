// Derives the per-type Properties schemas sftpgw validates with from the
// CloudFormation registry schemas cfn-lint ships, as committed under
// schemas/registry/ (scripts/registry-inputs.ts), for the resource types the
// shipped libsonnet emits plus the ones a gateway commonly adds.
//
// What the derivation does to a registry schema, and why:
// - every value position (a property, an array item, a map value) also
//   accepts an intrinsic function (Ref, Fn::*), whose own shape is checked:
//   the position's schema is wrapped in the cfnValue keyword
//   (scripts/intrinsic-keyword.ts);
// - string/number/boolean accept each other's string forms, as CloudFormation
//   does ("300" for an integer, 300 for a string);
// - read-only properties are removed (setting one is an error);
// - only validation keywords are kept; patterns JavaScript cannot compile
//   are dropped and counted; the registry's own keywords requiredXor,
//   requiredOr, dependentExcluded and dependentRequired become draft-07
//   (annotated with `x-cfn-rule` so messages can say what was meant).
import type { TypeInfo } from '../cli/engine/validate/resource-types.js';
import { CFN_VALUE } from './intrinsic-keyword.js';

/** The types we bundle. Outside this set a resource is reported, never silently passed. */
export const RESOURCE_TYPES = [
  // emitted by the shipped libsonnet
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::Transfer::Server',
  'AWS::Transfer::User',
  // server.hostKeys; not in cfn-lint 1.51.0 (schemas/registry/source.json notInCfnLint)
  'AWS::Transfer::HostKey',
  'AWS::Route53::RecordSet',
  // a VPC endpoint (server.endpoint.type: vpc): its addresses and security groups
  'AWS::EC2::EIP',
  'AWS::EC2::SecurityGroup',
  // the outbound side and nested stacks
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy',
  'AWS::CloudWatch::Alarm',
  'AWS::SecretsManager::Secret',
  'AWS::CloudFormation::Stack',
  // downstream.malwareScan: GuardDuty Malware Protection for S3 on quarantine/
  'AWS::GuardDuty::MalwareProtectionPlan',
  // common additions to a gateway
  'AWS::Transfer::Connector',
  'AWS::Transfer::Workflow',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::Events::Rule',
  'AWS::Logs::SubscriptionFilter',
  'AWS::Logs::MetricFilter',
  'AWS::SSM::Parameter',
] as const;

export const INTRINSIC_FUNCTIONS = [
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::ImportValue',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::GetAZs',
  'Fn::Length',
  'Fn::ToJsonString',
  'Fn::Transform',
] as const;

export type Schema = Record<string, unknown>;

/** What cfn-lint knows about Fn::GetAtt beyond the registry schemas (its schema/_getatts.py). */
export interface GetAttFacts {
  /** Types whose every property Fn::GetAtt can read. */
  allPropertyAttributes: string[];
  /** Extra GetAtt attributes of some types. */
  attributeExceptions: Record<string, string[]>;
}

const KEEP = new Set([
  'type',
  'properties',
  'additionalProperties',
  'patternProperties',
  'required',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  '$ref',
  'definitions',
  'dependencies',
  'propertyNames',
  'minProperties',
  'maxProperties',
]);

export interface Derived {
  schema: Schema;
  droppedPatterns: string[];
}

/** The Properties schema for one registry schema (see the file comment). */
export function deriveSchema(registry: Schema): Derived {
  const dropped: string[] = [];
  const readOnly = new Set(topLevelNames(registry.readOnlyProperties));
  const clean = (node: unknown, valuePosition: boolean): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const src = node as Schema;
    const out: Schema = {};
    for (const [k, v] of Object.entries(src)) {
      if (!KEEP.has(k)) continue;
      if (k === 'properties' || k === 'patternProperties') {
        out[k] = Object.fromEntries(
          Object.entries(v as Schema).map(([p, s]) => [p, clean(s, true)]),
        );
      } else if (k === 'definitions') {
        out[k] = Object.fromEntries(
          Object.entries(v as Schema).map(([p, s]) => [p, clean(s, false)]),
        );
      } else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) {
        out[k] = clean(v, true);
      } else if (k === 'oneOf' || k === 'anyOf' || k === 'allOf') {
        out[k] = (v as unknown[]).map((s) => clean(s, false));
      } else if (k === 'not') {
        out[k] = clean(v, false);
      } else if (k === 'pattern') {
        if (compiles(v as string)) out[k] = v;
        else dropped.push(v as string);
      } else {
        out[k] = v;
      }
    }
    if (src.dependentRequired)
      out.dependencies = { ...(out.dependencies as Schema), ...(src.dependentRequired as Schema) };
    const rules = combinationRules(src);
    if (rules.length > 0) out.allOf = [...((out.allOf as unknown[]) ?? []), ...rules];
    lenientType(out);
    return valuePosition ? allowIntrinsic(out) : out;
  };
  const schema = clean(registry, false) as Schema;
  const props = schema.properties as Schema;
  for (const name of readOnly) delete props[name];
  schema.required = ((schema.required as string[] | undefined) ?? []).filter(
    (r) => !readOnly.has(r),
  );
  if ((schema.required as string[]).length === 0) delete schema.required;
  delete schema.additionalProperties;
  schema.additionalProperties = false;
  schema.type = 'object';
  return { schema, droppedPatterns: dropped };
}

/** requiredXor / requiredOr / dependentExcluded as draft-07 subschemas. */
function combinationRules(src: Schema): Schema[] {
  const out: Schema[] = [];
  const requiredOf = (names: string[]) => names.map((n) => ({ required: [n] }));
  for (const names of nested(src.requiredXor) ?? [])
    out.push({ 'x-cfn-rule': 'requiredXor', 'x-cfn-names': names, oneOf: requiredOf(names) });
  for (const names of nested(src.requiredOr) ?? [])
    out.push({ 'x-cfn-rule': 'requiredOr', 'x-cfn-names': names, anyOf: requiredOf(names) });
  for (const [name, excluded] of Object.entries(
    (src.dependentExcluded as Record<string, string[]> | undefined) ?? {},
  )) {
    out.push({
      'x-cfn-rule': 'dependentExcluded',
      'x-cfn-names': [name, ...excluded],
      if: { required: [name] },
      then: { not: { anyOf: requiredOf(excluded) } },
    });
  }
  return out;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

const LENIENT_PATTERN: Record<string, string> = {
  integer: '^-?[0-9]+$',
  number: '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$',
  boolean: '^(true|false|True|False)$',
};

/**
 * CloudFormation converts "300" to an integer and 300 to a string; so does
 * cfn-lint's default (non-strict) type check. The original type is kept in
 * `x-cfn-type` for messages.
 */
function lenientType(s: Schema): void {
  const t = s.type;
  if (typeof t !== 'string' && !Array.isArray(t)) return;
  const types = (Array.isArray(t) ? t : [t]) as string[];
  if (types.includes('string')) {
    if (types.length === 1 && !s.pattern && !s.enum && !s.const) {
      s.type = ['string', 'number', 'boolean'];
      s['x-cfn-type'] = 'string';
    }
    return;
  }
  const scalar = types.filter((x) => x in LENIENT_PATTERN);
  if (scalar.length === 0 || s.pattern) return;
  s['x-cfn-type'] = types.join(' or ');
  s.type = [...types, 'string'];
  s.pattern = scalar.map((x) => LENIENT_PATTERN[x]).join('|');
  if (Array.isArray(s.enum))
    s.enum = [
      ...(s.enum as unknown[]),
      ...(s.enum as unknown[]).filter((v) => typeof v !== 'string').map(String),
    ];
}

/** A value position accepts an intrinsic function (whose shape is checked) or the value itself. */
function allowIntrinsic(s: Schema): Schema {
  return { [CFN_VALUE]: s };
}

const string = { type: 'string' };
const list = (min: number, max = min) => ({ type: 'array', minItems: min, maxItems: max });

/**
 * What an intrinsic function is (isIntrinsic: one key, a function's name)
 * and the shapes CloudFormation accepts for each (intrinsicFunction).
 * Compiled once into cli/generated/intrinsic.js, which every resource
 * module calls through the cfnValue keyword.
 */
export const INTRINSIC_SCHEMAS: { isIntrinsic: Schema; intrinsicFunction: Schema } = {
  isIntrinsic: {
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    propertyNames: { enum: INTRINSIC_FUNCTIONS },
  },
  intrinsicFunction: {
    type: 'object',
    properties: {
      Ref: string,
      'Fn::GetAtt': {
        anyOf: [
          { type: 'string', pattern: '^[A-Za-z0-9]+\\..+$' },
          { ...list(2), items: [string, {}] },
        ],
      },
      'Fn::Sub': { anyOf: [string, { ...list(2), items: [string, { type: 'object' }] }] },
      'Fn::Join': { ...list(2), items: [string, {}] },
      'Fn::Select': list(2),
      'Fn::Split': list(2),
      'Fn::If': { ...list(3), items: [string, {}, {}] },
      'Fn::FindInMap': list(3, 4),
      'Fn::Cidr': list(3),
    },
  },
};

function topLevelNames(pointers: unknown): string[] {
  return ((pointers as string[] | undefined) ?? [])
    .filter((p) => /^\/properties\/[^/]+$/.test(p))
    .map((p) => p.slice('/properties/'.length));
}

/** What Fn::GetAtt can read, as cfn-lint computes it (schema/_getatts.py). */
function attributesOf(typeName: string, registry: Schema, getAtt: GetAttFacts): string[] {
  if (typeName === 'AWS::CloudFormation::Stack') return ['Outputs.*'];
  const readOnly = ((registry.readOnlyProperties as string[] | undefined) ?? [])
    .map((p) =>
      p
        .replace(/^\/properties\//, '')
        .split('/')
        .join('.'),
    )
    .filter((a) => !a.includes('*'));
  const extra = getAtt.allPropertyAttributes.includes(typeName)
    ? Object.keys(registry.properties as Schema)
    : (getAtt.attributeExceptions[typeName] ?? []);
  return [...new Set([...readOnly, ...extra])].sort();
}

export function typeInfo(
  typeName: string,
  registry: Schema,
  droppedPatterns: string[],
  getAtt: GetAttFacts,
): TypeInfo {
  const tagging = registry.tagging as { taggable?: boolean; tagProperty?: string } | undefined;
  const info: TypeInfo = {
    module: `${slug(typeName)}.js`,
    createOnly: (registry.createOnlyProperties as string[] | undefined) ?? [],
    attributes: attributesOf(typeName, registry, getAtt),
    readOnly: topLevelNames(registry.readOnlyProperties),
  };
  if (tagging?.taggable !== false && tagging?.tagProperty)
    info.tagProperty = tagging.tagProperty.replace(/^\/properties\//, '');
  else if (tagging === undefined && (registry.properties as Schema).Tags) info.tagProperty = 'Tags';
  if (droppedPatterns.length > 0) info.droppedPatterns = droppedPatterns.length;
  return info;
}

function nested(v: unknown): string[][] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return Array.isArray(v[0]) ? (v as string[][]) : [v as string[]];
}

export function slug(typeName: string): string {
  return typeName.toLowerCase().replace(/::/g, '-');
}
