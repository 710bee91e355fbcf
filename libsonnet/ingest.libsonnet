// The ingest function (downstream; docs/downstream.md): the Lambda function
// the upload workflow's CUSTOM step invokes for every completed upload. It
// copies the uploaded version to its own key under ingest/ (one key per
// upload, so a same-name re-upload loads again) and reports SUCCESS or
// FAILURE to the workflow (transfer:SendWorkflowStepState). Its code is
// ingest.mjs of the one handler artifact the push function also runs
// (index.mjs), under the same S3 key.
//
// Resources:
//   IngestFunctionLogGroup  /aws/lambda/<stack>-ingest (retention, the key)
//   IngestFunctionRole      read the uploads, write ingest/ only, the key
//                           through S3, its log group, X-Ray
//   IngestFunctionWorkflowPolicy  transfer:SendWorkflowStepState on the
//                           workflow, in a resource of its own: the workflow
//                           names the function, which names the role
//   IngestFunction          nodejs22.x arm64, handler ingest.handler
//   alarms                  IngestFailuresAlarm (the server's
//                           OnUploadExecutionsFailed), IngestFunctionErrorsAlarm,
//                           IngestFailedAlarm (the function's own metric)
//                           to the gateway's alarm topic
//
// No async-invoke config or failure queue here: Transfer Family invokes the
// function for a workflow step, and a function that fails or times out
// fails the step, so the execution fails, is logged (ServerLoggingRole) and
// counted in OnUploadExecutionsFailed, which alarms. (The malware scan,
// whose EventBridge rule invokes it asynchronously, adds both:
// malware-scan.libsonnet.)
// https://docs.aws.amazon.com/transfer/latest/userguide/custom-step-details.html
//
// Each piece is a hidden field, patchable by name; a further trigger (the
// malware scan's EventBridge rule), environment variables
// (environment+::) and role statements (role.statements+::, or
// writePrefixes+:: for another prefix the function writes) are added from
// outside.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';
local logs = import 'logs.libsonnet';
local alarms = import 'alarms.libsonnet';
local outbound = import 'outbound.libsonnet';

{
  new(bucket=error 'ingest.new: bucket is required',
      key=error 'ingest.new: key is required',
      server=error 'ingest.new: server is required',
      codeKey=error 'ingest.new: codeKey (S3 key of the packaged handler) is required',
      alarmTopic=error 'ingest.new: alarmTopic (alarms.topic) is required',
      prefix='ingest/', workflowId='IngestWorkflow', logRetentionDays=365, tags={}):: {
    local f = self,
    tags:: tags,
    ids:: {
      logGroup: 'IngestFunctionLogGroup',
      role: 'IngestFunctionRole',
      workflowPolicy: 'IngestFunctionWorkflowPolicy',
      ingestFunction: 'IngestFunction',
      failuresAlarm: 'IngestFailuresAlarm',
      errorsAlarm: 'IngestFunctionErrorsAlarm',
      failedAlarm: 'IngestFailedAlarm',
    },
    local ids = f.ids,
    local objects(path) = c.sub('${Arn}/' + path, { Arn: bucket.arn }),
    prefix:: prefix,
    // Prefixes the function writes copies under (the malware scan adds
    // quarantine/); never a home.
    writePrefixes:: [prefix],

    // How the function runs; patch a field to change it. Reserved
    // concurrency: capacity the account's other functions cannot take (a
    // throttled invocation fails the step, so the upload would wait for an
    // operator), and a bound on the S3 requests a burst of uploads makes;
    // Transfer Family itself starts new executions at about one a second
    // (ExecutionError THROTTLED,
    // https://docs.aws.amazon.com/transfer/latest/userguide/API_ExecutionError.html),
    // and a copy is one S3 request, so 10 copies at a time keep up.
    memorySize:: 256,
    timeoutSeconds:: 300,
    reservedConcurrency:: 10,
    environment:: {
      INGEST_PREFIX: prefix,
      GATEWAY: { Ref: 'AWS::StackName' },
      // Scan results for any other bucket are ignored (the rule's filter is
      // not the only guard).
      GATEWAY_BUCKET: bucket.ref,
    },

    logGroup:: logs.new(ids.logGroup, name=c.sub('/aws/lambda/${AWS::StackName}-ingest'),
                        key=key, retentionDays=logRetentionDays, tags=f.tags),

    // The function's role: `statements` is its whole policy (add with
    // statements+::).
    role:: {
      local role = self,
      id:: ids.role,
      ref:: c.ref(ids.role),
      arn:: c.getAtt(ids.role, 'Arn'),
      statements:: [
        {
          Sid: 'WriteLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: f.logGroup.arn,
        },
        {
          // The uploaded version, wherever the home is (and its tags: a copy
          // copies them).
          Sid: 'ReadUploads',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
          Resource: objects('*'),
        },
        {
          // The copy is skipped when its key exists (a retried or duplicated
          // event): HeadObject on a missing key answers 404 only with
          // s3:ListBucket, else 403, which would fail every first copy.
          // HeadObject carries no s3:prefix, so no prefix condition can apply.
          // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
          Sid: 'TellMissingKeys',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucket.arn,
        },
        {
          Sid: 'WriteIngestCopies',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:PutObjectTagging'],
          Resource: [objects(p + '*') for p in f.writePrefixes],
        },
        {
          // Objects are SSE-KMS with the gateway key; only through S3.
          // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
          Sid: 'UseGatewayKeyThroughS3',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: key.arn,
          Condition: { StringEquals: { 'kms:ViaService': c.viaService('s3') } },
        },
        {
          // X-Ray has no resource-level permissions.
          Sid: 'Trace',
          Effect: 'Allow',
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Resource: '*',
        },
      ],
      resources: {
        [ids.role]: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Description: 'Ingest function: copy completed uploads to ingest/ and report to the workflow',
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
            },
            Policies: [{
              PolicyName: 'Ingest',
              PolicyDocument: { Version: '2012-10-17', Statement: role.statements },
            }],
          },
        } + tagging.mixin(f.tags),
        // The step's outcome, to this workflow only. SendWorkflowStepState
        // takes the workflow as its resource:
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awstransferfamily.html
        [ids.workflowPolicy]: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'ReportStepState',
            Roles: [c.ref(ids.role)],
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{
                Sid: 'ReportStepState',
                Effect: 'Allow',
                Action: 'transfer:SendWorkflowStepState',
                Resource: c.getAtt(workflowId, 'Arn'),
              }],
            },
          },
        },
      },
    },

    ingestFunction:: {
      id:: ids.ingestFunction,
      ref:: c.ref(ids.ingestFunction),
      arn:: c.getAtt(ids.ingestFunction, 'Arn'),
      resources: {
        [ids.ingestFunction]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Description: 'sftpgw: copies each completed upload to its own key in ingest/',
            Runtime: 'nodejs22.x',
            Architectures: ['arm64'],
            Handler: 'ingest.handler',
            // The push function's artifact: one zip, index.mjs and ingest.mjs.
            Code: { S3Bucket: c.ref('ArtifactBucket'), S3Key: codeKey },
            MemorySize: f.memorySize,
            Timeout: f.timeoutSeconds,
            ReservedConcurrentExecutions: f.reservedConcurrency,
            TracingConfig: { Mode: 'Active' },
            KmsKeyArn: key.arn,
            Environment: { Variables: f.environment },
            LoggingConfig: { LogGroup: f.logGroup.ref, LogFormat: 'JSON' },
            Role: f.role.arn,
          },
        } + tagging.mixin(f.tags),
      },
    },

    // The alarms, by logical id, each a component (alarms.alarm).
    local alarm(id, description, namespace, metric, dimension, value) =
      alarms.alarm(id, description, namespace, metric, dimension, value, 'Sum', alarmTopic, f.tags),
    alarms:: {
      // Every execution that did not finish, whatever failed (the function,
      // its timeout, a throttled start): the server's own metric.
      // https://docs.aws.amazon.com/transfer/latest/userguide/metrics.html
      [ids.failuresAlarm]: alarm(ids.failuresAlarm, 'sftpgw: completed uploads did not reach ingest/ (the workflow failed; see /aws/transfer/<server-id>)',
                                 'AWS/Transfer', 'OnUploadExecutionsFailed', 'ServerId', server.serverId),
      [ids.errorsAlarm]: alarm(ids.errorsAlarm, 'sftpgw: the ingest function failed', 'AWS/Lambda', 'Errors',
                               'FunctionName', c.ref(ids.ingestFunction)),
      // The function's embedded metrics (namespace sftpgw, dimension Gateway),
      // also for copies no workflow waits for (the malware scan's results).
      [ids.failedAlarm]: alarm(ids.failedAlarm, 'sftpgw: the ingest function could not copy an upload to ingest/', 'sftpgw',
                               'IngestFailed', 'Gateway', { Ref: 'AWS::StackName' }),
    },

    parameters: { ArtifactBucket: outbound.artifactBucketParameter },

    components:: [f.logGroup, f.role, f.ingestFunction] + std.objectValues(f.alarms),
    resources: std.foldl(function(acc, x) acc + x.resources, f.components, {}),
  },
}
