// Root stack of the gateway. Templates only compose: the resources live in
// libsonnet/. The engine passes the resolved config (all defaults filled) and
// merges in the user resources rendered by users.jsonnet.
local sftpgw = import 'sftpgw.libsonnet';

function(config) sftpgw.gateway.new(config).template
