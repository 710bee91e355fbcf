// One SFTP user: a LOGICAL home directory ("/" is <bucket>/<home>), the
// shared user role narrowed by a session policy to that prefix, SSH keys.
//
// refs carries how to reach the shared resources: in a single stack these are
// GetAtt/Ref of the root's resources, in a child stack they are parameters.
//   refs = { serverId, roleArn, bucketName, keyArn }
//
// The session policy is built with Fn::Sub from the real bucket and key, never
// a hard-coded bucket name. std.toString is used to render it because
// std.manifestJsonMinified is implemented in jsonnet and costs ~12 ms a call
// in libjsonnet 0.20 (std.toString is native: ~100x faster at 10,000 users).
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

local readActions = ['s3:GetObject', 's3:GetObjectVersion'];
local writeActions = ['s3:PutObject', 's3:DeleteObject'];

{
  sessionPolicy(home, readOnly):: {
    Version: '2012-10-17',
    Statement: [
      {
        // Listing is allowed for the prefixes "<home>/" and "<home>/*" only.
        // AWS's example scope-down policy lists "${transfer:HomeFolder}" and
        // "${transfer:HomeFolder}/*", and notes that it assumes home
        // directories set WITH a trailing slash: its bare entry is our
        // "<home>/". (Those variables are not supported for LOGICAL homes
        // anyway, hence the literal home here.) A client's `ls /` lists the
        // mapping target /<bucket>/<home> as the prefix "<home>/"; a bare
        // "<home>" (no slash) is not needed, and would widen the policy: a
        // ListBucket with prefix "team" also returns "team-x/", the folder
        // names of other partners. baseline/user-list-own-folder keeps it so.
        // https://docs.aws.amazon.com/transfer/latest/userguide/users-policies-session.html
        Sid: 'ListHome',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:${AWS::Partition}:s3:::${Bucket}',
        Condition: { StringLike: { 's3:prefix': [home + '/', home + '/*'] } },
      },
      {
        Sid: if readOnly then 'ReadHome' else 'ReadWriteHome',
        Effect: 'Allow',
        Action: readActions + (if readOnly then [] else writeActions),
        Resource: 'arn:${AWS::Partition}:s3:::${Bucket}/' + home + '/*',
      },
      {
        Sid: 'UseGatewayKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt'] + (if readOnly then [] else ['kms:GenerateDataKey']),
        Resource: '${KeyArn}',
      },
    ],
  },

  // Things every user of a stack shares: the Fn::Sub variables and the shared
  // tag list. Callers rendering many users pass it through
  // component.materialize() once: libjsonnet re-evaluates an object field at
  // every access, and without that, rebuilding these per user made 10,000
  // users take 5.4 s instead of 2.2 s.
  // sessionPolicy(home, readOnly): the policy document (a gateway may patch it).
  shared(refs=error 'user.shared: refs is required', tags={}, sessionPolicy=$.sessionPolicy):: {
    refs: refs,
    tags: tags,
    tagList: tagging.list(tags),
    subVars: { Bucket: refs.bucketName, KeyArn: refs.keyArn },
    bucketVars: { Bucket: refs.bucketName },
    // The session policy rendered once per read-only/read-write, split where
    // the home folder goes: each user only joins the parts around its home
    // (10,000 users: 2.4 s -> 1.9 s). '~' cannot occur in a home directory.
    policyParts: {
      readOnly: std.split(std.toString(sessionPolicy('~HOME~', true)), '~HOME~'),
      readWrite: std.split(std.toString(sessionPolicy('~HOME~', false)), '~HOME~'),
    },
    policyNamesHomeThrice: std.length(self.policyParts.readOnly) == 4 && std.length(self.policyParts.readWrite) == 4,
  },

  // id: the logical id (the engine derives it from the username and checks
  // that no two users collide).
  // spec: the checked user file { sshPublicKeys, homeDirectory, readOnly, tags }
  // shared: $.shared(refs, tags), materialized
  //
  // One flat literal, no mixins: this runs once per user, up to 10,000 times.
  // Patch the result with `+` like any component.
  new(id=error 'user.new: id is required',
      name=error 'user.new: name is required',
      spec=error 'user.new: spec is required',
      shared=error 'user.new: shared ($.shared(refs, tags)) is required'):: {
    local home = spec.homeDirectory,
    // p: the policy text around the home folder, which it names three times.
    local p = if spec.readOnly then shared.policyParts.readOnly else shared.policyParts.readWrite,
    resources: {
      [id]: {
        Type: 'AWS::Transfer::User',
        Properties: {
          ServerId: shared.refs.serverId,
          UserName: name,
          Role: shared.refs.roleArn,
          HomeDirectoryType: 'LOGICAL',
          HomeDirectoryMappings: [{ Entry: '/', Target: { 'Fn::Sub': ['/${Bucket}/' + home, shared.bucketVars] } }],
          // The shipped policy names the home three times: joined by hand, as
          // std.join (written in jsonnet) costs more at 10,000 users; even a
          // std.length here cost ~20 % of the users' render (std lookups are
          // slow), hence the flag computed once in shared.
          Policy: { 'Fn::Sub': [if shared.policyNamesHomeThrice then p[0] + home + p[1] + home + p[2] + home + p[3] else std.join(home, p), shared.subVars] },
          SshPublicKeys: spec.sshPublicKeys,
          [if std.length(shared.tags) + std.length(spec.tags) > 0 then 'Tags']:
            if std.length(spec.tags) == 0 then shared.tagList else tagging.list(shared.tags + spec.tags),
        },
      },
    },
  },
}
