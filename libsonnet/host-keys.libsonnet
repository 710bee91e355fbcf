// The server's own host keys (server.hostKeys in sftpgw.yaml): one
// AWS::Transfer::HostKey per key. The private key stays in Secrets Manager:
// HostKeyBody is a dynamic reference CloudFormation resolves when it creates
// the key, never the key itself ("you refer to the secret by name or ARN"):
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html
//
// Order is age, and age decides what partners see: "The oldest key for each
// key type (RSA, ECDSA, or ED25519) is the active key for the server for that
// type" (https://docs.aws.amazon.com/transfer/latest/userguide/server-host-key-add.html).
// So each key DependsOn the one before it in the config: CloudFormation
// creates them one after another, the first oldest, instead of in parallel
// in an undecided order.
//
// The key Transfer Family generated with the server is older than all of
// them: it stays the active one of its algorithm until it is deleted
// through the Transfer API (docs/keys.md#the-servers-host-keys).
//
// Logical ids come from the secret, not the position (idOf): HostKey + a
// readable part of the secret's name + 6 hex of its md5, e.g.
// HostKeyEd255192026a34c09. Removing the first key — the last step of a
// rotation — then deletes only that key. Positional ids (HostKey1, …) would
// shift: HostKey1 would get the second key's secret, and HostKeyBody is
// create-only, so CloudFormation would REPLACE it (import the second key
// again, with a new DateImported, while the old copy still exists) and
// delete HostKey2. A changed `secret` (another secret, or the same one by
// ARN instead of name) is a new id: a new key, the old one deleted.
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

  // The readable part of a logical id: the secret's last name segment
  // (after an ARN's `:secret:` and the last `/`), its runs of letters and
  // digits each capitalised and joined, at most 24 characters.
  readablePart(secret)::
    local parts = std.split(secret, ':');
    local path = std.split(parts[std.length(parts) - 1], '/');
    local last = path[std.length(path) - 1];
    local alnum(ch) = local cp = std.codepoint(ch);
                      (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
    local words = std.split(std.join('', [if alnum(ch) then ch else ' ' for ch in std.stringChars(last)]), ' ');
    local cap(w) = std.asciiUpper(w[0]) + std.substr(w, 1, std.length(w) - 1);
    std.substr(std.join('', [cap(w) for w in words if w != '']), 0, 24),

  // The logical id of the host key from `secret`: stable while the entry
  // names the same secret, whatever comes before or after it; the md5
  // part keeps two secrets with the same readable part apart.
  idOf(secret):: 'HostKey' + $.readablePart(secret) + std.substr(std.md5(secret), 0, 6),

  // The keys of server.hostKeys ([{ secret, description? }], oldest first):
  // one per entry (idOf its secret), each after the one before. `ids` is
  // what Metadata.sftpgw.ids.hostKeys lists, in config order.
  list(keys=error 'hostKeys.list: keys are required',
       server=error 'hostKeys.list: server is required', tags={}):: {
    local n = std.length(keys),
    ids:: [$.idOf(k.secret) for k in keys],
    assert std.length(std.set(self.ids)) == n :
           'hostKeys.list: two entries of server.hostKeys get one logical id (%s): list each secret once' % std.join(', ', self.ids),
    keys:: [
      $.new(self.ids[i], server, keys[i].secret, std.get(keys[i], 'description', null), tags,
            after=if i == 0 then null else self.ids[i - 1])
      for i in std.range(0, n - 1)
    ],
    resources: std.foldl(function(acc, k) acc + k.resources, self.keys, {}),
  },
}
