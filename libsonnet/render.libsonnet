// What the engine asks of a gateway: the one entry point of every build.
//
// The engine evaluates this (bundled, see cli/engine/template/evaluate-gateway.ts)
// once for the root and once per chunk of users, concurrently; each call
// builds the gateway from the repository's templates/gateway.jsonnet (or the
// shipped one), so a patch there reaches every part:
//   part 'root':  { template, userStacks: { [id]: child template without users } }
//   part 'users': one resource map per user, in std.objectFields(users) order
// users: JSON text { "<username>": { id: "<logical id>", spec: {...} } };
// placement: 'root' or 'child' (where these users go).
local c = import 'component.libsonnet';
local gateway = import 'gateway.libsonnet';

{
  run(gatewayOf, config, part, users='{}', placement='root')::
    local made = gatewayOf(config);
    // An older templates/gateway.jsonnet returns the root template (visible
    // Resources) instead of the gateway object: its root is used as it is and
    // users come from the unpatched gateway, as they did (the engine warns).
    local legacy = std.objectHas(made, 'Resources');
    local gw = if legacy then gateway.new(config) else made;
    if part == 'root' then {
      template: if legacy then made else gw.template,
      legacy: legacy,
      userStacks: if config.userStacks == null then {} else {
        [s.id]: gw.userStackTemplate(s.id)
        for s in config.userStacks.stacks
      },
    }
    else if part == 'users' then
      // Materialized once per chunk: see user.shared() for why.
      // Bound once: a field of the gateway is evaluated again at every access.
      local user = gw.user;
      local shared = c.materialize(user.shared(c.materialize(gw.userRefValues(placement))));
      local us = std.parseJson(users);
      [user.new(us[name].id, name, us[name].spec, shared).resources for name in std.objectFields(us)]
    else error 'render: part must be root or users, not ' + part,
}
