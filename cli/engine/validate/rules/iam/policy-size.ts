// Layer 2, IAM's size quotas, which only IAM enforces (at deploy: the stack
// fails and rolls back; cfn-lint does not count). "IAM and AWS STS quotas"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html):
// a role's inline policies together at most 10,240 characters, a managed
// policy at most 6,144; IAM does not count white space. Each document is
// measured after its intrinsic functions take their longest values
// (template/worst-case.ts), so a policy that fits in one account and not in
// another (a longer bucket name, partition or region) is refused everywhere.
import { worstCase } from '../../../template/worst-case.js';
import type { CfnTemplate } from '../../../template/types.js';
import { pointerOf, type Finding, type SourceLocation } from '../../finding.js';
import { isObj, type Obj } from '../../values.js';

export const IAM_POLICY_QUOTAS = {
  /** All inline policies of one role together. */
  roleInline: 10_240,
  managed: 6_144,
} as const;

/** At or over this share of a quota, a warning: the next user or statement may break it. */
export const NEAR_QUOTA = 0.9;

/**
 * The config key that makes a role's policy grow, so an over-quota finding
 * points at sftpgw.yaml instead of the libsonnet that renders the role.
 */
export interface PolicyDriver {
  logicalId: string;
  /** e.g. downstream.snowflake.users */
  field: string;
  file: string;
  line?: number;
  /** How the key grows the policy, for the message. */
  grows: string;
  /** What to do about it. */
  hint: string;
}

export interface PolicySizeOptions {
  /** The stack's configured name (else the longest CloudFormation allows). */
  stackName?: string;
  drivers?: readonly PolicyDriver[];
}

/**
 * Characters IAM counts in a policy: the JSON without white space outside
 * its strings (white space inside a string value is part of the value and is
 * counted, which can only over-count).
 */
export function iamPolicyLength(document: unknown): number {
  if (typeof document !== 'string') return JSON.stringify(document)?.length ?? 0;
  let n = 0;
  let inString = false;
  let escaped = false;
  for (const c of document) {
    if (inString) {
      n++;
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      n++;
    } else if (!/\s/.test(c)) n++;
  }
  return n;
}

/** A policy document's length as IAM counts it, its intrinsic functions at their longest. */
export function worstCasePolicyLength(
  document: unknown,
  template?: CfnTemplate,
  stackName?: string,
): number {
  return iamPolicyLength(worstCase(document, { template, stackName }));
}

export interface Measured {
  name: string;
  pointer: string;
  length: number;
  /** In the role's own Policies (not an AWS::IAM::Policy or RolePolicy naming it). */
  own: boolean;
}

/** Inline policies of each role: its Policies, and AWS::IAM::Policy / RolePolicy resources naming it. */
export function roleInlinePolicies(
  template: CfnTemplate,
  stackName?: string,
): Map<string, Measured[]> {
  const resources = template.Resources ?? {};
  const roles = new Map<string, Measured[]>();
  const roleName = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    if (r?.Type !== 'AWS::IAM::Role') continue;
    const list: Measured[] = [];
    const policies = r.Properties?.Policies;
    if (Array.isArray(policies))
      policies.forEach((p, i) => {
        if (!isObj(p) || p.PolicyDocument === undefined) return;
        list.push({
          name: typeof p.PolicyName === 'string' ? p.PolicyName : `Policies/${i}`,
          pointer: pointerOf('Resources', id, 'Properties', 'Policies', i, 'PolicyDocument'),
          length: worstCasePolicyLength(p.PolicyDocument, template, stackName),
          own: true,
        });
      });
    roles.set(id, list);
    if (typeof r.Properties?.RoleName === 'string') roleName.set(r.Properties.RoleName, id);
  }
  // A role named by Ref, or by the literal RoleName it sets.
  const roleOf = (v: unknown): string | undefined => {
    if (isObj(v) && typeof v.Ref === 'string' && roles.has(v.Ref)) return v.Ref;
    return typeof v === 'string' ? roleName.get(v) : undefined;
  };
  for (const [id, r] of Object.entries(resources)) {
    const props = r?.Properties as Obj | undefined;
    if (!props || props.PolicyDocument === undefined) continue;
    const targets =
      r.Type === 'AWS::IAM::Policy'
        ? (Array.isArray(props.Roles) ? props.Roles : []).map(roleOf)
        : r.Type === 'AWS::IAM::RolePolicy'
          ? [roleOf(props.RoleName)]
          : [];
    if (!targets.some(Boolean)) continue;
    const length = worstCasePolicyLength(props.PolicyDocument, template, stackName);
    for (const role of new Set(targets))
      if (role)
        roles.get(role)!.push({
          name: typeof props.PolicyName === 'string' ? `${props.PolicyName} (${id})` : id,
          pointer: pointerOf('Resources', id, 'Properties', 'PolicyDocument'),
          length,
          own: false,
        });
  }
  return roles;
}

export function iamPolicySizeFindings(
  template: CfnTemplate,
  opts: PolicySizeOptions = {},
): Finding[] {
  const out: Finding[] = [];
  const driverOf = new Map((opts.drivers ?? []).map((d) => [d.logicalId, d]));
  for (const [id, policies] of roleInlinePolicies(template, opts.stackName)) {
    const total = policies.reduce((n, p) => n + p.length, 0);
    const limit = IAM_POLICY_QUOTAS.roleInline;
    if (total < limit * NEAR_QUOTA || policies.length === 0) continue;
    const largest = policies.reduce((a, b) => (b.length > a.length ? b : a));
    // The finding is the role's: point at its own largest policy (or the role).
    const own = policies.filter((p) => p.own);
    const at = own.length
      ? own.reduce((a, b) => (b.length > a.length ? b : a)).pointer
      : pointerOf('Resources', id);
    const parts =
      policies.length === 1
        ? `${largest.name}`
        : policies.map((p) => `${p.name} ${p.length}`).join(', ');
    const driver = driverOf.get(id);
    out.push(
      sized({
        id,
        type: 'AWS::IAM::Role',
        rule: 'iam/role-policy-size',
        pointer: at,
        over: total > limit,
        message: `the inline policies of ${id} (${parts}) can be ${total} characters as IAM counts them; IAM allows ${limit} for one role's inline policies together`,
        hint: 'move statements into managed policies (6,144 characters each) or cover several resources with one wildcard ARN',
        driver: driver && { ...driver, grows: `${largest.name} ${driver.grows}` },
      }),
    );
  }
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r?.Type !== 'AWS::IAM::ManagedPolicy' || r.Properties?.PolicyDocument === undefined)
      continue;
    const n = worstCasePolicyLength(r.Properties.PolicyDocument, template, opts.stackName);
    const limit = IAM_POLICY_QUOTAS.managed;
    if (n < limit * NEAR_QUOTA) continue;
    out.push(
      sized({
        id,
        type: r.Type,
        rule: 'iam/managed-policy-size',
        pointer: pointerOf('Resources', id, 'Properties', 'PolicyDocument'),
        over: n > limit,
        message: `the managed policy ${id} can be ${n} characters as IAM counts them; IAM allows ${limit}`,
        hint: 'split its statements over several managed policies, or cover several resources with one wildcard ARN',
        driver: driverOf.get(id),
      }),
    );
  }
  return out;
}

function sized(f: {
  id: string;
  type: string;
  rule: string;
  pointer: string;
  over: boolean;
  message: string;
  hint: string;
  driver?: PolicyDriver;
}): Finding {
  const d = f.driver;
  const source: SourceLocation | undefined = d && {
    file: d.file,
    field: d.field,
    ...(d.line !== undefined ? { line: d.line } : {}),
  };
  const where =
    ' (with intrinsic functions at their longest: 63-character bucket names, the longest partition, region and names)';
  return {
    severity: f.over ? 'error' : 'warning',
    rule: f.rule,
    layer: 'semantic',
    logicalId: f.id,
    resourceType: f.type,
    pointer: f.pointer,
    message: `${f.message}${where}${f.over ? '' : `: over ${Math.round(NEAR_QUOTA * 100)} % of it`}${d ? `; ${d.field} drives it: ${d.grows}` : ''}`,
    hint: d ? d.hint : f.hint,
    ...(source ? { source } : {}),
  };
}
