// Baseline for IAM: no wildcard actions, no wildcard resources except where
// the API has no resource-level permissions, confused-deputy conditions on
// service trust, and secrets readable only under the gateway's tag.
import { GATEWAY_TAG } from '../../../../../shared/gateway-names.js';
import type { Finding } from '../../finding.js';
import { label, statementsOf, strings, type PolicyDoc, type Statement } from './policies.js';
import {
  conditionValues,
  dig,
  isWildcardValue,
  props,
  statementsOfKind,
  statementViolation,
  violation,
  type BaselineContext,
  type BaselineRule,
} from '../baseline-rule.js';

/**
 * Actions with no resource-level permissions: they can only be granted on
 * "*". Each entry is documented in the IAM service authorization reference
 * ("Resource types" column empty).
 */
export const NO_RESOURCE_LEVEL_ACTIONS = new Set([
  // Lambda in a VPC manages its network interfaces
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  // X-Ray tracing
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  // custom metrics (scoped with a cloudwatch:namespace condition instead)
  'cloudwatch:PutMetricData',
  // vended log delivery set-up
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:PutResourcePolicy',
  'sts:GetCallerIdentity',
]);

/** Services whose trust policies take aws:SourceAccount / aws:SourceArn (confused-deputy protection). */
export const SOURCE_CONDITION_SERVICES = new Set([
  'transfer.amazonaws.com',
  // GuardDuty Malware Protection for S3 (downstream.malwareScan)
  'malware-protection-plan.guardduty.amazonaws.com',
]);

function at(
  ctx: BaselineContext,
  rule: BaselineRule,
  doc: PolicyDoc,
  st: Statement,
  message: string,
  hint: string,
): Finding {
  return {
    ...violation(rule, doc.logicalId, ctx.resource(doc.logicalId)!, [], message, hint),
    pointer: st.pointer,
  };
}

const isWildcardAction = (a: string) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a);

export const iamNoWildcardAction: BaselineRule = {
  id: 'baseline/iam-no-wildcard-action',
  description:
    'no policy allows "*" or "service:*" (key policies excepted: their root statement is how IAM governs the key)',
  check(ctx) {
    const out: Finding[] = [];
    for (const doc of ctx.docs) {
      if (doc.kind === 'key' || doc.kind === 'trust') continue;
      for (const st of statementsOf(doc)) {
        if (st.statement.Effect !== 'Allow') continue;
        if (st.statement.NotAction !== undefined) {
          out.push(
            at(
              ctx,
              this,
              doc,
              st,
              `statement ${label(st)} allows NotAction: everything except a list`,
              'list the actions the statement allows (Action)',
            ),
          );
          continue;
        }
        const wild = strings(st.statement.Action).filter(isWildcardAction);
        if (wild.length > 0)
          out.push(
            at(
              ctx,
              this,
              doc,
              st,
              `statement ${label(st)} allows ${wild.join(', ')}`,
              'list the actions the gateway needs',
            ),
          );
      }
    }
    return out;
  },
};

export const iamNoWildcardResource: BaselineRule = {
  id: 'baseline/iam-no-wildcard-resource',
  description:
    'identity policies name their resources ("*" only for actions without resource-level permissions)',
  check(ctx) {
    const out: Finding[] = [];
    for (const doc of ctx.docs) {
      if (doc.kind !== 'identity' && doc.kind !== 'session') continue;
      for (const st of statementsOf(doc)) {
        const s = st.statement;
        if (s.Effect !== 'Allow') continue;
        if (s.NotResource !== undefined) {
          out.push(
            at(
              ctx,
              this,
              doc,
              st,
              `statement ${label(st)} allows NotResource: everything except a list`,
              'name the resources (Resource)',
            ),
          );
          continue;
        }
        if (!strings(s.Resource).includes('*')) continue;
        const scoped = strings(s.Action).filter((a) => !NO_RESOURCE_LEVEL_ACTIONS.has(a));
        if (scoped.length > 0)
          out.push(
            at(
              ctx,
              this,
              doc,
              st,
              `statement ${label(st)} allows ${scoped.join(', ')} on every resource ("*")`,
              'name the ARNs (Fn::GetAtt / Fn::Sub with pseudo parameters)',
            ),
          );
      }
    }
    return out;
  },
};

export const iamConfusedDeputy: BaselineRule = {
  id: 'baseline/iam-confused-deputy',
  description:
    'service trust policies carry aws:SourceAccount or aws:SourceArn where the service supports them',
  check(ctx) {
    const out: Finding[] = [];
    for (const doc of ctx.docs) {
      if (doc.kind !== 'trust') continue;
      for (const st of statementsOf(doc)) {
        const s = st.statement;
        const services = strings(dig(s, 'Principal', 'Service')).filter((svc) =>
          SOURCE_CONDITION_SERVICES.has(svc),
        );
        if (s.Effect !== 'Allow' || services.length === 0) continue;
        const keys = Object.values((s.Condition as Record<string, unknown>) ?? {}).flatMap((c) =>
          c && typeof c === 'object' ? Object.keys(c) : [],
        );
        if (!keys.some((k) => /^aws:Source(Account|Arn)$/i.test(k))) {
          out.push(
            at(
              ctx,
              this,
              doc,
              st,
              `${services.join(', ')} may assume this role on behalf of any account`,
              'add Condition StringEquals aws:SourceAccount = ${AWS::AccountId} and ArnLike aws:SourceArn = the server/user ARNs',
            ),
          );
        }
      }
    }
    return out;
  },
};

export const secretsScopedAccess: BaselineRule = {
  id: 'baseline/secrets-scoped-access',
  description:
    'secretsmanager:GetSecretValue is allowed only on named secrets with a resource-tag condition',
  check(ctx) {
    const out: Finding[] = [];
    for (const doc of ctx.docs) {
      if (doc.kind !== 'identity') continue;
      for (const st of statementsOf(doc)) {
        const s = st.statement;
        const grants = strings(s.Action).some(
          (a) => /^secretsmanager:(GetSecretValue|\*)$/i.test(a) || a === '*',
        );
        if (s.Effect !== 'Allow' || !grants) continue;
        const onAll = strings(s.Resource).includes('*');
        const tagged = Object.values((s.Condition as Record<string, unknown>) ?? {}).some(
          (c) =>
            c &&
            typeof c === 'object' &&
            Object.keys(c).some((k) => /^(aws|secretsmanager):ResourceTag\//i.test(k)),
        );
        if (onAll || !tagged) {
          out.push(
            at(
              ctx,
              this,
              doc,
              st,
              `statement ${label(st)} reads secrets ${onAll ? 'on every secret ("*")' : 'without a resource-tag condition'}`,
              `allow GetSecretValue only on arn:…:secret:<prefix>/* with Condition StringEquals secretsmanager:ResourceTag/${GATEWAY_TAG} = the stack`,
            ),
          );
        }
      }
    }
    return out;
  },
};

/** KMS actions that use key material for data (what a service does with the key on a role's behalf). */
const KMS_DATA_ACTION = /^kms:(Decrypt|Encrypt|GenerateDataKey[A-Za-z]*|ReEncrypt[A-Za-z]*|\*)$/i;

// A role's use of a KMS key goes through the services that need it
// (kms:ViaService): the role's credentials cannot decrypt with the key
// directly or through any other service.
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
export const iamKmsViaService: BaselineRule = {
  id: 'baseline/iam-kms-via-service',
  description:
    'identity policies allow KMS data actions only through named services (kms:ViaService)',
  check(ctx) {
    const out: Finding[] = [];
    for (const { doc, st, r } of statementsOfKind(ctx, 'identity')) {
      const actions = strings(st.statement.Action).filter(
        (a) => KMS_DATA_ACTION.test(a) || a === '*',
      );
      if (st.statement.Effect !== 'Allow' || actions.length === 0) continue;
      const via = conditionValues(st.statement, 'kms:ViaService');
      if (via.length === 0 || via.some(isWildcardValue)) {
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            `statement ${label(st)} allows ${actions.join(', ')} ${via.length === 0 ? 'without a kms:ViaService condition: the role can use the key directly' : 'through any service (a wildcard kms:ViaService)'}`,
            'add Condition StringEquals kms:ViaService: [the services that use the key for this role, e.g. s3.${AWS::Region}.${AWS::URLSuffix}]',
          ),
        );
      }
    }
    return out;
  },
};

// iam.permissionsBoundary in sftpgw.yaml: every role carries it, whichever
// library made it. Without the setting, a template whose roles carry a
// boundary must give it to all of them (a role added later without one
// escapes it).
export const iamPermissionsBoundary: BaselineRule = {
  id: 'baseline/iam-permissions-boundary',
  description:
    'with iam.permissionsBoundary set (or any role bounded), every AWS::IAM::Role has that PermissionsBoundary',
  check(ctx) {
    const roles = ctx.ofType('AWS::IAM::Role');
    const bounded = roles
      .map(([, r]) => props(r).PermissionsBoundary)
      .filter((b) => b !== undefined);
    const wanted: unknown = ctx.permissionsBoundary ?? bounded[0];
    if (wanted === undefined) return [];
    const same = (b: unknown) => JSON.stringify(b) === JSON.stringify(wanted);
    return roles
      .filter(([, r]) => !same(props(r).PermissionsBoundary))
      .map(([id, r]) => {
        const b = props(r).PermissionsBoundary;
        const name = typeof wanted === 'string' ? wanted : 'the boundary the other roles have';
        return violation(
          this,
          id,
          r,
          ['Properties', 'PermissionsBoundary'],
          b === undefined
            ? `the role has no permissions boundary (${ctx.permissionsBoundary ? 'iam.permissionsBoundary is ' : 'other roles have '}${name})`
            : `the role's permissions boundary is not ${name}`,
          ctx.permissionsBoundary
            ? 'build roles through the shipped templates (component.template sets it) or set PermissionsBoundary to iam.permissionsBoundary'
            : `set PermissionsBoundary: ${name} on every role`,
        );
      });
  },
};

export const iamRules = [
  iamNoWildcardAction,
  iamNoWildcardResource,
  iamConfusedDeputy,
  secretsScopedAccess,
  iamKmsViaService,
  iamPermissionsBoundary,
];
