// Baseline for S3 buckets (gateway, staging, access logs) and for what must
// outlive the stack: buckets and keys are retained on delete and replace.
import type { CfnResource } from '../../../template/types.js';
import type { Finding } from '../../finding.js';
import { statementsOf } from '../iam/policies.js';
import {
  deniesInsecureTransport,
  dig,
  isTrue,
  list,
  props,
  retains,
  target,
  violation,
  type BaselineContext,
  type BaselineRule,
} from '../baseline-rule.js';

const BUCKET = 'AWS::S3::Bucket';

/** Buckets that receive S3 server access logs: SSE-S3 allowed (logging cannot write to SSE-KMS), no logging of their own. */
function logTargets(ctx: BaselineContext): Set<string> {
  const out = new Set<string>();
  for (const [, r] of ctx.ofType(BUCKET)) {
    const t = target(dig(props(r), 'LoggingConfiguration', 'DestinationBucketName'));
    if (t) out.add(t);
  }
  return out;
}

function eachBucket(
  ctx: BaselineContext,
  fn: (id: string, r: CfnResource, p: Record<string, unknown>) => Finding | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const [id, r] of ctx.ofType(BUCKET)) {
    const f = fn(id, r, props(r));
    if (f) out.push(f);
  }
  return out;
}

export const bucketEncryption: BaselineRule = {
  id: 'baseline/bucket-encryption',
  description:
    'buckets use SSE-KMS with the gateway key and an S3 Bucket Key (access-log buckets: SSE-S3)',
  check(ctx) {
    const logs = logTargets(ctx);
    return eachBucket(ctx, (id, r, p) => {
      const rules = list(dig(p, 'BucketEncryption', 'ServerSideEncryptionConfiguration'));
      const at = ['Properties', 'BucketEncryption'];
      const byDefault = rules.map((x) => dig(x, 'ServerSideEncryptionByDefault'));
      const algorithm = dig(byDefault[0], 'SSEAlgorithm');
      if (logs.has(id)) {
        if (algorithm === undefined)
          return violation(
            this,
            id,
            r,
            at,
            'the access-log bucket has no default encryption',
            'set SSEAlgorithm AES256 (S3 server access logging cannot deliver to SSE-KMS buckets)',
          );
        return undefined;
      }
      if (algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') {
        return violation(
          this,
          id,
          r,
          at,
          `the bucket is not encrypted with KMS (SSEAlgorithm ${algorithm === undefined ? 'not set' : JSON.stringify(algorithm)})`,
          'set SSEAlgorithm aws:kms with KMSMasterKeyID the gateway key',
        );
      }
      if (dig(byDefault[0], 'KMSMasterKeyID') === undefined)
        return violation(
          this,
          id,
          r,
          at,
          'SSE-KMS without KMSMasterKeyID uses the AWS-managed key, not the gateway key',
          'set KMSMasterKeyID to the gateway key (Fn::GetAtt Key.Arn)',
        );
      if (!isTrue(dig(rules[0], 'BucketKeyEnabled')))
        return violation(
          this,
          id,
          r,
          at,
          'BucketKeyEnabled is not set: every object operation calls KMS',
          'set BucketKeyEnabled: true',
        );
      return undefined;
    });
  },
};

export const bucketVersioning: BaselineRule = {
  id: 'baseline/bucket-versioning',
  description: 'buckets keep versions (an overwritten or deleted upload can be recovered)',
  check(ctx) {
    return eachBucket(ctx, (id, r, p) =>
      dig(p, 'VersioningConfiguration', 'Status') === 'Enabled'
        ? undefined
        : violation(
            this,
            id,
            r,
            ['Properties', 'VersioningConfiguration'],
            'versioning is not enabled',
            'set VersioningConfiguration: { Status: Enabled }',
          ),
    );
  },
};

const PUBLIC_ACCESS_FLAGS = [
  'BlockPublicAcls',
  'BlockPublicPolicy',
  'IgnorePublicAcls',
  'RestrictPublicBuckets',
];

export const bucketPublicAccessBlock: BaselineRule = {
  id: 'baseline/bucket-public-access-block',
  description: 'all four public-access-block flags are on',
  check(ctx) {
    return eachBucket(ctx, (id, r, p) => {
      const missing = PUBLIC_ACCESS_FLAGS.filter(
        (f) => !isTrue(dig(p, 'PublicAccessBlockConfiguration', f)),
      );
      return missing.length === 0
        ? undefined
        : violation(
            this,
            id,
            r,
            ['Properties', 'PublicAccessBlockConfiguration'],
            `public access is not fully blocked (${missing.join(', ')} not true)`,
            'set all four PublicAccessBlockConfiguration flags to true',
          );
    });
  },
};

export const bucketOwnerEnforced: BaselineRule = {
  id: 'baseline/bucket-owner-enforced',
  description: 'object ownership is BucketOwnerEnforced (ACLs off)',
  check(ctx) {
    return eachBucket(ctx, (id, r, p) =>
      list(dig(p, 'OwnershipControls', 'Rules')).some(
        (x) => dig(x, 'ObjectOwnership') === 'BucketOwnerEnforced',
      )
        ? undefined
        : violation(
            this,
            id,
            r,
            ['Properties', 'OwnershipControls'],
            'ACLs are not disabled',
            'set OwnershipControls: { Rules: [{ ObjectOwnership: BucketOwnerEnforced }] }',
          ),
    );
  },
};

export const bucketAccessLogging: BaselineRule = {
  id: 'baseline/bucket-access-logging',
  description: 'buckets log access to the access-log bucket',
  check(ctx) {
    const logs = logTargets(ctx);
    return eachBucket(ctx, (id, r, p) =>
      logs.has(id) || dig(p, 'LoggingConfiguration', 'DestinationBucketName') !== undefined
        ? undefined
        : violation(
            this,
            id,
            r,
            ['Properties', 'LoggingConfiguration'],
            'server access logging is off',
            'set LoggingConfiguration.DestinationBucketName to the access-log bucket',
          ),
    );
  },
};

export const bucketNoncurrentLifecycle: BaselineRule = {
  id: 'baseline/bucket-noncurrent-lifecycle',
  description: 'noncurrent versions expire (versioning without it grows without bound)',
  check(ctx) {
    return eachBucket(ctx, (id, r, p) =>
      list(dig(p, 'LifecycleConfiguration', 'Rules')).some(
        (x) =>
          dig(x, 'Status') === 'Enabled' &&
          (dig(x, 'NoncurrentVersionExpiration') !== undefined ||
            dig(x, 'NoncurrentVersionExpirationInDays') !== undefined),
      )
        ? undefined
        : violation(
            this,
            id,
            r,
            ['Properties', 'LifecycleConfiguration'],
            'no enabled lifecycle rule expires noncurrent versions',
            'add a rule with NoncurrentVersionExpiration: { NoncurrentDays: N } and Status: Enabled',
          ),
    );
  },
};

export const bucketTlsOnly: BaselineRule = {
  id: 'baseline/bucket-tls-only',
  description: 'a bucket policy denies every request made without TLS (aws:SecureTransport false)',
  check(ctx) {
    const protectedBuckets = new Set<string>();
    for (const doc of ctx.docs) {
      if (doc.resourceType !== 'AWS::S3::BucketPolicy') continue;
      const policy = ctx.resource(doc.logicalId);
      const bucket = policy && target(props(policy).Bucket);
      if (!bucket) continue;
      if (statementsOf(doc).some(({ statement: s }) => deniesInsecureTransport(s, 's3')))
        protectedBuckets.add(bucket);
    }
    return eachBucket(ctx, (id, r) =>
      protectedBuckets.has(id)
        ? undefined
        : violation(
            this,
            id,
            r,
            [],
            'no bucket policy denies requests without TLS',
            'add an AWS::S3::BucketPolicy with a Deny of s3:* for Principal "*" when aws:SecureTransport is false',
          ),
    );
  },
};

const RETAINED = ['AWS::S3::Bucket', 'AWS::KMS::Key'];

export const retainPolicies: BaselineRule = {
  id: 'baseline/retain-on-delete',
  description:
    'buckets and keys have DeletionPolicy and UpdateReplacePolicy Retain (data outlives the stack)',
  check(ctx) {
    const out: Finding[] = [];
    for (const type of RETAINED) {
      for (const [id, r] of ctx.ofType(type)) {
        const missing = ['DeletionPolicy', 'UpdateReplacePolicy'].filter((k) => !retains(r[k]));
        if (missing.length > 0)
          out.push(
            violation(
              this,
              id,
              r,
              [missing[0]],
              `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not Retain: deleting or replacing the stack would destroy it`,
              `set ${missing.join(' and ')}: Retain`,
            ),
          );
      }
    }
    return out;
  },
};

export const storageRules = [
  bucketEncryption,
  bucketVersioning,
  bucketPublicAccessBlock,
  bucketOwnerEnforced,
  bucketAccessLogging,
  bucketNoncurrentLifecycle,
  bucketTlsOnly,
  retainPolicies,
];
