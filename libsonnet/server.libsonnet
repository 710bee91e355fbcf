// The Transfer Family server: SFTP only, service-managed users (or a Lambda
// identity provider: identity.libsonnet), S3 domain,
// a current security policy, and structured logs to a KMS-encrypted log group.
//
// Transfer Family has two logging mechanisms, configured separately: JSON
// structured logging (StructuredLogDestinations: the log group of this
// stack, with its retention and KMS key; it needs no role) and logging
// through a logging role, whose log group is always /aws/transfer/<server-id>
// and cannot be changed. Workflow executions are logged only through a
// logging role ("Currently, for workflows, if you want logging enabled, you
// must specify a logging role"), so a server without a workflow has none,
// and a server with one (downstream's ingest step) gets workflowLogging
// below: the role, and the /aws/transfer/<server-id> group made by the
// stack, so it has retention and the gateway key and the role needs no
// logs:CreateLogGroup (a group Transfer Family created itself would keep
// its events forever, unencrypted by the key).
// https://docs.aws.amazon.com/transfer/latest/userguide/structured-logging.html
// https://docs.aws.amazon.com/transfer/latest/userguide/log-server-manage.html
// endpoint: null for a PUBLIC endpoint, or an endpoint.new(...) component:
// the server then listens in the VPC, on its Elastic IPs, behind its
// security groups (docs/endpoint.md).
// With a vanity hostname it carries the transfer:customHostname and
// transfer:route53HostedZoneId tags so the console shows the name.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';
local logs = import 'logs.libsonnet';

{
  new(id=error 'server.new: id is required',
      logGroup=error 'server.new: logGroup is required',
      securityPolicy='TransferSecurityPolicy-2024-01',
      hostname=null, hostedZoneId=null, tags={}, endpoint=null, identity=null):: {
    local this = self,
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    serverId:: c.getAtt(id, 'ServerId'),
    // Endpoint host name: <serverId>.server.transfer.<region>.amazonaws.com
    // (with a VPC endpoint and Elastic IPs it resolves to those addresses)
    endpoint:: c.sub('${' + id + '.ServerId}.server.transfer.${AWS::Region}.${AWS::URLSuffix}'),
    local hostTags =
      if hostname == null then {}
      else { 'transfer:customHostname': hostname }
           + (if hostedZoneId == null then {} else { 'transfer:route53HostedZoneId': '/hostedzone/' + hostedZoneId }),
    resources: {
      [id]: {
        Type: 'AWS::Transfer::Server',
        Properties: {
          Domain: 'S3',
          EndpointType: if endpoint == null then 'PUBLIC' else 'VPC',
          [if endpoint != null then 'EndpointDetails']: endpoint.details,
          // identity: null (service-managed users), or an identity.new(...)
          // component whose function answers every login (identity.libsonnet).
          // IdentityProviderDetails may not be set on a SERVICE_MANAGED server.
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-transfer-server-identityproviderdetails.html
          IdentityProviderType: if identity == null then 'SERVICE_MANAGED' else 'AWS_LAMBDA',
          [if identity != null then 'IdentityProviderDetails']: {
            Function: identity.functionArn,
            SftpAuthenticationMethods: identity.sftpAuthenticationMethods,
          },
          Protocols: ['SFTP'],
          SecurityPolicyName: securityPolicy,
          StructuredLogDestinations: [logGroup.arn],
        },
      } + tagging.mixin(tags + hostTags),
    },
    outputs: {
      ServerId: { Description: 'Transfer Family server id', Value: this.serverId },
      ServerEndpoint: { Description: 'SFTP endpoint host name of the server', Value: this.endpoint },
    },
  },
  // Workflow execution logs for a server with a workflow attached:
  //   WorkflowLogGroup   /aws/transfer/<server-id>, the name Transfer Family
  //                      writes to (retention, the gateway key; the key
  //                      policy names it by pattern: key.libsonnet
  //                      transferWorkflowLogs, since the key cannot refer to
  //                      the server, which depends on it through its
  //                      structured log group).
  //   ServerLoggingRole  assumed by Transfer Family for this account's
  //                      servers; it may write to that group only.
  //   ServerLoggingRolePolicy  the role's permissions, in a resource of its
  //                      own: they name the group, which names the server,
  //                      which names the role (inline, a cycle).
  // serverPatch sets the role on the server. The group exists only once the
  // server does: an execution in the seconds between is not logged (the role
  // may not create the group), and still counts in OnUploadExecutionsFailed.
  // https://docs.aws.amazon.com/transfer/latest/userguide/cloudwatch-workflows.html
  workflowLogging(server=error 'server.workflowLogging: server is required',
                  key=error 'server.workflowLogging: key is required',
                  retentionDays=365, tags={}):: {
    local w = self,
    ids:: { logGroup: 'WorkflowLogGroup', role: 'ServerLoggingRole', policy: 'ServerLoggingRolePolicy' },
    logGroup:: logs.new(w.ids.logGroup, name=c.sub('/aws/transfer/${' + server.id + '.ServerId}'),
                        key=key, retentionDays=retentionDays, tags=tags),
    roleArn:: c.getAtt(w.ids.role, 'Arn'),
    serverPatch:: c.patch(server.id, { Properties+: { LoggingRole: w.roleArn } }),
    resources: w.logGroup.resources + {
      [w.ids.role]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: 'Assumed by Transfer Family to log workflow executions of the server',
          // The server's own ARN would be a cycle (the server names the
          // role): this account's servers in this region.
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow',
              Principal: { Service: 'transfer.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: { 'aws:SourceArn': c.sub('arn:${AWS::Partition}:transfer:${AWS::Region}:${AWS::AccountId}:server/*') },
              },
            }],
          },
        },
      } + tagging.mixin(tags),
      [w.ids.policy]: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'WriteWorkflowLogs',
          Roles: [c.ref(w.ids.role)],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              // The group (DescribeLogStreams) and its streams; no
              // CreateLogGroup: the stack makes the group.
              Sid: 'WriteWorkflowLogs',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
              Resource: [w.logGroup.arn, w.logGroup.encryptionContextArn],
            }],
          },
        },
      },
    },
  },
}
