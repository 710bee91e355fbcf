// The server's own host keys (server.hostKeys in sftpgw.yaml): one
// AWS::Transfer::HostKey per key. The private key stays in Secrets Manager:
// HostKeyBody is a dynamic reference CloudFormation resolves when it creates
// the key, never the key itself ("you refer to the secret by name or ARN"):
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html
//
// Order is age, and age decides what partners see: "The oldest key for each
// key type (RSA, ECDSA, or ED25519) is the active key for the server for that
// type" (https://docs.aws.amazon.com/transfer/latest/userguide/server-host-key-add.html).
// So HostKey1, HostKey2, … follow the config's order and each DependsOn the
// one before: CloudFormation creates them one after another, the first
// oldest, instead of in parallel in an undecided order. The key Transfer
// Family generated with the server is older than all of them: it stays the
// active one of its algorithm until it is deleted through the Transfer API
// (docs/keys.md#the-servers-host-keys).
//
// DeletionPolicy Delete, said explicitly: a key taken out of sftpgw.yaml
// leaves the server (retained, it would stay and, being the oldest, stay
// the one partners see). That changes what partners see, and deploy's
// host-key guard says so first.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  // The dynamic reference to a secret's whole SecretString (name or ARN):
  // {{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}
  // with the optional parts left out (the AWSCURRENT version).
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
  body(secret):: '{{resolve:secretsmanager:' + secret + ':SecretString}}',

  // The description Transfer Family shows when the config gives none (its
  // limit is 200 characters).
  defaultDescription(secret):: std.substr('sftpgw: ' + secret, 0, 200),

  // One host key of `server` from `secret`; `after`: the logical id of the
  // key that must be older (DependsOn), or null.
  new(id=error 'hostKeys.new: id is required',
      server=error 'hostKeys.new: server is required',
      secret=error 'hostKeys.new: secret is required',
      description=null, tags={}, after=null):: {
    id:: id,
    ref:: c.ref(id),
    hostKeyId:: c.getAtt(id, 'HostKeyId'),
    fingerprint:: c.getAtt(id, 'HostKeyFingerprint'),
    resources: {
      [id]: {
        Type: 'AWS::Transfer::HostKey',
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        [if after != null then 'DependsOn']: after,
        Properties: {
          ServerId: server.serverId,
          HostKeyBody: $.body(secret),
          Description: if description == null then $.defaultDescription(secret) else description,
        },
      } + tagging.mixin(tags),
    },
  },

  // The keys of server.hostKeys ([{ secret, description? }], oldest first):
  // HostKey1 … HostKeyN, each after the one before. `ids` is what
  // Metadata.sftpgw.ids.hostKeys lists.
  list(keys=error 'hostKeys.list: keys are required',
       server=error 'hostKeys.list: server is required', tags={}):: {
    local n = std.length(keys),
    ids:: ['HostKey%d' % i for i in std.range(1, n)],
    keys:: [
      $.new(self.ids[i], server, keys[i].secret, std.get(keys[i], 'description', null), tags,
            after=if i == 0 then null else self.ids[i - 1])
      for i in std.range(0, n - 1)
    ],
    resources: std.foldl(function(acc, k) acc + k.resources, self.keys, {}),
  },
}
