// The custom identity provider (server.identityProvider.type: lambda;
// docs/identity-provider.md): Transfer Family calls IdentityFunction at every
// login, and the function answers from one directory document the build
// writes (directory.json, uploaded by deploy into DirectoryBucket).
//
//   DirectoryBucket          versioned, SSE-KMS with the gateway key (bucket
//                            key on), public access blocked, TLS only,
//                            noncurrent versions kept `noncurrentDays` days
//                            and never fewer than the newest 10 (rollback),
//                            Retain: it holds the directory's history.
//   IdentityLogGroup         the function's logs (retention, the gateway key).
//   IdentityFunctionRole     reads directory.json (and its versions), decrypts
//                            it only through S3, writes its log group, traces.
//                            No s3:ListBucket: a missing object is then
//                            AccessDenied, which the function treats as "no
//                            directory" (deny) like NoSuchKey.
//   IdentityFunction         identity.mjs of the identity artifact
//                            (sftpgw/identity/<sha256>.zip, handler-artifact.ts).
//   IdentityFunctionPermission  Transfer Family may invoke it for this server
//                            only (SourceArn = the server's ARN, SourceAccount).
//   IdentityErrorsAlarm      the function's errors: when it fails, logins fail.
//
// The server points at the function (server.libsonnet identityProvider) in
// the lambda mode; in the staging template of the forward switch
// (`stage`: true) everything here exists but the server stays
// SERVICE_MANAGED, so the permission (which names the server's ARN) and the
// directory exist before the server switches.
// https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';
local bucket = import 'bucket.libsonnet';
local logs = import 'logs.libsonnet';
local alarms = import 'alarms.libsonnet';
local outbound = import 'outbound.libsonnet';

{
  // The directory's object key in DirectoryBucket (the function's
  // DIRECTORY_KEY; deploy writes it there).
  directoryKey:: 'directory.json',

  // settings: config.server.identityProvider as the engine passes it
  // ({ type, passwords, cacheSeconds, stage, codeKey }).
  new(settings=error 'identity.new: settings (config.server.identityProvider) is required',
      key=error 'identity.new: key (a key component) is required',
      accessLogs=error 'identity.new: accessLogs (an accessLogs component) is required',
      server=error 'identity.new: server (a server component) is required',
      gatewayBucket=error 'identity.new: gatewayBucket (a bucket component) is required',
      userRole=error 'identity.new: userRole (a role component) is required',
      alarmTopic=error 'identity.new: alarmTopic (an alarms.topic) is required',
      noncurrentDays=90, logRetentionDays=365, tags={}):: {
    local idp = self,
    settings:: settings,
    local cfg = idp.settings,
    ids:: {
      directoryBucket: 'DirectoryBucket',
      logGroup: 'IdentityLogGroup',
      role: 'IdentityFunctionRole',
      identityFunction: 'IdentityFunction',
      permission: 'IdentityFunctionPermission',
      errorsAlarm: 'IdentityErrorsAlarm',
    },
    local ids = idp.ids,
    // The staging template of the forward switch: the server does not point here yet.
    stage:: std.get(cfg, 'stage', false),
    // What the server's IdentityProviderDetails name (server.libsonnet).
    functionArn:: c.getAtt(ids.identityFunction, 'Arn'),
    // A custom identity provider allows passwords unless told otherwise:
    // the method is always set.
    // https://docs.aws.amazon.com/transfer/latest/userguide/API_IdentityProviderDetails.html
    sftpAuthenticationMethods:: if cfg.passwords then 'PUBLIC_KEY_OR_PASSWORD' else 'PUBLIC_KEY',

    directoryBucket:: bucket.new(ids.directoryBucket, key=key, accessLogs=accessLogs,
                                 noncurrentDays=noncurrentDays, tags=tags)
                      + c.patch(ids.directoryBucket, {
                        Properties+: {
                          LifecycleConfiguration: {
                            Rules: [{
                              // The previous directories are the rollback: kept
                              // `noncurrentDays`, and the newest 10 whatever their age.
                              // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-noncurrentversionexpiration.html
                              Id: 'ExpireNoncurrentDirectories',
                              Status: 'Enabled',
                              NoncurrentVersionExpiration: { NoncurrentDays: noncurrentDays, NewerNoncurrentVersions: 10 },
                              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
                            }],
                          },
                        },
                      }),
    directoryBucketArn:: c.getAtt(ids.directoryBucket, 'Arn'),

    logGroup:: logs.new(ids.logGroup, name=c.sub('/aws/lambda/${AWS::StackName}-identity'),
                        key=key, retentionDays=logRetentionDays, tags=tags),

    role:: {
      id:: ids.role,
      arn:: c.getAtt(ids.role, 'Arn'),
      extraStatements:: [],
      local role = self,
      resources: {
        [ids.role]: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Description: 'Identity function: read the directory object, decrypt it through S3, write its logs',
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
            },
            Policies: [{
              PolicyName: 'Identity',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'ReadTheDirectory',
                    Effect: 'Allow',
                    Action: ['s3:GetObject', 's3:GetObjectVersion'],
                    Resource: c.sub('${' + ids.directoryBucket + '.Arn}/' + $.directoryKey),
                  },
                  {
                    // The directory is SSE-KMS: S3 decrypts it with the key on
                    // the role's behalf; the role may use the key through S3
                    // only. The key policy delegates to IAM (its account-root
                    // statement), so this statement is what grants it.
                    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
                    Sid: 'DecryptThroughS3',
                    Effect: 'Allow',
                    Action: 'kms:Decrypt',
                    Resource: key.arn,
                    Condition: { StringEquals: { 'kms:ViaService': c.viaService('s3') } },
                  },
                  {
                    // The Arn attribute of a log group already ends in :* (its streams).
                    Sid: 'WriteLogs',
                    Effect: 'Allow',
                    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                    Resource: idp.logGroup.arn,
                  },
                  {
                    // Active tracing (baseline/lambda-settings); X-Ray has no
                    // resource-level permissions.
                    Sid: 'Trace',
                    Effect: 'Allow',
                    Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
                    Resource: '*',
                  },
                ] + role.extraStatements,
              },
            }],
          },
        } + tagging.mixin(tags),
      },
    },

    identityFunction:: {
      id:: ids.identityFunction,
      ref:: c.ref(ids.identityFunction),
      arn:: c.getAtt(ids.identityFunction, 'Arn'),
      resources: {
        [ids.identityFunction]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Description: 'sftpgw: answers Transfer Family logins from the directory',
            Runtime: 'nodejs22.x',
            Architectures: ['arm64'],
            Handler: 'identity.handler',
            // `sftpgw package` uploads the identity artifact under this
            // content-addressed key (its own zip: the push/ingest zip's key
            // does not change with it).
            Code: { S3Bucket: c.ref('ArtifactBucket'), S3Key: cfg.codeKey },
            // Parsing a 10,000-user directory (9 MB of JSON) and a scrypt
            // check (32 MiB) want memory and the CPU that comes with it
            // (docs/benchmarks.md#identity-provider-issue-27).
            MemorySize: 1024,
            // Well under any client's login timeout (docs/identity-provider.md).
            Timeout: 10,
            // Logins are never starved by the account's other functions; a
            // warm key login takes well under a millisecond, so 10 answer
            // hundreds of logins a second.
            ReservedConcurrentExecutions: 10,
            TracingConfig: { Mode: 'Active' },
            KmsKeyArn: key.arn,
            Environment: {
              Variables: {
                DIRECTORY_BUCKET: c.ref(ids.directoryBucket),
                DIRECTORY_KEY: $.directoryKey,
                DIRECTORY_CACHE_SECONDS: std.toString(cfg.cacheSeconds),
                BUCKET_NAME: gatewayBucket.ref,
                KEY_ARN: key.arn,
                AWS_PARTITION: { Ref: 'AWS::Partition' },
                USER_ROLE_ARN: userRole.arn,
              },
            },
            LoggingConfig: { LogGroup: idp.logGroup.ref, LogFormat: 'JSON' },
            Role: idp.role.arn,
          },
        } + tagging.mixin(tags),
        // Transfer Family invokes it synchronously for this server only.
        // https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html#lambda-resource-policy
        [ids.permission]: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            Action: 'lambda:InvokeFunction',
            FunctionName: c.getAtt(ids.identityFunction, 'Arn'),
            Principal: 'transfer.amazonaws.com',
            SourceArn: server.arn,
            SourceAccount: { Ref: 'AWS::AccountId' },
          },
        },
      },
    },

    alarms:: {
      [ids.errorsAlarm]: alarms.alarm(ids.errorsAlarm, 'sftpgw: the identity function failed (logins are denied while it fails)',
                                      'AWS/Lambda', 'Errors', 'FunctionName', idp.identityFunction.ref, 'Sum', alarmTopic, tags),
    },

    // The same parameter as the push and ingest functions' (one in the merged template).
    parameters: { ArtifactBucket: outbound.artifactBucketParameter },

    components:: [idp.directoryBucket, idp.logGroup, idp.role, idp.identityFunction] + std.objectValues(idp.alarms),
    resources: std.foldl(function(acc, x) acc + x.resources, idp.components, {}),
  },
}
