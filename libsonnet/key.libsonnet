// Customer-managed KMS key for the gateway bucket, logs, queues and topics.
//
// The key policy delegates IAM principals of this account to IAM (the account
// root statement: never a wildcard principal) and grants the services that
// encrypt on our behalf only what they need, each bound by an encryption
// context to the resources of this stack. Role policies reference the key,
// not the other way round, so there is no key <-> role dependency cycle; for
// the same reason the key policy names the stack's log groups (and the alarm
// topic, see outbound.libsonnet) by their computed names, never by reference.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  // CT.KMS.PR.3 (AWS Control Tower proactive control): grants on the key only
  // through AWS services integrated with KMS (e.g. Lambda encrypting a
  // function's environment creates a grant with the deployer's permissions:
  // kms:GrantIsForAWSResource is true) or by AWS service principals; never
  // directly to an IAM principal, whatever its IAM policy allows. The
  // statement is the one the control checks for, word for word:
  // https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html#ct-kms-pr-3-description
  // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
  denyGrantsOutsideAwsServices:: {
    Sid: 'DenyGrantsOutsideAwsServices',
    Effect: 'Deny',
    Principal: '*',
    Action: 'kms:CreateGrant',
    Resource: '*',
    Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  },

  // CloudWatch Logs may use the key for the server's workflow log group,
  // /aws/transfer/<server-id> (server.libsonnet workflowLogging). The key
  // cannot name the server id: the server depends on the key through its
  // structured log group, so a reference would be a cycle. The pattern
  // s-* is the shape of a server id: Transfer Family's workflow log groups
  // of this account and region, nothing else.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  transferWorkflowLogs:: {
    Sid: 'CloudWatchLogsEncryptsTransferWorkflowLogs',
    Effect: 'Allow',
    Principal: { Service: c.sub('logs.${AWS::Region}.amazonaws.com') },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': c.sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/transfer/s-*'),
      },
    },
  },

  // logGroups: the log-group components encrypted with this key; CloudWatch
  // Logs may use the key for exactly these (their encryptionContextArn).
  new(id=error 'key.new: id is required', aliasName=error 'key.new: aliasName is required', logGroups=[], tags={}):: {
    local this = self,
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    // Log groups the key encrypts: add one with key + key.withLogGroups([...]).
    logGroups:: logGroups,
    // Extra key-policy statements (e.g. for the outbound alarm topic).
    extraStatements:: [],
    resources: {
      [id]: {
        Type: 'AWS::KMS::Key',
        Properties: {
          Description: c.sub('sftpgw ${AWS::StackName}: gateway data, logs and notifications'),
          EnableKeyRotation: true,
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AccountAdministersKeyThroughIam',
                Effect: 'Allow',
                Principal: { AWS: c.accountRoot },
                Action: 'kms:*',
                Resource: '*',
              },
              $.denyGrantsOutsideAwsServices,
            ] + (if std.length(this.logGroups) == 0 then [] else [{
              // CloudWatch Logs calls KMS with the encryption context
              // aws:logs:arn = arn:<partition>:logs:<region>:<account>:log-group:<name>,
              // so the statement names this stack's log groups, not log-group:*.
              // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
              Sid: 'CloudWatchLogsEncryptsThisStacksLogGroups',
              Effect: 'Allow',
              Principal: { Service: c.sub('logs.${AWS::Region}.amazonaws.com') },
              Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
              Resource: '*',
              Condition: {
                ArnEquals: {
                  'kms:EncryptionContext:aws:logs:arn': [g.encryptionContextArn for g in this.logGroups],
                },
              },
            }]) + this.extraStatements,
          },
        },
      } + c.retain + tagging.mixin(tags),
      [id + 'Alias']: {
        Type: 'AWS::KMS::Alias',
        Properties: {
          AliasName: aliasName,
          TargetKeyId: c.ref(id),
        },
      },
    },
  },

  // Add key-policy statements: key + key.withStatements([...]).
  withStatements(statements):: { extraStatements+:: statements },
  // Let CloudWatch Logs use the key for more log groups: key + key.withLogGroups([logs.new(...)]).
  withLogGroups(groups):: { logGroups+:: groups },
}
