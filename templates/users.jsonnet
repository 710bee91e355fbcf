// SFTP user resources for one chunk of users. The engine evaluates several
// chunks concurrently and merges them into the stack that holds the users.
//   users: JSON text { "<username>": { id: "<logical id>", spec: {...} } }
local sftpgw = import 'sftpgw.libsonnet';

function(config, users)
  // Materialized once: see user.shared() for why.
  local refs = sftpgw.component.materialize(sftpgw.gateway.new(config).userRefs);
  local shared = sftpgw.component.materialize(sftpgw.user.shared(refs, config.tags));
  local us = std.parseJson(users);
  [
    sftpgw.user.new(us[name].id, name, us[name].spec, shared).resources
    for name in std.objectFields(us)
  ]
