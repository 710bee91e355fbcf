// The gateway: ONE object every template of a build is rendered from, so a
// patch made to it reaches the root stack, every SFTP user and every child
// stack of users alike. config is the resolved sftpgw.yaml (the engine fills
// every default before evaluation).
//
// A repository's templates/gateway.jsonnet returns this object, patched with
// `+` by field name (docs/customizing.md):
//   function(config) sftpgw.gateway.new(config) + { key+:: sftpgw.key.withStatements([...]) }
// The engine then asks it for (libsonnet/render.libsonnet):
//   template::             the root stack
//   user.new(...)          each user's resources (in chunks, see user)
//   userStackTemplate(id)  each child stack of users, without its users
local c = import 'component.libsonnet';
local key = import 'key.libsonnet';
local bucket = import 'bucket.libsonnet';
local logs = import 'logs.libsonnet';
local role = import 'role.libsonnet';
local server = import 'server.libsonnet';
local hostKeys = import 'host-keys.libsonnet';
local endpoint = import 'endpoint.libsonnet';
local record = import 'record.libsonnet';
local outbound = import 'outbound.libsonnet';
local downstream = import 'downstream.libsonnet';
local malwareScan = import 'malware-scan.libsonnet';
local alarms = import 'alarms.libsonnet';
local user = import 'user.libsonnet';
local identity = import 'identity.libsonnet';
local tagging = import 'tags.libsonnet';

// Fn::Sub only when there is something to substitute (cfn-lint W1020).
local subIfNeeded(s) = if std.length(std.findSubstr('${', s)) > 0 then c.sub(s) else s;

// The gateway bucket's default name with downstream on, unique per
// partition like the staging bucket's: stack name (lower case, cut so the
// whole name fits 63 characters), account and region. The CLI computes the
// same name (cli/engine/config/gateway-bucket.ts) for snowflake sql.
local defaultGatewayName(stackName) =
  local prefix = std.asciiLower(stackName);
  local cut = std.substr(prefix, 0, std.min(std.length(prefix), 27));
  std.rstripChars(cut, '-') + '-gateway-${AWS::AccountId}-${AWS::Region}';

// The gateway bucket's name as the template knows it, a string that may hold
// ${AWS::...}, or null when CloudFormation generates it and nothing names
// it. buckets.gateway first; a deployed gateway keeps its generated name
// (keepGeneratedGatewayName: true, or the name itself, which BucketName
// never gets: it is create-only); downstream on, the default name.
local gatewayNaming(cfg) =
  local keep = std.get(cfg.buckets, 'keepGeneratedGatewayName', null);
  if cfg.buckets.gateway != null then { bucketName: cfg.buckets.gateway, known: cfg.buckets.gateway }
  else if std.isString(keep) then { bucketName: null, known: keep }
  else if keep == true || std.get(cfg, 'downstream', null) == null then { bucketName: null, known: null }
  else { bucketName: defaultGatewayName(cfg.stackName), known: self.bucketName };

{
  defaultGatewayName:: defaultGatewayName,

  new(config=error 'gateway.new: config is required'):: {
    local gw = self,
    // The resolved sftpgw.yaml, hidden: every part below reads it from here,
    // so a patch of config (config+:: { tags+: {...} }) reaches them all.
    config:: config,
    local cfg = gw.config,
    local tags = cfg.tags,
    local naming = gatewayNaming(cfg),
    local hostname = if cfg.dns == null then null else cfg.dns.hostname,
    local hostedZoneId = if cfg.dns == null then null else cfg.dns.hostedZoneId,
    // server.identityProvider: null or type service-managed = Transfer users
    // (as before); lambda = the identity function (identity.libsonnet), with
    // `stage` the forward switch's staging template (server unchanged).
    local idpCfg = std.get(cfg.server, 'identityProvider', null),
    local lambda = idpCfg != null && idpCfg.type == 'lambda',

    key:: key.new('GatewayKey', aliasName=c.sub('alias/sftpgw/${AWS::StackName}'), tags=tags,
                  logGroups=[gw.serverLogs] + (if gw.outbound == null then [] else [gw.outbound.logGroup])
                            + (if gw.downstream == null then [] else [gw.downstream.ingest.logGroup])
                            + (if gw.identity == null then [] else [gw.identity.logGroup]))
          + (if gw.outbound == null then {} else key.withStatements(gw.outbound.keyStatements))
          + (if gw.alarmTopic == null then {} else key.withStatements(gw.alarmTopic.keyStatements))
          + (if gw.downstream == null then {} else key.withStatements(gw.downstream.keyStatements))
          + (if gw.workflowLogging == null then {} else key.withStatements([key.transferWorkflowLogs])),
    accessLogs:: bucket.accessLogs('AccessLogBucket',
                                   sources=[gw.bucket.arn] + (if gw.outbound == null then [] else [gw.outbound.stagingBucketArn])
                                           + (if gw.identity == null then [] else [gw.identity.directoryBucketArn]),
                                   name=cfg.buckets.accessLogs,
                                   noncurrentDays=cfg.buckets.noncurrentVersionDays,
                                   expireLogsDays=cfg.buckets.accessLogExpirationDays, tags=tags),
    bucket:: bucket.new('GatewayBucket', key=gw.key, accessLogs=gw.accessLogs,
                        name=if naming.bucketName == null then null else subIfNeeded(naming.bucketName),
                        noncurrentDays=cfg.buckets.noncurrentVersionDays, tags=tags)
             + (if gw.malwareScan == null then {} else bucket.withPolicyStatements(gw.malwareScan.bucketStatements)),
    serverLogs:: logs.new('ServerLogGroup', name=c.sub('/aws/transfer/${AWS::StackName}'),
                          key=gw.key, retentionDays=cfg.logs.retentionDays, tags=tags),
    server:: server.new('Server', logGroup=gw.serverLogs,
                        securityPolicy=cfg.server.securityPolicy,
                        hostname=hostname, hostedZoneId=hostedZoneId, tags=tags,
                        endpoint=gw.endpoint,
                        identity=if gw.identity == null || gw.identity.stage then null else gw.identity),
    // The server's own host keys (server.hostKeys; host-keys.libsonnet):
    // one per entry, oldest first, ids from the secrets; null when the
    // config lists none (the server keeps only the key Transfer Family
    // generated).
    hostKeys:: if std.length(std.get(cfg.server, 'hostKeys', [])) == 0 then null
               else hostKeys.list(cfg.server.hostKeys, server=gw.server, tags=tags),
    // The server's VPC endpoint (server.endpoint.type: vpc), or null: public.
    endpoint:: if std.get(cfg.server, 'endpoint', null) == null then null
               else endpoint.new(cfg.server.endpoint, tags=tags),
    userRole:: role.userAccess('UserRole', server=gw.server, bucket=gw.bucket, key=gw.key, tags=tags,
                               anyServerOfTheAccount=gw.identity != null && !gw.identity.stage),
    // The custom identity provider (server.identityProvider.type: lambda;
    // docs/identity-provider.md): the directory bucket, the function, its
    // role, log group, permission and alarm; null for service-managed users.
    identity:: if !lambda then null
               else identity.new(idpCfg, key=gw.key, accessLogs=gw.accessLogs, server=gw.server,
                                 gatewayBucket=gw.bucket, userRole=gw.userRole, alarmTopic=gw.alarmTopic,
                                 noncurrentDays=cfg.buckets.noncurrentVersionDays,
                                 logRetentionDays=cfg.logs.retentionDays, tags=tags),
    record:: if hostname == null then null
             else record.new('DnsRecord', hostname=hostname, hostedZoneId=hostedZoneId, server=gw.server, ttl=cfg.dns.ttl),

    // The alarm topic every alarm of the stack publishes to (outbound's and
    // the ingest alarms, the identity function's), with the recipients of
    // `alarms` in sftpgw.yaml; null when neither outbound nor downstream nor
    // the identity function is on (no alarms then).
    alarmTopic:: if cfg.outbound == null && std.get(cfg, 'downstream', null) == null && !lambda then null
                 else alarms.topic('AlarmTopic', key=gw.key, recipients=cfg.alarms, tags=tags),

    // Outbound push (null when outbound.enabled is false in sftpgw.yaml).
    outbound:: if cfg.outbound == null then null
               else outbound.new(cfg.outbound, stackName=cfg.stackName, key=gw.key, accessLogs=gw.accessLogs,
                                 codeKey=cfg.outbound.codeKey, stagingName=cfg.buckets.staging,
                                 noncurrentDays=cfg.buckets.noncurrentVersionDays,
                                 logRetentionDays=cfg.logs.retentionDays, tags=tags,
                                 alarmTopic=gw.alarmTopic),

    // Completed uploads copied to ingest/, events, Snowflake (null when
    // downstream is off in sftpgw.yaml; docs/downstream.md). It patches the
    // bucket (notifications) and the server (the upload workflow) in
    // components, so a patch of gw.bucket or gw.server keeps them. With the
    // malware scan, its ingest function gets the scan's hooks (ingestPatch).
    local scanning = std.get(cfg, 'downstream', null) != null && std.get(cfg.downstream, 'malwareScan', false),
    downstream:: if std.get(cfg, 'downstream', null) == null then null
                 else downstream.new(cfg.downstream, bucket=gw.bucket, key=gw.key, server=gw.server,
                                     alarmTopic=gw.alarmTopic, bucketName=naming.known,
                                     logRetentionDays=cfg.logs.retentionDays, tags=tags)
                      + (if scanning then { ingest+:: gw.malwareScan.ingestPatch } else {}),
    local withDownstream(component, patch) =
      (if gw.downstream == null then component else component + gw.downstream[patch])
      + (if gw.malwareScan == null || !std.objectHasAll(gw.malwareScan, patch) then {} else gw.malwareScan[patch]),

    // GuardDuty scans completed uploads in quarantine/ before they reach
    // ingest/ (downstream.malwareScan; null when off; malware-scan.libsonnet).
    // Its alarms go to the gateway's alarm topic. It adds bucket-policy
    // statements, a bucket patch, its components, and the ingest function's
    // hooks (downstream, above).
    malwareScan:: if !scanning then null
                  else malwareScan.new(bucket=gw.bucket, key=gw.key, ingest=gw.downstream.ingest,
                                       alarmTopic=gw.alarmTopic, tags=tags),

    // Workflow execution logs (server.libsonnet): whenever the server has a
    // workflow, i.e. downstream is on. Its serverPatch sets the LoggingRole.
    workflowLogging:: if gw.downstream == null then null
                      else server.workflowLogging(gw.server, key=gw.key, retentionDays=cfg.logs.retentionDays, tags=tags),
    local withWorkflowLogging(component) =
      if gw.workflowLogging == null then component else component + gw.workflowLogging.serverPatch,

    outputs:: {
      resources: {},
      outputs: {
        BucketName: { Description: 'Gateway bucket (users see only their own prefix)', Value: gw.bucket.ref },
      },
    },

    // Child stacks holding the SFTP users (userStacks in sftpgw.yaml; the
    // engine places users and lists the non-empty stacks). They receive the
    // shared resources as parameters: see userRefs.
    userStacks:: if cfg.userStacks == null then null else {
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
            Parameters: { [r.parameter]: r.value for r in std.objectValues(gw.userRefs) },
          },
        } + tagging.mixin(tags)
        for s in cfg.userStacks.stacks
      },
    },

    // Every component of the root stack, by name (null: not in this
    // gateway). Patch one by name, add one under a name of your own:
    //   components+:: { bucket+: …, auditLogs: gw.auditLogs }
    // Rendered in componentOrder, then the other names sorted (stable).
    // The older array form `components+:: [...]` still builds: the engine
    // renders again with componentsArray set (an array base) and warns.
    local named = {
      key: gw.key,
      accessLogs: gw.accessLogs,
      bucket: withDownstream(gw.bucket, 'bucketPatch'),
      serverLogs: gw.serverLogs,
      server: withWorkflowLogging(withDownstream(gw.server, 'serverPatch')),
      hostKeys: gw.hostKeys,
      workflowLogging: gw.workflowLogging,
      alarmTopic: gw.alarmTopic,
      endpoint: gw.endpoint,
      userRole: gw.userRole,
      record: gw.record,
      outbound: gw.outbound,
      identity: gw.identity,
    } + (if gw.downstream == null then {} else {
      ['downstream' + n]: gw.downstream.namedComponents[n]
      for n in std.objectFields(gw.downstream.namedComponents)
    }) + (if gw.malwareScan == null then {} else {
      ['malwareScan' + n]: gw.malwareScan.namedComponents[n]
      for n in std.objectFields(gw.malwareScan.namedComponents)
    }) + {
      userStacks: gw.userStacks,
      outputs: gw.outputs,
    },
    componentOrder:: ['key', 'accessLogs', 'bucket', 'serverLogs', 'server', 'hostKeys', 'workflowLogging',
                      'alarmTopic', 'endpoint', 'userRole', 'record', 'outbound', 'identity']
                     + (if gw.downstream == null then [] else ['downstream' + n for n in gw.downstream.componentOrder])
                     + (if gw.malwareScan == null then [] else ['malwareScan' + n for n in gw.malwareScan.componentOrder])
                     + ['userStacks', 'outputs'],
    components:: if std.get(cfg, 'componentsArray', false) then componentList(named, gw.componentOrder) else named,
    local componentList(byName, order) =
      local known = std.set(order);
      [byName[n] for n in order if std.objectHasAll(byName, n) && byName[n] != null]
      + [byName[n] for n in std.objectFieldsAll(byName) if !std.member(known, n) && byName[n] != null],
    // The components in render order, whichever form `components` has.
    componentsInOrder:: if std.isArray(gw.components) then [x for x in gw.components if x != null]
                        else componentList(gw.components, gw.componentOrder),

    // The root resources every SFTP user points at, declared once. Users in
    // the root get `value`; a child stack of users receives it as the
    // parameter `parameter` (see userStackParameters) and its users get
    // { Ref: parameter }. Add a reference here and both follow.
    userRefs:: {
      serverId: { parameter: 'ServerId', description: 'Transfer server id (from the root stack)', value: gw.server.serverId },
      roleArn: { parameter: 'RoleArn', description: 'role the SFTP users assume', value: gw.userRole.arn },
      bucketName: { parameter: 'BucketName', description: 'gateway bucket', value: gw.bucket.ref },
      keyArn: { parameter: 'KeyArn', description: 'gateway KMS key', value: gw.key.arn },
    },

    // What users refer to the shared resources by: placement 'root' (users in
    // the root stack) or 'child' (users in a child stack).
    userRefValues(placement):: {
      [k]: if placement == 'child' then c.ref(gw.userRefs[k].parameter) else gw.userRefs[k].value
      for k in std.objectFields(gw.userRefs)
    },

    // The parameters of a child stack of users, derived from userRefs.
    userStackParameters:: {
      [r.parameter]: { Type: 'String', Description: r.description }
      for r in std.objectValues(gw.userRefs)
    },

    // How every SFTP user of this gateway is made, in the root stack and in
    // each child stack. Patch a field to change every user, e.g.
    //   user+:: { new(id, name, spec, shared):: super.new(id, name, spec, shared) + ... }
    // The engine evaluates users in chunks: per chunk it calls shared() once
    // (materialized) and new() once per user.
    user:: {
      // The session policy of a user (sessionPolicy(home, readOnly) in user.libsonnet).
      sessionPolicy(home, readOnly):: user.sessionPolicy(home, readOnly),
      // What the users of one stack share; refs from userRefValues.
      shared(refs):: user.shared(refs, cfg.tags, self.sessionPolicy),
      // One user: { resources: { [id]: AWS::Transfer::User } } (more resources may be added).
      new(id, name, spec, shared):: user.new(id, name, spec, shared),
    },

    // The template of one child stack of users (userStacks), without its
    // users: the engine adds each user's resources to Resources. Patch it to
    // change every child stack.
    userStackTemplate(id):: {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: std.substr(cfg.description + ' (SFTP users: ' + id + ')', 0, 1024),
      Parameters: gw.userStackParameters,
      Resources: {},
    },

    // What the engine reads of the root stack, written once here
    // (Metadata.sftpgw; cli/engine/template/gateway-metadata.ts): the
    // logical ids of the parts it looks up in a deployed stack, and the
    // placement of users (userStacks), so deploy can refuse a change that
    // would move users between stacks.
    metadata:: {
      ids: {
        server: gw.server.id,
        bucket: gw.bucket.id,
        key: gw.key.id,
        userRole: gw.userRole.id,
        serverLogGroup: gw.serverLogs.id,
        [if gw.outbound != null then 'stagingBucket']: gw.outbound.ids.stagingBucket,
        [if gw.outbound != null then 'pushFunction']: gw.outbound.ids.pushFunction,
        [if gw.outbound != null then 'pushLogGroup']: gw.outbound.ids.logGroup,
        [if gw.outbound != null then 'failureQueue']: gw.outbound.ids.failureQueue,
        // The server's own host keys, oldest first (deploy's host-key guard reads them).
        [if gw.hostKeys != null then 'hostKeys']: gw.hostKeys.ids,
        [if gw.endpoint != null then 'serverAddresses']: gw.endpoint.addressIds,
        [if gw.endpoint != null then 'addressPrefix']: gw.endpoint.addressPrefix,
        [if gw.downstream != null then 'ingestFunction']: gw.downstream.ingest.ingestFunction.id,
        [if gw.downstream != null && gw.downstream.topic != null then 'ingestTopic']: gw.downstream.topic.id,
        [if gw.downstream != null && gw.downstream.snowflakeRole != null then 'snowflakeRole']: gw.downstream.snowflakeRole.id,
        [if gw.identity != null then 'directoryBucket']: gw.identity.ids.directoryBucket,
        [if gw.identity != null then 'identityFunction']: gw.identity.ids.identityFunction,
        [if gw.identity != null then 'identityLogGroup']: gw.identity.ids.logGroup,
      },
      // Absent: service-managed users. 'staging': the forward switch's first
      // template (the function exists, the server is still service-managed).
      [if gw.identity != null then 'identityProvider']: if gw.identity.stage then 'staging' else 'lambda',
      [if cfg.userStacks != null then 'userStacks']: cfg.userStacks.count,
    },

    template:: c.template(cfg.description, gw.componentsInOrder) + { Metadata: { sftpgw: gw.metadata } },
  },
}
