// Customer-managed KMS key for the gateway bucket, logs, queues and topics.
//
// The key policy delegates IAM principals of this account to IAM (the account
// root statement: never a wildcard principal) and grants the services that
// encrypt on our behalf only what they need, scoped by encryption context or
// source account. Role policies reference the key, not the other way round,
// so there is no key <-> role dependency cycle.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  new(id='GatewayKey', aliasName=error 'key.new: aliasName is required', tags={}):: {
    local this = self,
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    // Extra key-policy statements (e.g. for the outbound SNS/SQS services).
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
              {
                Sid: 'CloudWatchLogsEncryptsThisStacksLogGroups',
                Effect: 'Allow',
                Principal: { Service: c.sub('logs.${AWS::Region}.amazonaws.com') },
                Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
                Resource: '*',
                Condition: {
                  ArnLike: {
                    'kms:EncryptionContext:aws:logs:arn': c.sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*'),
                  },
                },
              },
            ] + this.extraStatements,
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
}
