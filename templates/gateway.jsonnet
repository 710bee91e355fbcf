// The gateway of this repository. sftpgw renders the root stack, every SFTP
// user and every child stack of users from the object this returns, so a
// patch made here with `+` reaches all of them. Put your own copy of this
// file in templates/ beside sftpgw.yaml to patch it (docs/customizing.md):
//   function(config) sftpgw.gateway.new(config) + { user+:: { ... } }
// config: the resolved sftpgw.yaml, every default filled by the engine.
local sftpgw = import 'sftpgw.libsonnet';

function(config) sftpgw.gateway.new(config)
