// SFTP user resources for one chunk of users. The engine evaluates several
// chunks concurrently and merges them into the stack that holds the users.
//   users: JSON text { "<username>": { id: "<logical id>", spec: {...} } }
//   placement: 'root' (users in the root stack: refs are its resources) or
//              'child' (users in child stacks: refs are the child's parameters)
local sftpgw = import 'sftpgw.libsonnet';

function(config, users, placement='root')
  local gw = sftpgw.gateway.new(config);
  // Materialized once: see user.shared() for why.
  local refs = sftpgw.component.materialize(if placement == 'child' then gw.childUserRefs else gw.userRefs);
  local shared = sftpgw.component.materialize(sftpgw.user.shared(refs, config.tags));
  local us = std.parseJson(users);
  [
    sftpgw.user.new(us[name].id, name, us[name].spec, shared).resources
    for name in std.objectFields(us)
  ]
