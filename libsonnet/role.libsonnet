// IAM roles: the role every SFTP user assumes (narrowed per user by a session
// policy).
//
// It trusts transfer.amazonaws.com only from this account and only for this
// account's Transfer users of the server (aws:SourceAccount + aws:SourceArn),
// which closes the confused-deputy path.
//
// The server logs through StructuredLogDestinations; it has a logging role
// only when a workflow is attached (server.libsonnet workflowLogging).
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
  userAccess(id=error 'role.userAccess: id is required',
             server=error 'role.userAccess: server (a server component) is required',
             bucket=error 'role.userAccess: bucket is required',
             key=error 'role.userAccess: key is required',
             tags={}, anyServerOfTheAccount=false):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    resources: {
      [id]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: 'Assumed by Transfer Family for SFTP users; each user is narrowed by a session policy',
          // anyServerOfTheAccount (the lambda identity provider): the
          // identity function names this role in its answers, so the role
          // cannot name the server that names the function (a cycle); it
          // trusts Transfer Family for the users and servers of this account
          // and region instead (which of the two ARNs Transfer presents for
          // a user the function authenticated is not documented:
          // docs/identity-provider.md, open questions).
          AssumeRolePolicyDocument: transferTrust(
            if anyServerOfTheAccount then [
              c.sub('arn:${AWS::Partition}:transfer:${AWS::Region}:${AWS::AccountId}:user/*'),
              c.sub('arn:${AWS::Partition}:transfer:${AWS::Region}:${AWS::AccountId}:server/*'),
            ]
            else c.sub('arn:${AWS::Partition}:transfer:${AWS::Region}:${AWS::AccountId}:user/${ServerId}/*', { ServerId: server.serverId })
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
                  // Only S3 uses the key for the users (SSE-KMS objects of the
                  // gateway bucket); kms:ViaService keeps the role from using
                  // it directly or through any other service.
                  // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
                  Sid: 'UseGatewayKeyThroughS3',
                  Effect: 'Allow',
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
                  Resource: key.arn,
                  Condition: { StringEquals: { 'kms:ViaService': c.viaService('s3') } },
                },
              ],
            },
          }],
        },
      } + tagging.mixin(tags),
    },
  },
}
