// Layer 2, the custom identity provider's sizes (lambda mode, and the
// staging template of the forward switch: docs/identity-provider.md#quotas),
// reported the way quota/template-size reports a template that must go
// through S3: an info finding with the figure, a warning or error when a
// limit is near or passed.
//
// - identity/directory-size: the directory the deploy uploads (bytes and
//   gzipped). S3 takes objects far larger; what it costs is the identity
//   function's cold start, which fetches and parses it whole. Measured:
//   10,000 users make 8,970,077 bytes and a cold start of ~0.4–0.5 s
//   (docs/benchmarks.md#identity-provider-issue-27); a warning
//   from DIRECTORY_WARN_BYTES, 5× that directory, where the same cost grown
//   linearly is ~2.5 s of the function's 10 s Timeout.
// - identity/function-policy-size: the inline policies of the identity
//   function's role as IAM counts them (worst case) against IAM's 10,240
//   characters for one role (IAM and AWS STS quotas,
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
//   iam/role-policy-size warns and fails from 90 % for every role; this is
//   the figure below that.
// Each directory user's session policy, home and the other user rules are
// checked as a service-managed user's are (../../pipeline.ts, directoryUsers).
import { gzipSync } from 'node:zlib';
import type { Directory } from '../../../../../shared/identity/directory.js';
import { count } from '../../../plural.js';
import { gatewayIds } from '../../../template/gateway-metadata.js';
import type { CfnTemplate } from '../../../template/types.js';
import { pointerOf, type Finding } from '../../finding.js';
import { IAM_POLICY_QUOTAS, NEAR_QUOTA, roleInlinePolicies } from '../iam/policy-size.js';

/** The rules of this file, for docs/validation.md (npm run docs:rules). */
export const IDENTITY_RULES: readonly { id: string; severity: string; description: string }[] = [
  {
    id: 'identity/directory-size',
    severity: 'info, warning',
    description:
      'lambda mode: the directory the deploy uploads, in bytes and gzipped, with its user count (the identity function fetches and parses it whole at each cold start); a warning from 45,000,000 bytes, 5× the measured 10,000-user directory',
  },
  {
    id: 'identity/function-policy-size',
    severity: 'info',
    description:
      "lambda mode: the identity function role's inline policies as IAM counts them (worst case) against IAM's 10,240 characters for one role; from 90% on, iam/role-policy-size warns or fails instead.",
  },
];

/** 5× the 10,000-user directory measured (docs/benchmarks.md). */
export const DIRECTORY_WARN_BYTES = 45_000_000;

export interface DirectorySizeInput {
  /** The exact bytes the deploy uploads (Synthesized.directoryText). */
  text: string;
  directory: Directory;
  /** The root template (for the role and the placeholders' longest values). */
  template: CfnTemplate;
  stackName?: string;
}

/** The identity function's role: the Fn::GetAtt [Role, Arn] of IdentityFunction's Role. */
export function identityFunctionRole(template: CfnTemplate): string | undefined {
  const fnId = gatewayIds(template).identityFunction ?? 'IdentityFunction';
  const role = (template.Resources?.[fnId]?.Properties as { Role?: unknown } | undefined)?.Role;
  const getAtt = (role as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  const id = Array.isArray(getAtt)
    ? getAtt[0]
    : typeof getAtt === 'string'
      ? getAtt.split('.')[0]
      : undefined;
  return typeof id === 'string' && template.Resources?.[id]?.Type === 'AWS::IAM::Role'
    ? id
    : undefined;
}

export function directoryFindings(input: DirectorySizeInput): Finding[] {
  const out: Finding[] = [];
  const bytes = Buffer.byteLength(input.text);
  const gzipped = gzipSync(input.text).length;
  const users = Object.keys(input.directory.users).length;
  const big = bytes >= DIRECTORY_WARN_BYTES;
  out.push({
    severity: big ? 'warning' : 'info',
    rule: 'identity/directory-size',
    layer: 'semantic',
    pointer: '',
    message: `the directory (directory.json, uploaded to DirectoryBucket by deploy) is ${bytes} bytes, ${gzipped} gzipped, for ${count(users, 'user')}: the identity function fetches and parses it whole at each cold start${big ? `; from ${DIRECTORY_WARN_BYTES} bytes that cold start nears seconds (10,000 users: 8,970,077 bytes, ~0.5 s)` : ''}`,
    ...(big
      ? {
          hint: 'measure the cold start at this size (bench: SFTPGW_BENCH_IDENTITY, docs/benchmarks.md) and raise the function’s memory, or split the gateway',
        }
      : {}),
  });
  const role = identityFunctionRole(input.template);
  const policies = role ? roleInlinePolicies(input.template, input.stackName).get(role) : undefined;
  if (role && policies) {
    const total = policies.reduce((n, p) => n + p.length, 0);
    const limit = IAM_POLICY_QUOTAS.roleInline;
    // From 90 % on, iam/role-policy-size says it (a warning, or an error over the limit).
    if (total < limit * NEAR_QUOTA)
      out.push({
        severity: 'info',
        rule: 'identity/function-policy-size',
        layer: 'semantic',
        logicalId: role,
        resourceType: 'AWS::IAM::Role',
        pointer: pointerOf('Resources', role),
        message: `the identity function's role ${role} has inline policies of ${total} characters as IAM counts them (intrinsic functions at their longest), of IAM's ${limit} for one role; the same for any number of users`,
      });
  }
  return out;
}
