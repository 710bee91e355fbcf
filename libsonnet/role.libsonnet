// IAM roles: the role every SFTP user assumes (narrowed per user by a session
// policy) and the Transfer server's logging role.
//
// Both trust transfer.amazonaws.com only from this account and only for this
// account's Transfer resources (aws:SourceAccount + aws:SourceArn), which
// closes the confused-deputy path.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

local transferTrust(sourceArn) = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Service: 'transfer.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': sourceArn },
    },
  }],
};

{
  transferTrust:: transferTrust,

  // Role shared by all SFTP users of one server. The session policy of each
  // user narrows it to that user's prefix; this role is the upper bound.
  userAccess(id='UserRole',
             server=error 'role.userAccess: server (a server component) is required',
             bucket=error 'role.userAccess: bucket is required',
             key=error 'role.userAccess: key is required',
             tags={}):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    resources: {
      [id]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: 'Assumed by Transfer Family for SFTP users; each user is narrowed by a session policy',
          AssumeRolePolicyDocument: transferTrust(
            c.sub('arn:${AWS::Partition}:transfer:${AWS::Region}:${AWS::AccountId}:user/${ServerId}/*', { ServerId: server.serverId })
          ),
          Policies: [{
            PolicyName: 'GatewayBucketAccess',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'ListBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket.arn },
                {
                  Sid: 'ReadWriteObjects',
                  Effect: 'Allow',
                  Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject'],
                  Resource: c.sub('${Arn}/*', { Arn: bucket.arn }),
                },
                {
                  Sid: 'UseGatewayKey',
                  Effect: 'Allow',
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
                  Resource: key.arn,
                },
              ],
            },
          }],
        },
      } + tagging.mixin(tags),
    },
  },

  // Role Transfer Family uses to write the server's logs to its log group.
  logging(id='ServerLoggingRole',
          logGroup=error 'role.logging: logGroup is required',
          tags={}):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    resources: {
      [id]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: 'Lets Transfer Family write this gateway server logs',
          // The server's ARN is not known before the server exists and the
          // server needs this role first, so the condition names this
          // account's servers rather than this one server.
          AssumeRolePolicyDocument: transferTrust(
            c.sub('arn:${AWS::Partition}:transfer:${AWS::Region}:${AWS::AccountId}:server/*')
          ),
          Policies: [{
            PolicyName: 'WriteServerLogs',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{
                Sid: 'WriteToServerLogGroup',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
                // The log group's Arn attribute ends in ':*', covering its streams.
                Resource: logGroup.arn,
              }],
            },
          }],
        },
      } + tagging.mixin(tags),
    },
  },
}
