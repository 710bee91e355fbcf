// The inbound gateway assembled from the resource libraries, from the
// resolved sftpgw.yaml (the engine fills every default before evaluation).
//
// templates/gateway.jsonnet renders the root stack from this; templates/
// users.jsonnet uses userRefs so user resources point at the same server,
// role, bucket and key. Patch any part with `+`:
//   (import 'gateway.libsonnet').new(config) + { key+: sftpgw.key.withStatements([...]) }
local c = import 'component.libsonnet';
local key = import 'key.libsonnet';
local bucket = import 'bucket.libsonnet';
local logs = import 'logs.libsonnet';
local role = import 'role.libsonnet';
local server = import 'server.libsonnet';
local record = import 'record.libsonnet';
local outbound = import 'outbound.libsonnet';
local tagging = import 'tags.libsonnet';

{
  new(config=error 'gateway.new: config is required'):: {
    local gw = self,
    local tags = config.tags,
    local hostname = if config.dns == null then null else config.dns.hostname,
    local hostedZoneId = if config.dns == null then null else config.dns.hostedZoneId,

    key:: key.new('GatewayKey', aliasName=c.sub('alias/sftpgw/${AWS::StackName}'), tags=tags,
                  logGroups=[gw.serverLogs] + (if gw.outbound == null then [] else [gw.outbound.logGroup]))
          + (if gw.outbound == null then {} else key.withStatements(gw.outbound.keyStatements)),
    accessLogs:: bucket.accessLogs('AccessLogBucket',
                                   sources=[gw.bucket.arn] + (if gw.outbound == null then [] else [gw.outbound.stagingBucketArn]),
                                   name=config.buckets.accessLogs,
                                   noncurrentDays=config.buckets.noncurrentVersionDays,
                                   expireLogsDays=config.buckets.accessLogExpirationDays, tags=tags),
    bucket:: bucket.new('GatewayBucket', key=gw.key, accessLogs=gw.accessLogs,
                        name=config.buckets.gateway,
                        noncurrentDays=config.buckets.noncurrentVersionDays, tags=tags),
    serverLogs:: logs.new('ServerLogGroup', name=c.sub('/aws/transfer/${AWS::StackName}'),
                          key=gw.key, retentionDays=config.logs.retentionDays, tags=tags),
    server:: server.new('Server', logGroup=gw.serverLogs,
                        securityPolicy=config.server.securityPolicy,
                        hostname=hostname, hostedZoneId=hostedZoneId, tags=tags),
    userRole:: role.userAccess('UserRole', server=gw.server, bucket=gw.bucket, key=gw.key, tags=tags),
    record:: if hostname == null then null
             else record.new('DnsRecord', hostname=hostname, hostedZoneId=hostedZoneId, server=gw.server, ttl=config.dns.ttl),

    // Outbound push (null when outbound.enabled is false in sftpgw.yaml).
    outbound:: if config.outbound == null then null
               else outbound.new(config.outbound, stackName=config.stackName, key=gw.key, accessLogs=gw.accessLogs,
                                 codeKey=config.outbound.codeKey, stagingName=config.buckets.staging,
                                 noncurrentDays=config.buckets.noncurrentVersionDays,
                                 logRetentionDays=config.logs.retentionDays, tags=tags),

    outputs:: {
      resources: {},
      outputs: {
        BucketName: { Description: 'Gateway bucket (users see only their own prefix)', Value: gw.bucket.ref },
      },
    },

    // Child stacks holding the SFTP users (userStacks in sftpgw.yaml; the
    // engine places users and lists the non-empty stacks). They receive the
    // shared resources as parameters: see childUserRefs.
    userStacks:: if config.userStacks == null then null else {
      resources: {
        // Delete, said explicitly: a child stack removed from the root (its
        // last user gone) takes its users with it; retained, they would block
        // the names on the server.
        [s.id]: {
          Type: 'AWS::CloudFormation::Stack',
          DeletionPolicy: 'Delete',
          UpdateReplacePolicy: 'Delete',
          Properties: {
            TemplateURL: s.file,  // beside the root template; sftpgw package uploads it
            Parameters: {
              ServerId: gw.userRefs.serverId,
              RoleArn: gw.userRefs.roleArn,
              BucketName: gw.userRefs.bucketName,
              KeyArn: gw.userRefs.keyArn,
            },
          },
        } + tagging.mixin(tags)
        for s in config.userStacks.stacks
      },
    },

    // Every component of the root stack, in order. Extend with `components+::`.
    components:: [gw.key, gw.accessLogs, gw.bucket, gw.serverLogs, gw.server, gw.userRole]
                 + (if gw.record == null then [] else [gw.record])
                 + (if gw.outbound == null then [] else [gw.outbound])
                 + (if gw.userStacks == null then [] else [gw.userStacks])
                 + [gw.outputs],

    // How user resources reach the shared ones (see user.libsonnet).
    userRefs:: {
      serverId: gw.server.serverId,
      roleArn: gw.userRole.arn,
      bucketName: gw.bucket.ref,
      keyArn: gw.key.arn,
    },

    // How users in a child stack reach the shared resources: its parameters
    // (the engine declares them: ServerId, RoleArn, BucketName, KeyArn).
    childUserRefs:: {
      serverId: c.ref('ServerId'),
      roleArn: c.ref('RoleArn'),
      bucketName: c.ref('BucketName'),
      keyArn: c.ref('KeyArn'),
    },

    // The placement is recorded in the root so deploy can refuse a change that
    // would move users between stacks.
    template:: c.template(config.description, gw.components)
               + (if config.userStacks == null then {} else { Metadata: { sftpgw: { userStacks: config.userStacks.count } } }),
  },
}
