// The gateway's alarm topic and the alarms that publish to it: one topic,
// <stackName>-alarms (KMS), for every alarm of the stack — the push
// function's (outbound) and the ingest function's and workflow's
// (downstream) — with the recipients of `alarms` in sftpgw.yaml
// (outbound.alarms merged in): an e-mail subscription per address, and
// existing topics (chat, paging) as further actions of every alarm.
// gateway.libsonnet makes it when outbound or downstream is on.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  // The topic has a fixed name so the key policy can name its ARN (the topic
  // depends on the key: a reference would be a cycle).
  topicArn:: c.sub('arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${AWS::StackName}-alarms'),

  // recipients: { emails, topicArns } (config.alarms).
  topic(id='AlarmTopic', key=error 'alarms.topic: key is required',
        recipients={ emails: [], topicArns: [] }, tags={}):: {
    id:: id,
    ref:: c.ref(id),
    // Existing topics every alarm also notifies.
    topicArns:: recipients.topicArns,
    // Key-policy statement: CloudWatch alarms publish to the KMS-encrypted
    // topic, and only to it: SNS calls KMS with the encryption context
    // aws:sns:topicArn = the topic's ARN.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    keyStatements:: [{
      Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'kms:EncryptionContext:aws:sns:topicArn': $.topicArn,
        },
      },
    }],
    // One e-mail subscription per address, its logical id from the address
    // (not its place in the list), so removing one address leaves the
    // others' confirmed subscriptions alone.
    resources: {
      [id]: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: c.sub('${AWS::StackName}-alarms'), KmsMasterKeyId: key.ref },
      } + tagging.mixin(tags),
    } + {
      ['AlarmEmail' + std.substr(std.md5(std.asciiLower(email)), 0, 10)]: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: c.ref(id), Protocol: 'email', Endpoint: email },
      }
      for email in recipients.emails
    },
  },

  // One CloudWatch alarm (threshold 1 in 5 minutes) acting on the topic and
  // the existing topics it names.
  alarm(id, description, namespace, metric, dimension, value, statistic, topic, tags={}):: {
    id:: id,
    ref:: c.ref(id),
    resources: {
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
          AlarmActions: [topic.ref] + topic.topicArns,
        },
      } + tagging.mixin(tags),
    },
  },
}
