// Outbound delivery: files dropped in the staging bucket at <key>/<file> are
// pushed by the push function to the SFTP destination named by the Secrets
// Manager secret <secretPrefix>/<key> (handler/ in the sftpgw package).
//
// Resources: staging bucket (+ TLS-only policy) notifying the function, the
// function with its role, log group, invoke permission and async-invoke
// config (retries, maximum event age, on-failure queue, TLS-only queue
// policy), alarms on function errors, failure-queue depth and rejected files
// to the gateway's alarm topic (alarms.libsonnet: e-mail subscriptions and
// existing topics from alarms / outbound.alarms in sftpgw.yaml).
//
// No dependency cycle: the bucket needs the permission (S3 checks it when the
// notification is set) and the permission needs the function, so the
// permission and the role name the bucket by its computed name, never by a
// reference to the bucket resource.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';
local bucket = import 'bucket.libsonnet';
local logs = import 'logs.libsonnet';
local alarms = import 'alarms.libsonnet';

// Fn::Sub only when there is something to substitute (cfn-lint W1020).
local subIfNeeded(s) = if std.length(std.findSubstr('${', s)) > 0 then c.sub(s) else s;

// A bucket name is unique per partition: stack name (lower case, cut so the
// whole name fits 63 characters), account and region.
local defaultStagingName(stackName) =
  local prefix = std.asciiLower(stackName);
  local cut = std.substr(prefix, 0, std.min(std.length(prefix), 27));
  std.rstripChars(cut, '-') + '-staging-${AWS::AccountId}-${AWS::Region}';

{
  defaultStagingName:: defaultStagingName,

  // The template parameter naming the bucket of the packaged handler (one
  // artifact for the push and the ingest function); the same definition
  // wherever a function needs it, so the merged template has one.
  artifactBucketParameter:: {
    Type: 'String',
    Description: 'S3 bucket holding the packaged push function (sftpgw package / deploy set it)',
    MinLength: 3,
    MaxLength: 63,
  },

  // The outbound part of a gateway. alarmTopic: the gateway's (an
  // alarms.topic, shared with downstream; gateway.libsonnet passes it), or
  // null: outbound makes its own from settings.alarms. Each piece is a hidden component field
  // (stagingBucket, logGroup, role, pushFunction, failureQueue, alarmTopic,
  // alarms.<id>), so a repository patches one by field name, e.g.
  //   gw.outbound + outbound.withFunctionProperties({ MemorySize: 1024 })
  // The logical ids are hidden config too (ids::).
  new(settings=error 'outbound.new: settings (config.outbound) is required',
      stackName=error 'outbound.new: stackName is required',
      key=error 'outbound.new: key (a key component) is required',
      accessLogs=error 'outbound.new: accessLogs (an accessLogs component) is required',
      codeKey=error 'outbound.new: codeKey (S3 key of the packaged handler) is required',
      stagingName=null, noncurrentDays=90, logRetentionDays=365, tags={},
      alarmTopic=null):: {
    local o = self,
    // Hidden config: config.outbound of sftpgw.yaml, and the shared tags.
    settings:: settings,
    tags:: tags,
    local cfg = o.settings,
    local ids = o.ids,
    // Logical ids of the outbound resources.
    ids:: {
      stagingBucket: 'StagingBucket',
      logGroup: 'PushLogGroup',
      role: 'PushFunctionRole',
      pushFunction: 'PushFunction',
      permission: 'PushFunctionPermission',
      invokeConfig: 'PushFunctionInvokeConfig',
      failureQueue: 'FailureQueue',
      failureQueuePolicy: 'FailureQueuePolicy',
      alarmTopic: 'AlarmTopic',
    },
    local nameTemplate = if stagingName != null then stagingName else defaultStagingName(stackName),
    local stagingArn = 'arn:${AWS::Partition}:s3:::' + nameTemplate,
    local secretArn = 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:' + cfg.secretPrefix + '/*',

    // For the access-log bucket's delivery policy (aws:SourceArn).
    stagingBucketArn:: c.sub(stagingArn),
    stagingBucketRef:: c.ref(ids.stagingBucket),
    functionRef:: c.ref(ids.pushFunction),

    // Key-policy statements the gateway key needs for outbound: those of the
    // alarm topic, when outbound owns it (alarms.libsonnet).
    local ownsTopic = alarmTopic == null,
    keyStatements:: if ownsTopic then o.alarmTopic.keyStatements else [],

    stagingBucket:: bucket.new(ids.stagingBucket, key=key, accessLogs=accessLogs,
                               name=subIfNeeded(nameTemplate), noncurrentDays=noncurrentDays, tags=o.tags)
                    + c.patch(ids.stagingBucket, {
                      DependsOn: [ids.permission],
                      Properties+: {
                        NotificationConfiguration: {
                          LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Function: c.getAtt(ids.pushFunction, 'Arn') }],
                        },
                        LifecycleConfiguration+: {
                          Rules+: [{ Id: 'ExpireStagedFiles', Status: 'Enabled', ExpirationInDays: cfg.stagingExpirationDays }],
                        },
                      },
                    }),

    // The push function's log group (the gateway key names it in its policy).
    logGroup:: logs.new(ids.logGroup, name=c.sub('/aws/lambda/${AWS::StackName}-push'),
                        key=key, retentionDays=logRetentionDays, tags=o.tags),

    local vpc = std.get(cfg, 'vpc', null),

    // The push function's role. Add statements with withRoleStatements.
    role:: {
      id:: ids.role,
      arn:: c.getAtt(ids.role, 'Arn'),
      extraStatements:: [],
      local role = self,
      resources: {
        [ids.role]: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Description: 'Push function: read and tag staged files, read tagged destination secrets, report failures',
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
            },
            Policies: [{
              PolicyName: 'Push',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'WriteLogs',
                    Effect: 'Allow',
                    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                    Resource: o.logGroup.arn,
                  },
                  {
                    Sid: 'ReadAndTagStagedFiles',
                    Effect: 'Allow',
                    Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging',
                             's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
                    Resource: c.sub(stagingArn + '/*'),
                  },
                  {
                    Sid: 'ReadThisGatewaysDestinations',
                    Effect: 'Allow',
                    Action: 'secretsmanager:GetSecretValue',
                    Resource: c.sub(secretArn),
                    Condition: { StringEquals: { ['secretsmanager:ResourceTag/' + tagging.gatewayTag]: { Ref: 'AWS::StackName' } } },
                  },
                  // The key, only through the services that use it for the
                  // function (kms:ViaService): S3 decrypts staged files; SQS
                  // encrypts what Lambda sends to the failure queue with the
                  // function's role (a producer needs GenerateDataKey and
                  // Decrypt); Secrets Manager decrypts a destination secret an
                  // operator encrypted with this key (destinations put
                  // --kms-key-id). The function's environment needs nothing
                  // here: Lambda decrypts it through the grant it creates with
                  // the deployer's permissions when the function is created.
                  // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
                  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
                  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
                  {
                    Sid: 'DecryptThroughS3SqsSecretsManager',
                    Effect: 'Allow',
                    Action: 'kms:Decrypt',
                    Resource: key.arn,
                    Condition: { StringEquals: { 'kms:ViaService': [c.viaService('s3'), c.viaService('sqs'), c.viaService('secretsmanager')] } },
                  },
                  {
                    Sid: 'EncryptFailuresThroughSqs',
                    Effect: 'Allow',
                    Action: 'kms:GenerateDataKey',
                    Resource: key.arn,
                    Condition: { StringEquals: { 'kms:ViaService': c.viaService('sqs') } },
                  },
                  {
                    Sid: 'ReportFailures',
                    Effect: 'Allow',
                    Action: 'sqs:SendMessage',
                    Resource: o.failureQueue.arn,
                  },
                  {
                    // X-Ray has no resource-level permissions.
                    Sid: 'Trace',
                    Effect: 'Allow',
                    Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
                    Resource: '*',
                  },
                ] + (if vpc == null then [] else [{
                  // Lambda manages the function's network interfaces; these EC2
                  // actions have no resource-level permissions.
                  Sid: 'VpcNetworkInterfaces',
                  Effect: 'Allow',
                  Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
                           'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
                  Resource: '*',
                }]) + role.extraStatements,
              },
            }],
          },
        } + tagging.mixin(o.tags),
      },
    },

    // The push function, its invoke permission (S3, this bucket, this
    // account) and its async-invoke config (retries, maximum event age,
    // failures to the failure queue).
    pushFunction:: {
      id:: ids.pushFunction,
      ref:: c.ref(ids.pushFunction),
      arn:: c.getAtt(ids.pushFunction, 'Arn'),
      resources: {
        [ids.pushFunction]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Description: 'sftpgw: pushes staged files to their SFTP destination',
            Runtime: 'nodejs22.x',
            Architectures: ['arm64'],
            Handler: 'index.handler',
            // `sftpgw package` uploads the bundled handler under this
            // content-addressed key; a changed handler is a changed key.
            Code: { S3Bucket: c.ref('ArtifactBucket'), S3Key: codeKey },
            MemorySize: cfg.memorySize,
            Timeout: cfg.timeoutSeconds,
            ReservedConcurrentExecutions: cfg.reservedConcurrency,
            TracingConfig: { Mode: 'Active' },
            KmsKeyArn: key.arn,
            Environment: {
              Variables: {
                SECRET_PREFIX: cfg.secretPrefix,
                GATEWAY: { Ref: 'AWS::StackName' },
              },
            },
            LoggingConfig: { LogGroup: o.logGroup.ref, LogFormat: 'JSON' },
            Role: o.role.arn,
            [if vpc != null then 'VpcConfig']: { SubnetIds: vpc.subnetIds, SecurityGroupIds: vpc.securityGroupIds },
          },
        } + tagging.mixin(o.tags),

        [ids.permission]: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            Action: 'lambda:InvokeFunction',
            FunctionName: c.getAtt(ids.pushFunction, 'Arn'),
            Principal: 's3.amazonaws.com',
            SourceArn: c.sub(stagingArn),
            SourceAccount: { Ref: 'AWS::AccountId' },
          },
        },
      } + $.invokeConfig(ids.invokeConfig, ids.pushFunction, retries=cfg.maxRetryAttempts,
                         maxEventAgeSeconds=cfg.maxEventAgeSeconds, destination=o.failureQueue.arn).resources,
    },

    // Events the function gave up on (after the retries), for replay.
    failureQueue:: $.failureQueue(ids.failureQueue, ids.failureQueuePolicy, key=key, tags=o.tags),

    // The alarm topic (KMS) and one e-mail subscription per address: the
    // gateway's, or outbound's own (alarms.topic).
    alarmTopic:: if ownsTopic then alarms.topic(ids.alarmTopic, key=key, recipients=cfg.alarms, tags=o.tags)
                 else alarmTopic,

    // The alarms, by logical id, each a component: patch one by its id, or
    // all with withAlarmProperties.
    alarms:: {
      PushErrorsAlarm: $.alarm('PushErrorsAlarm', 'sftpgw: the push function failed (a delivery will be retried)', 'AWS/Lambda', 'Errors',
                               'FunctionName', o.pushFunction.ref, 'Sum', o),
      FailureQueueDepthAlarm: $.alarm('FailureQueueDepthAlarm', 'sftpgw: files the push function gave up on (see the failure queue)', 'AWS/SQS',
                                      'ApproximateNumberOfMessagesVisible', 'QueueName', c.getAtt(ids.failureQueue, 'QueueName'), 'Maximum', o),
      // The handler's embedded metrics (namespace sftpgw, dimension Gateway).
      RejectedFilesAlarm: $.alarm('RejectedFilesAlarm', 'sftpgw: staged files were rejected (layout, unsafe name or file pattern)', 'sftpgw',
                                  'Rejected', 'Gateway', { Ref: 'AWS::StackName' }, 'Sum', o),
    },

    parameters: { ArtifactBucket: $.artifactBucketParameter },

    // Every component of the outbound part. Extend with `components+::`.
    components:: [o.stagingBucket, o.logGroup, o.role, o.pushFunction, o.failureQueue]
                 + (if ownsTopic then [o.alarmTopic] else []) + std.objectValues(o.alarms),

    resources: std.foldl(function(acc, x) acc + x.resources, o.components, {}),

    outputs: {
      StagingBucketName: { Description: 'Drop files here at <destination>/<file> to push them', Value: o.stagingBucketRef },
      FailureQueueUrl: { Description: 'Events the push function gave up on', Value: o.failureQueue.ref },
    },
  },

  // One CloudWatch alarm (threshold 1 in 5 minutes) of an outbound part `o`,
  // acting on its alarm topic and the existing topics the recipients name
  // (chat, paging): alarms.alarm with o's topic and tags.
  alarm(id, description, namespace, metric, dimension, value, statistic, o)::
    alarms.alarm(id, description, namespace, metric, dimension, value, statistic, o.alarmTopic, o.tags),

  // A function's async-invoke config (what an AWS service's asynchronous
  // invocations get): bounded retries and maximum event age, and what the
  // function gave up on to `destination` (a failure queue's ARN). Lambda
  // sends it there with the function's role (sqs:SendMessage, and the
  // queue's key through SQS).
  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
  invokeConfig(id, functionId, retries, maxEventAgeSeconds, destination):: {
    id:: id,
    resources: {
      [id]: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: c.ref(functionId),
          Qualifier: '$LATEST',
          MaximumRetryAttempts: retries,
          MaximumEventAgeInSeconds: maxEventAgeSeconds,
          DestinationConfig: { OnFailure: { Destination: destination } },
        },
      },
    },
  },

  // A failure queue (SQS, the gateway key, 14 days) and its policy: events a
  // function gave up on, kept for replay. The push function's, and the
  // ingest function's when the malware scan makes it an EventBridge target.
  failureQueue(id, policyId, key=error 'outbound.failureQueue: key is required', tags={}):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    resources: {
      [id]: {
        Type: 'AWS::SQS::Queue',
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        Properties: {
          KmsMasterKeyId: key.ref,
          MessageRetentionPeriod: 1209600, // 14 days, the maximum
        },
      } + tagging.mixin(tags),

      // Requests to the queue over plain HTTP are refused (AwsSolutions-SQS4),
      // as for the buckets.
      // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html#enforce-encryption-data-in-transit
      [policyId]: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [c.ref(id)],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sqs:*',
              Resource: c.getAtt(id, 'Arn'),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }],
          },
        },
      },
    },
  },

  // Setters: outbound + outbound.withX(...).
  // Merge properties into the push function's (e.g. { MemorySize: 1024 }).
  withFunctionProperties(properties):: {
    local o = self,
    pushFunction+:: c.patch(o.ids.pushFunction, { Properties+: properties }),
  },
  // Merge properties into every alarm's (e.g. { EvaluationPeriods: 3 }).
  withAlarmProperties(properties):: {
    alarms+:: std.mapWithKey(function(_, a) a + c.patch(a.id, { Properties+: properties }), super.alarms),
  },
  // Add statements to the push function role's policy.
  withRoleStatements(statements):: { role+:: { extraStatements+:: statements } },
}
