// The Transfer Family server: SFTP only, service-managed users, S3 domain,
// a current security policy, and structured logs to a KMS-encrypted log group.
//
// No LoggingRole. Transfer Family has two logging mechanisms, configured
// separately: JSON structured logging (StructuredLogDestinations: the log
// group of this stack, with its retention and KMS key) and logging through a
// logging role, whose log group is always /aws/transfer/<server-id> and
// cannot be changed; a role is needed only to log workflows (downstream's
// copy to ingest/ is one: docs/downstream.md says what that leaves
// unlogged). A logging role would therefore either write a second,
// unmanaged log group (no retention, no KMS: it needs logs:CreateLogGroup) or,
// scoped to our group as it used to be, fail silently.
// https://docs.aws.amazon.com/transfer/latest/userguide/structured-logging.html
// https://docs.aws.amazon.com/transfer/latest/userguide/log-server-manage.html
// endpoint: null for a PUBLIC endpoint, or an endpoint.new(...) component:
// the server then listens in the VPC, on its Elastic IPs, behind its
// security groups (docs/endpoint.md).
// With a vanity hostname it carries the transfer:customHostname and
// transfer:route53HostedZoneId tags so the console shows the name.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  new(id=error 'server.new: id is required',
      logGroup=error 'server.new: logGroup is required',
      securityPolicy='TransferSecurityPolicy-2024-01',
      hostname=null, hostedZoneId=null, tags={}, endpoint=null):: {
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
          IdentityProviderType: 'SERVICE_MANAGED',
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
}
