// Baseline for the gateway's KMS key: rotation, an alias, and a key policy
// that never grants to a wildcard principal, binds each service to this
// stack's resources and lets grants be made only through AWS services.
import type { Finding } from '../../finding.js';
import { statementsOf, strings, label } from '../iam/policies.js';
import {
  conditionValues,
  dig,
  isTrue,
  isWildcardValue,
  props,
  statementsOfKind,
  statementViolation,
  target,
  textOf,
  violation,
  type BaselineContext,
  type BaselineRule,
} from '../baseline-rule.js';
import { isObj } from '../../values.js';

const KEY = 'AWS::KMS::Key';

export const kmsRotation: BaselineRule = {
  id: 'baseline/kms-rotation',
  description: 'symmetric keys rotate yearly',
  check(ctx) {
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType(KEY)) {
      const p = props(r);
      const symmetric = p.KeySpec === undefined || p.KeySpec === 'SYMMETRIC_DEFAULT';
      if (symmetric && !isTrue(p.EnableKeyRotation))
        out.push(
          violation(
            this,
            id,
            r,
            ['Properties', 'EnableKeyRotation'],
            'key rotation is off',
            'set EnableKeyRotation: true',
          ),
        );
    }
    return out;
  },
};

export const kmsAlias: BaselineRule = {
  id: 'baseline/kms-alias',
  description: 'every key has an alias (operators find it by name)',
  check(ctx) {
    const aliased = new Set(
      ctx.ofType('AWS::KMS::Alias').map(([, a]) => target(props(a).TargetKeyId)),
    );
    return ctx
      .ofType(KEY)
      .filter(([id]) => !aliased.has(id))
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          [],
          'no AWS::KMS::Alias points at this key',
          'add an alias, e.g. alias/sftpgw/<stack>, with TargetKeyId: { Ref: <key> }',
        ),
      );
  },
};

export const kmsNoWildcardPrincipal: BaselineRule = {
  id: 'baseline/kms-no-wildcard-principal',
  description: 'key policies grant only to named principals',
  check(ctx) {
    const out: Finding[] = [];
    for (const doc of ctx.docs) {
      if (doc.kind !== 'key') continue;
      const r = ctx.resource(doc.logicalId);
      if (!r) continue;
      for (const st of statementsOf(doc)) {
        const s = st.statement;
        const wildcard = s.Principal === '*' || strings(dig(s, 'Principal', 'AWS')).includes('*');
        if (s.Effect === 'Allow' && wildcard) {
          out.push({
            ...violation(
              this,
              doc.logicalId,
              r,
              [],
              `key policy statement ${label(st)} allows Principal "*"`,
              'name the account root, roles or services that need the key',
            ),
            pointer: st.pointer,
          });
        }
      }
    }
    return out;
  },
};

// A service principal in the key policy may use the key only for resources of
// this stack: an encryption-context condition naming them (CloudWatch Logs:
// aws:logs:arn = the log groups; SNS for CloudWatch alarms: aws:sns:topicArn =
// the alarm topic), never a wildcard such as log-group:*.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
//
// One pattern is accepted: Transfer Family's workflow log group
// /aws/transfer/<server-id> (server.libsonnet workflowLogging), when the
// stack makes that group for its server. The key cannot name the server id
// (the server depends on the key through its structured log group: a
// cycle), and s-* matches only server log groups of this account and region.
export const TRANSFER_WORKFLOW_LOGS =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/transfer/s-*';

/** The template makes a /aws/transfer/<server-id> log group for one of its servers. */
function hasWorkflowLogGroup(ctx: BaselineContext): boolean {
  const servers = new Set(ctx.ofType('AWS::Transfer::Server').map(([id]) => id));
  return ctx.ofType('AWS::Logs::LogGroup').some(([, g]) => {
    const m = /^\/aws\/transfer\/\$\{([A-Za-z0-9]+)\.ServerId\}$/.exec(
      textOf(props(g).LogGroupName) ?? '',
    );
    return m !== null && servers.has(m[1]!);
  });
}

export const kmsServiceEncryptionContext: BaselineRule = {
  id: 'baseline/kms-service-encryption-context',
  description:
    "key-policy grants to AWS services name this stack's resources in an encryption-context condition (no wildcard)",
  check(ctx) {
    const out: Finding[] = [];
    for (const { doc, st, r } of statementsOfKind(ctx, 'key')) {
      const s = st.statement;
      if (s.Effect !== 'Allow' || dig(s, 'Principal', 'Service') === undefined) continue;
      const cond = isObj(s.Condition) ? s.Condition : {};
      const keys = Object.values(cond)
        .filter(isObj)
        .flatMap((op) => Object.keys(op))
        .filter((k) => /^kms:EncryptionContext:/i.test(k));
      const wild = keys
        .flatMap((k) => conditionValues(s, k))
        .filter(isWildcardValue)
        .filter((v) => !(textOf(v) === TRANSFER_WORKFLOW_LOGS && hasWorkflowLogGroup(ctx)));
      if (keys.length === 0) {
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            `key policy statement ${label(st)} lets a service use the key for any resource: no kms:EncryptionContext condition`,
            "add a condition on the service's encryption context naming this stack's resources (e.g. ArnEquals kms:EncryptionContext:aws:logs:arn: [the log group ARNs])",
          ),
        );
      } else if (wild.length > 0) {
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            `key policy statement ${label(st)} names resources with a wildcard (${wild.map((w) => textOf(w) ?? 'a computed value').join(', ')}): every such resource of the account may use the key`,
            "name this stack's resources exactly (their computed names, e.g. arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/…)",
          ),
        );
      }
    }
    return out;
  },
};

const isFalse = (v: unknown) => v === false || v === 'false' || v === 'False';

// CT.KMS.PR.3: a Deny of kms:CreateGrant for everyone unless an AWS service
// asks (kms:GrantIsForAWSResource) or is the principal (aws:PrincipalIsAWSService).
// https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html#ct-kms-pr-3-description
export const kmsGrantsAwsServicesOnly: BaselineRule = {
  id: 'baseline/kms-grants-aws-services-only',
  description:
    'key policies deny kms:CreateGrant unless an AWS service makes the grant (Control Tower CT.KMS.PR.3)',
  check(ctx) {
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType('AWS::KMS::Key')) {
      const doc = ctx.docs.find((d) => d.kind === 'key' && d.logicalId === id);
      if (!doc) continue; // computed key policy: not ours to judge
      const denies = statementsOf(doc).some(({ statement: s }) => {
        const everyone = s.Principal === '*' || strings(dig(s, 'Principal', 'AWS')).includes('*');
        const cond = isObj(s.Condition) ? s.Condition : {};
        const b = isObj(cond.BoolIfExists) ? cond.BoolIfExists : {};
        const only = Object.keys(cond).length === 1 && Object.keys(b).length === 2;
        return (
          s.Effect === 'Deny' &&
          everyone &&
          strings(s.Action).length > 0 &&
          strings(s.Action).every((a) => a === 'kms:CreateGrant') &&
          strings(s.Resource).every((x) => x === '*') &&
          only &&
          isFalse(b['kms:GrantIsForAWSResource']) &&
          isFalse(b['aws:PrincipalIsAWSService'])
        );
      });
      if (!denies)
        out.push(
          violation(
            this,
            id,
            r,
            ['Properties', 'KeyPolicy'],
            'the key policy lets principals create grants for themselves or others, not only through AWS services',
            'add { Effect: Deny, Principal: "*", Action: kms:CreateGrant, Resource: "*", Condition: { BoolIfExists: { kms:GrantIsForAWSResource: "false", aws:PrincipalIsAWSService: "false" } } } (sftpgw.key.denyGrantsOutsideAwsServices)',
          ),
        );
    }
    return out;
  },
};

export const kmsRules = [
  kmsRotation,
  kmsAlias,
  kmsNoWildcardPrincipal,
  kmsServiceEncryptionContext,
  kmsGrantsAwsServicesOnly,
];
