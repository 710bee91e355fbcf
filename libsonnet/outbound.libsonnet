// Outbound delivery: files dropped in the staging bucket at <key>/<file> are
// pushed by the push function to the SFTP destination named by the Secrets
// Manager secret <secretPrefix>/<key> (handler/ in the sftpgw package).
//
// Resources: staging bucket (+ TLS-only policy) notifying the function, the
// function with its role, log group, invoke permission and async-invoke
// config (retries, maximum event age, on-failure queue), alarms on function
// errors, failure-queue depth and rejected files to an encrypted SNS topic
// (optional e-mail subscription).
//
// No dependency cycle: the bucket needs the permission (S3 checks it when the
// notification is set) and the permission needs the function, so the
// permission and the role name the bucket by its computed name, never by a
// reference to the bucket resource.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';
local bucket = import 'bucket.libsonnet';
local logs = import 'logs.libsonnet';

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

  new(settings=error 'outbound.new: settings (config.outbound) is required',
      stackName=error 'outbound.new: stackName is required',
      key=error 'outbound.new: key (a key component) is required',
      accessLogs=error 'outbound.new: accessLogs (an accessLogs component) is required',
      codeKey=error 'outbound.new: codeKey (S3 key of the packaged handler) is required',
      stagingName=null, noncurrentDays=90, logRetentionDays=365, tags={}):: {
    local o = self,
    local nameTemplate = if stagingName != null then stagingName else defaultStagingName(stackName),
    local stagingArn = 'arn:${AWS::Partition}:s3:::' + nameTemplate,
    local secretArn = 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:' + settings.secretPrefix + '/*',

    // For the access-log bucket's delivery policy (aws:SourceArn).
    stagingBucketArn:: c.sub(stagingArn),
    stagingBucketRef:: c.ref('StagingBucket'),
    functionRef:: c.ref('PushFunction'),

    // Key-policy statements the gateway key needs for outbound: CloudWatch
    // alarms publish to the KMS-encrypted topic.
    keyStatements:: [{
      Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }],

    local staging = bucket.new('StagingBucket', key=key, accessLogs=accessLogs,
                               name=subIfNeeded(nameTemplate), noncurrentDays=noncurrentDays, tags=tags)
                    + c.patch('StagingBucket', {
                      DependsOn: ['PushFunctionPermission'],
                      Properties+: {
                        NotificationConfiguration: {
                          LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Function: c.getAtt('PushFunction', 'Arn') }],
                        },
                        LifecycleConfiguration+: {
                          Rules+: [{ Id: 'ExpireStagedFiles', Status: 'Enabled', ExpirationInDays: settings.stagingExpirationDays }],
                        },
                      },
                    }),

    local logGroup = logs.new('PushLogGroup', name=c.sub('/aws/lambda/${AWS::StackName}-push'),
                              key=key, retentionDays=logRetentionDays, tags=tags),

    local vpc = std.get(settings, 'vpc', null),

    local role = {
      PushFunctionRole: {
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
                  Resource: logGroup.arn,
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
                  Condition: { StringEquals: { 'secretsmanager:ResourceTag/sftpgw:gateway': { Ref: 'AWS::StackName' } } },
                },
                {
                  Sid: 'UseGatewayKey',
                  Effect: 'Allow',
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
                  Resource: key.arn,
                },
                {
                  Sid: 'ReportFailures',
                  Effect: 'Allow',
                  Action: 'sqs:SendMessage',
                  Resource: c.getAtt('FailureQueue', 'Arn'),
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
              }]),
            },
          }],
        },
      } + tagging.mixin(tags),
    },

    local fn = {
      PushFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Description: 'sftpgw: pushes staged files to their SFTP destination',
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          // `sftpgw package` uploads the bundled handler under this
          // content-addressed key; a changed handler is a changed key.
          Code: { S3Bucket: c.ref('ArtifactBucket'), S3Key: codeKey },
          MemorySize: settings.memorySize,
          Timeout: settings.timeoutSeconds,
          ReservedConcurrentExecutions: settings.reservedConcurrency,
          TracingConfig: { Mode: 'Active' },
          KmsKeyArn: key.arn,
          Environment: {
            Variables: {
              SECRET_PREFIX: settings.secretPrefix,
              GATEWAY: { Ref: 'AWS::StackName' },
            },
          },
          LoggingConfig: { LogGroup: logGroup.ref, LogFormat: 'JSON' },
          Role: c.getAtt('PushFunctionRole', 'Arn'),
          [if vpc != null then 'VpcConfig']: { SubnetIds: vpc.subnetIds, SecurityGroupIds: vpc.securityGroupIds },
        },
      } + tagging.mixin(tags),

      PushFunctionPermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: c.getAtt('PushFunction', 'Arn'),
          Principal: 's3.amazonaws.com',
          SourceArn: c.sub(stagingArn),
          SourceAccount: { Ref: 'AWS::AccountId' },
        },
      },

      PushFunctionInvokeConfig: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: c.ref('PushFunction'),
          Qualifier: '$LATEST',
          MaximumRetryAttempts: settings.maxRetryAttempts,
          MaximumEventAgeInSeconds: settings.maxEventAgeSeconds,
          DestinationConfig: { OnFailure: { Destination: c.getAtt('FailureQueue', 'Arn') } },
        },
      },

      // Events the function gave up on (after the retries), for replay.
      FailureQueue: {
        Type: 'AWS::SQS::Queue',
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        Properties: {
          KmsMasterKeyId: key.ref,
          MessageRetentionPeriod: 1209600, // 14 days, the maximum
        },
      } + tagging.mixin(tags),
    },

    local alarm(id, description, namespace, metric, dimension, value, statistic) = {
      [id]: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: description,
          Namespace: namespace,
          MetricName: metric,
          Dimensions: [{ Name: dimension, Value: value }],
          Statistic: statistic,
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [c.ref('AlarmTopic')],
        },
      } + tagging.mixin(tags),
    },

    local alerting = {
      AlarmTopic: {
        Type: 'AWS::SNS::Topic',
        Properties: { KmsMasterKeyId: key.ref },
      } + tagging.mixin(tags),
    } + (if settings.alarmEmail == null then {} else {
      AlarmEmailSubscription: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: c.ref('AlarmTopic'), Protocol: 'email', Endpoint: settings.alarmEmail },
      },
    })
    + alarm('PushErrorsAlarm', 'sftpgw: the push function failed (a delivery will be retried)', 'AWS/Lambda', 'Errors',
            'FunctionName', c.ref('PushFunction'), 'Sum')
    + alarm('FailureQueueDepthAlarm', 'sftpgw: files the push function gave up on (see the failure queue)', 'AWS/SQS',
            'ApproximateNumberOfMessagesVisible', 'QueueName', c.getAtt('FailureQueue', 'QueueName'), 'Maximum')
    // The handler's embedded metrics (namespace sftpgw, dimension Gateway).
    + alarm('RejectedFilesAlarm', 'sftpgw: staged files were rejected (layout, unsafe name or file pattern)', 'sftpgw',
            'Rejected', 'Gateway', { Ref: 'AWS::StackName' }, 'Sum'),

    parameters: {
      ArtifactBucket: {
        Type: 'String',
        Description: 'S3 bucket holding the packaged push function (sftpgw package / deploy set it)',
        MinLength: 3,
        MaxLength: 63,
      },
    },

    resources: staging.resources + logGroup.resources + role + fn + alerting,

    outputs: {
      StagingBucketName: { Description: 'Drop files here at <destination>/<file> to push them', Value: c.ref('StagingBucket') },
      FailureQueueUrl: { Description: 'Events the push function gave up on', Value: c.ref('FailureQueue') },
    },
  },
}
