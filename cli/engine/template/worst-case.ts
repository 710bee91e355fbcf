// A template value with every intrinsic function replaced by the longest
// value it can take at deploy time, so a length limit that AWS enforces only
// then (a session policy's 2,048 characters, a role's inline policies'
// 10,240) can be checked at build. Used by users/session-policy.ts and
// validate/rules/iam/policy-size.ts.
//
// The longest names come from the AWS partitions table (botocore's
// data/partitions.json, as the SDKs ship it): partition aws-us-gov (10
// characters), region us-isof-south-1 (15, partition aws-iso-f), URL suffix
// csp.hci.ic.gov (14). Physical names a resource does not set are taken at
// their service's maximum (S3 bucket 63, IAM role 64, Lambda function 64, …);
// names it sets are resolved themselves.
import type { CfnTemplate } from './types.js';

type Obj = Record<string, unknown>;

export const LONGEST = {
  partition: 'aws-us-gov',
  region: 'us-isof-south-1',
  urlSuffix: 'csp.hci.ic.gov',
  accountId: '123456789012',
  /** CloudFormation stack names: at most 128 characters. */
  stackName: 's'.repeat(128),
  /** S3 bucket names: at most 63 characters. */
  bucket: 'b'.repeat(63),
} as const;

/** A KMS key id: a UUID, or a multi-Region key's mrk- and 32 hex digits (both 36). */
const KEY_ID = 'mrk-' + '0'.repeat(32);
const UUID = '0'.repeat(36);
/** A generated name of a type whose limit we do not list. */
const UNKNOWN_NAME = 'x'.repeat(128);
/** Stands for AWS::NoValue until the enclosing object or list drops it. */
const NO_VALUE = Symbol('AWS::NoValue');

export interface WorstCaseOptions {
  /** The template, to resolve Ref and Fn::GetAtt by the resource's type (and the names it sets). */
  template?: CfnTemplate;
  /** The stack's name when it is known (the configured one); else the longest allowed. */
  stackName?: string;
}

interface Ctx {
  template?: CfnTemplate;
  stackName: string;
  /** Resources being resolved: a name that refers to itself resolves to its type's maximum. */
  visiting: Set<string>;
}

/** The value with every intrinsic function resolved to its longest possible value. */
export function worstCase(value: unknown, opts: WorstCaseOptions = {}): unknown {
  const ctx: Ctx = {
    template: opts.template,
    stackName: opts.stackName ?? LONGEST.stackName,
    visiting: new Set(),
  };
  const v = resolve(value, ctx);
  return v === NO_VALUE ? undefined : v;
}

/** The text of an Fn::Sub with each ${…} at its longest (${!x} is the literal ${x}). */
export function worstCaseSub(text: string, vars: Obj = {}, opts: WorstCaseOptions = {}): string {
  return sub(text, vars, {
    template: opts.template,
    stackName: opts.stackName ?? LONGEST.stackName,
    visiting: new Set(),
  });
}

function resolve(v: unknown, ctx: Ctx): unknown {
  if (Array.isArray(v)) return v.map((x) => resolve(x, ctx)).filter((x) => x !== NO_VALUE);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Obj;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = o[k];
    if (k === 'Ref' && typeof arg === 'string') return ref(arg, ctx);
    if (k.startsWith('Fn::')) return fn(k, arg, ctx);
  }
  const out: Obj = {};
  for (const k of keys) {
    const x = resolve(o[k], ctx);
    if (x !== NO_VALUE) out[k] = x;
  }
  return out;
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === NO_VALUE || v === undefined ? '' : JSON.stringify(v);

const longer = (a: unknown, b: unknown): unknown => (text(b).length > text(a).length ? b : a);

function fn(k: string, arg: unknown, ctx: Ctx): unknown {
  const a = Array.isArray(arg) ? arg : [arg];
  switch (k) {
    case 'Fn::Sub':
      if (typeof arg === 'string') return sub(arg, {}, ctx);
      return typeof a[0] === 'string' ? sub(a[0], (a[1] as Obj) ?? {}, ctx) : UNKNOWN_NAME;
    case 'Fn::GetAtt': {
      const [id, attr] = typeof arg === 'string' ? splitAtt(arg) : (a as string[]);
      return getAtt(String(id), String(attr ?? ''), ctx);
    }
    case 'Fn::Join': {
      const parts = resolve(a[1], ctx);
      return Array.isArray(parts) ? parts.map(text).join(String(a[0] ?? '')) : text(parts);
    }
    case 'Fn::If':
      return longer(resolve(a[1], ctx), resolve(a[2], ctx));
    case 'Fn::Select': {
      const list = resolve(a[1], ctx);
      if (!Array.isArray(list)) return text(list);
      const i = typeof a[0] === 'number' ? a[0] : Number(text(resolve(a[0], ctx)));
      return Number.isInteger(i) && list[i] !== undefined ? list[i] : list.reduce(longer, '');
    }
    case 'Fn::Split': {
      const s = text(resolve(a[1], ctx));
      return s.split(String(a[0] ?? ''));
    }
    case 'Fn::FindInMap':
      return findInMap(a, ctx);
    case 'Fn::Base64':
      return 'B'.repeat(Math.ceil(text(resolve(a[0], ctx)).length / 3) * 4);
    case 'Fn::ToJsonString':
      return JSON.stringify(resolve(arg, ctx));
    case 'Fn::GetAZs':
      // Availability Zone names: the region and one letter.
      return ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => LONGEST.region + z);
    default:
      // Fn::ImportValue, Fn::Cidr, Fn::Length, …: an export or a computed
      // value whose length the template does not bound.
      return UNKNOWN_NAME;
  }
}

function splitAtt(s: string): [string, string] {
  const i = s.indexOf('.');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function sub(t: string, vars: Obj, ctx: Ctx): string {
  return t.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    if (name.startsWith('!')) return '${' + name.slice(1) + '}';
    if (name in vars) return text(resolve(vars[name], ctx));
    if (name.includes('.')) {
      const [id, attr] = splitAtt(name);
      return text(getAtt(id, attr, ctx));
    }
    return text(ref(name, ctx));
  });
}

const PSEUDO: Record<string, (ctx: Ctx) => unknown> = {
  'AWS::Partition': () => LONGEST.partition,
  'AWS::Region': () => LONGEST.region,
  'AWS::AccountId': () => LONGEST.accountId,
  'AWS::URLSuffix': () => LONGEST.urlSuffix,
  'AWS::StackName': (ctx) => ctx.stackName,
  'AWS::StackId': (ctx) => `${arn('cloudformation')}stack/${ctx.stackName}/${UUID}`,
  'AWS::NoValue': () => NO_VALUE,
  'AWS::NotificationARNs': () => [],
};

/** arn:<partition>:<service>:<region>:<account>: (global services: no region). */
function arn(service: string, regional = true): string {
  return `arn:${LONGEST.partition}:${service}:${regional ? LONGEST.region : ''}:${LONGEST.accountId}:`;
}

function ref(name: string, ctx: Ctx): unknown {
  const pseudo = PSEUDO[name];
  if (pseudo) return pseudo(ctx);
  const param = (ctx.template?.Parameters as Obj | undefined)?.[name];
  if (param !== undefined) return parameter(name, param as Obj);
  const r = ctx.template?.Resources?.[name];
  if (r) return physical(name, r.Type, ctx, 'Ref');
  return byName(name);
}

/** A parameter at its longest: its MaxLength, its longest allowed value, else by what it holds. */
function parameter(name: string, p: Obj): string {
  if (typeof p.MaxLength === 'number') return 'p'.repeat(p.MaxLength);
  if (Array.isArray(p.AllowedValues))
    return p.AllowedValues.map(String).reduce((a, b) => (b.length > a.length ? b : a), '');
  return byName(name);
}

/**
 * A value known only by its name (a child stack's parameter the root fills,
 * a variable with no definition): a key or ARN is taken as the longest KMS
 * key ARN (longer than a role's or bucket's ARN without a path), anything
 * else as a bucket name.
 */
function byName(name: string): string {
  return /key/i.test(name) || /Arn$/.test(name) ? `${arn('kms')}key/${KEY_ID}` : LONGEST.bucket;
}

/** A name property the resource sets (resolved), or its type's longest. */
function named(id: string, prop: string, max: number, ctx: Ctx): string {
  const r = ctx.template?.Resources?.[id];
  const set = (r?.Properties as Obj | undefined)?.[prop];
  if (set === undefined || ctx.visiting.has(id)) return 'n'.repeat(max);
  ctx.visiting.add(id);
  try {
    return text(resolve(set, ctx));
  } finally {
    ctx.visiting.delete(id);
  }
}

function rolePath(id: string, ctx: Ctx): string {
  const p = (ctx.template?.Resources?.[id]?.Properties as Obj | undefined)?.Path;
  return p === undefined ? '/' : text(resolve(p, ctx));
}

/** What Ref (attr 'Ref') or Fn::GetAtt returns for a resource of a type, at its longest. */
function physical(id: string, type: string, ctx: Ctx, attr: string): unknown {
  const region = LONGEST.region;
  switch (`${type}.${attr}`) {
    case 'AWS::S3::Bucket.Ref':
      return named(id, 'BucketName', 63, ctx);
    case 'AWS::S3::Bucket.Arn':
      return `arn:${LONGEST.partition}:s3:::${named(id, 'BucketName', 63, ctx)}`;
    case 'AWS::S3::Bucket.DomainName':
      return `${named(id, 'BucketName', 63, ctx)}.s3.${LONGEST.urlSuffix}`;
    case 'AWS::S3::Bucket.RegionalDomainName':
      return `${named(id, 'BucketName', 63, ctx)}.s3.${region}.${LONGEST.urlSuffix}`;
    case 'AWS::IAM::Role.Ref':
      return named(id, 'RoleName', 64, ctx);
    case 'AWS::IAM::Role.Arn':
      return `${arn('iam', false)}role${rolePath(id, ctx)}${named(id, 'RoleName', 64, ctx)}`;
    case 'AWS::IAM::Role.RoleId':
      return 'AROA' + 'X'.repeat(17);
    case 'AWS::IAM::ManagedPolicy.Ref':
    case 'AWS::IAM::ManagedPolicy.PolicyArn':
      return `${arn('iam', false)}policy${rolePath(id, ctx)}${named(id, 'ManagedPolicyName', 128, ctx)}`;
    case 'AWS::KMS::Key.Ref':
    case 'AWS::KMS::Key.KeyId':
      return KEY_ID;
    case 'AWS::KMS::Key.Arn':
      return `${arn('kms')}key/${KEY_ID}`;
    case 'AWS::KMS::Alias.Ref':
      return named(id, 'AliasName', 256, ctx);
    case 'AWS::SNS::Topic.Ref':
    case 'AWS::SNS::Topic.TopicArn':
      return `${arn('sns')}${named(id, 'TopicName', 256, ctx)}`;
    case 'AWS::SNS::Topic.TopicName':
      return named(id, 'TopicName', 256, ctx);
    case 'AWS::SQS::Queue.Arn':
      return `${arn('sqs')}${named(id, 'QueueName', 80, ctx)}`;
    case 'AWS::SQS::Queue.Ref':
    case 'AWS::SQS::Queue.QueueUrl':
      return `https://sqs.${region}.${LONGEST.urlSuffix}/${LONGEST.accountId}/${named(id, 'QueueName', 80, ctx)}`;
    case 'AWS::Lambda::Function.Ref':
      return named(id, 'FunctionName', 64, ctx);
    case 'AWS::Lambda::Function.Arn':
      return `${arn('lambda')}function:${named(id, 'FunctionName', 64, ctx)}`;
    case 'AWS::Logs::LogGroup.Ref':
      return named(id, 'LogGroupName', 512, ctx);
    case 'AWS::Logs::LogGroup.Arn':
      return `${arn('logs')}log-group:${named(id, 'LogGroupName', 512, ctx)}:*`;
    case 'AWS::Transfer::Server.ServerId':
      return 's-' + '0'.repeat(17);
    case 'AWS::Transfer::Server.Ref':
    case 'AWS::Transfer::Server.Arn':
      return `${arn('transfer')}server/s-${'0'.repeat(17)}`;
    case 'AWS::Transfer::Workflow.WorkflowId':
      return 'w-' + '0'.repeat(17);
    case 'AWS::Transfer::Workflow.Ref':
    case 'AWS::Transfer::Workflow.Arn':
      return `${arn('transfer')}workflow/w-${'0'.repeat(17)}`;
    case 'AWS::Events::Rule.Arn':
      return `${arn('events')}rule/${named(id, 'Name', 64, ctx)}`;
    case 'AWS::SecretsManager::Secret.Ref':
      return `${arn('secretsmanager')}secret:${named(id, 'Name', 512, ctx)}-XXXXXX`;
  }
  // A type or attribute not listed: an ARN of its service with the longest
  // generated name, or that name.
  if (attr === 'Ref' || /Arn$/.test(attr)) {
    const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
    return `${arn(service)}${type.split('::')[2]?.toLowerCase() ?? 'resource'}/${UNKNOWN_NAME}`;
  }
  return UNKNOWN_NAME;
}

function getAtt(id: string, attr: string, ctx: Ctx): unknown {
  const r = ctx.template?.Resources?.[id];
  if (!r) return byName(attr);
  return physical(id, r.Type, ctx, attr);
}

function findInMap(a: unknown[], ctx: Ctx): unknown {
  const maps = ctx.template?.Mappings as Record<string, Record<string, Obj>> | undefined;
  const map = maps?.[text(resolve(a[0], ctx))];
  if (!map) return UNKNOWN_NAME;
  const top = typeof a[1] === 'string' ? [map[a[1]]] : Object.values(map);
  const values = top.flatMap((m) =>
    m === undefined ? [] : typeof a[2] === 'string' ? [m[a[2]]] : Object.values(m),
  );
  return values.filter((x) => x !== undefined).reduce(longer, '');
}
