// S3 buckets: the gateway bucket (SSE-KMS with the gateway key) and the
// access-log bucket (SSE-S3, because S3 server access logging cannot deliver
// to SSE-KMS buckets). Both: versioning, all four public-access-block flags,
// BucketOwnerEnforced, TLS-only bucket policy, noncurrent-version lifecycle,
// Retain on delete and on replacement.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

local publicAccessBlock = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

local denyInsecureTransport(id) = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [c.getAtt(id, 'Arn'), c.sub('${' + id + '.Arn}/*')],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

local base(id, name, noncurrentDays, tags) = {
  Type: 'AWS::S3::Bucket',
  Properties: {
    [if name != null then 'BucketName']: name,
    VersioningConfiguration: { Status: 'Enabled' },
    PublicAccessBlockConfiguration: publicAccessBlock,
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    LifecycleConfiguration: {
      Rules: [{
        Id: 'ExpireNoncurrentVersions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: noncurrentDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }],
    },
  },
} + c.retain + tagging.mixin(tags);

{
  // The bucket S3 server access logs are delivered to.
  // sources: ARNs of the buckets allowed to deliver logs here (aws:SourceArn).
  accessLogs(id=error 'bucket.accessLogs: id is required', sources=error 'bucket.accessLogs: sources (bucket ARNs) is required',
             name=null, noncurrentDays=90, expireLogsDays=365, tags={}):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    resources: {
      [id]: base(id, name, noncurrentDays, tags) + {
        Properties+: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
          LifecycleConfiguration+: {
            Rules+: [{ Id: 'ExpireAccessLogs', Status: 'Enabled', ExpirationInDays: expireLogsDays }],
          },
        },
      },
      [id + 'Policy']: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: c.ref(id),
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              denyInsecureTransport(id),
              {
                Sid: 'S3ServerAccessLogsFromThisAccount',
                Effect: 'Allow',
                Principal: { Service: 'logging.s3.amazonaws.com' },
                Action: 's3:PutObject',
                Resource: c.sub('${' + id + '.Arn}/*'),
                Condition: {
                  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                  ArnLike: { 'aws:SourceArn': sources },
                },
              },
            ],
          },
        },
      },
    },
  },

  // A data bucket encrypted with the gateway key, logging to the access-log bucket.
  new(id=error 'bucket.new: id is required',
      key=error 'bucket.new: key (a key component) is required',
      accessLogs=error 'bucket.new: accessLogs (an accessLogs component) is required',
      name=null, noncurrentDays=90, tags={}):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    // Statements added to the TLS-only bucket policy.
    extraStatements:: [],
    local this = self,
    resources: {
      [id]: base(id, name, noncurrentDays, tags) + {
        Properties+: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.arn },
              BucketKeyEnabled: true,
            }],
          },
          LoggingConfiguration: {
            DestinationBucketName: accessLogs.ref,
            LogFilePrefix: id + '/',
          },
        },
      },
      [id + 'Policy']: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: c.ref(id),
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [denyInsecureTransport(id)] + this.extraStatements,
          },
        },
      },
    },
  },

  // Add statements to a data bucket's TLS-only bucket policy:
  //   gw.bucket + bucket.withPolicyStatements([{ Sid: ..., Effect: 'Deny', ... }])
  withPolicyStatements(statements):: { extraStatements+:: statements },
}
