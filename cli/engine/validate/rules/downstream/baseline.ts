// Baseline for what downstream adds (docs/downstream.md): a role another
// account assumes (Snowflake's IAM user) is bound to the external id and
// only reads; a topic policy lets services publish only on behalf of this
// account's resources and lets nobody at all in. (The topic's encryption is
// baseline/queue-topic-kms, for every topic and queue.)
import type { Finding } from '../../finding.js';
import { label, strings } from '../iam/policies.js';
import {
  conditionValues,
  dig,
  statementsOfKind,
  statementViolation,
  type BaselineContext,
  type BaselineRule,
} from '../baseline-rule.js';

/** What a role another account assumes may do: read objects and list, decrypt them. */
export const READ_ONLY_ACTIONS = new Set([
  's3:getobject',
  's3:getobjectversion',
  's3:listbucket',
  's3:getbucketlocation',
  'kms:decrypt',
]);

/**
 * Roles trusting an IAM principal written as a literal ARN (another
 * account's: this account's own principals are written with pseudo
 * parameters), by logical id.
 */
function foreignTrusted(ctx: BaselineContext): Set<string> {
  const ids = new Set<string>();
  for (const { doc, st } of statementsOfKind(ctx, 'trust'))
    if (st.statement.Effect === 'Allow' && strings(dig(st.statement, 'Principal', 'AWS')).length)
      ids.add(doc.logicalId);
  return ids;
}

export const trustExternalId: BaselineRule = {
  id: 'baseline/trust-external-id',
  description:
    'a role another account assumes requires the external id (sts:ExternalId), so only its integration can',
  check(ctx) {
    const out: Finding[] = [];
    for (const { doc, st, r } of statementsOfKind(ctx, 'trust')) {
      const s = st.statement;
      const principals = strings(dig(s, 'Principal', 'AWS'));
      if (s.Effect !== 'Allow' || principals.length === 0) continue;
      const ids = conditionValues(s, 'sts:ExternalId').filter((v) => typeof v === 'string' && v);
      if (ids.length === 0)
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            `statement ${label(st)} trusts ${principals.join(', ')} without sts:ExternalId: whoever that principal acts for could assume the role`,
            "add Condition StringEquals sts:ExternalId = the integration's external id (downstream.snowflake.externalId)",
          ),
        );
    }
    return out;
  },
};

export const foreignRoleReadOnly: BaselineRule = {
  id: 'baseline/foreign-role-read-only',
  description:
    'a role another account assumes only reads (s3:GetObject, s3:GetObjectVersion, s3:ListBucket, s3:GetBucketLocation, kms:Decrypt)',
  check(ctx) {
    const roles = foreignTrusted(ctx);
    const out: Finding[] = [];
    for (const { doc, st, r } of statementsOfKind(ctx, 'identity')) {
      if (!roles.has(doc.logicalId) || st.statement.Effect !== 'Allow') continue;
      const other = strings(st.statement.Action).filter(
        (a) => !READ_ONLY_ACTIONS.has(a.toLowerCase()),
      );
      if (st.statement.NotAction !== undefined) other.push('NotAction');
      if (other.length > 0)
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            `statement ${label(st)} lets another account ${other.join(', ')}`,
            'grant only s3:GetObject, s3:GetObjectVersion, s3:ListBucket, s3:GetBucketLocation and kms:Decrypt (through S3)',
          ),
        );
    }
    return out;
  },
};

export const topicPolicyScoped: BaselineRule = {
  id: 'baseline/topic-policy-scoped',
  description:
    'a topic policy admits no wildcard principal, and a service publishes only for this account (aws:SourceAccount) and named sources (aws:SourceArn)',
  check(ctx) {
    const out: Finding[] = [];
    const policies = new Set(ctx.ofType('AWS::SNS::TopicPolicy').map(([id]) => id));
    for (const { doc, st, r } of statementsOfKind(ctx, 'resource')) {
      const s = st.statement;
      if (!policies.has(doc.logicalId) || s.Effect !== 'Allow') continue;
      if (s.Principal === '*' || strings(dig(s, 'Principal', 'AWS')).includes('*')) {
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            `statement ${label(st)} admits every principal`,
            "name the principals (a service, or an IAM user ARN such as Snowflake's)",
          ),
        );
        continue;
      }
      const services = strings(dig(s, 'Principal', 'Service'));
      const missing = ['aws:SourceAccount', 'aws:SourceArn'].filter(
        (k) => conditionValues(s, k).length === 0,
      );
      if (services.length > 0 && missing.length > 0)
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            `statement ${label(st)} lets ${services.join(', ')} publish without ${missing.join(' and ')}: on behalf of any resource`,
            'add Condition StringEquals aws:SourceAccount = ${AWS::AccountId} and ArnLike aws:SourceArn = the publishing bucket',
          ),
        );
    }
    return out;
  },
};

/** An aws:SourceArn value that matches every bucket: arn:<partition>:s3:::* (literal or in Fn::Sub). */
function everyBucket(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /s3:::\*("|$)/.test(text);
}

// A warning, not an error: a gateway deployed before its bucket had a
// default name keeps CloudFormation's name (buckets.keepGeneratedGatewayName:
// true), which the topic policy cannot name without a cycle.
export const topicSourceBucketNamed: BaselineRule = {
  id: 'baseline/topic-source-bucket-named',
  description:
    'S3 publishes to a topic only for a bucket named in aws:SourceArn, not for every bucket of the account (warning)',
  check(ctx) {
    const out: Finding[] = [];
    const policies = new Set(ctx.ofType('AWS::SNS::TopicPolicy').map(([id]) => id));
    for (const { doc, st, r } of statementsOfKind(ctx, 'resource')) {
      const s = st.statement;
      if (!policies.has(doc.logicalId) || s.Effect !== 'Allow') continue;
      if (!strings(dig(s, 'Principal', 'Service')).includes('s3.amazonaws.com')) continue;
      if (!conditionValues(s, 'aws:SourceArn').some(everyBucket)) continue;
      out.push({
        ...statementViolation(
          this,
          doc,
          r,
          st,
          `statement ${label(st)} lets S3 publish for any bucket of this account (aws:SourceArn arn:…:s3:::*): whoever may set a bucket notification in the account can send events to the topic's subscribers (Snowpipe's queue, other consumers), which then see objects that are no completed uploads`,
          "name the bucket: set buckets.keepGeneratedGatewayName to the deployed gateway bucket's name (stack output BucketName, or sftpgw info) instead of true; BucketName is not changed, only the policy names it. A gateway created from now on gets a named bucket by default",
        ),
        severity: 'warning',
      });
    }
    return out;
  },
};

export const downstreamRules: readonly BaselineRule[] = [
  trustExternalId,
  foreignRoleReadOnly,
  topicPolicyScoped,
  topicSourceBucketNamed,
];
