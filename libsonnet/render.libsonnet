// What the engine asks of a gateway: the one entry point of every build.
//
// The engine evaluates this (bundled, see cli/engine/template/evaluate-gateway.ts)
// once for the root and once per chunk of users, concurrently; each call
// builds the gateway from the repository's templates/gateway.jsonnet (or the
// shipped one), so a patch there reaches every part:
//   part 'root':  { template, userStacks: { [id]: child template without users },
//                   legacy, deprecated: [what the engine warns about] }
//   part 'users': one resource map per user, in std.objectFields(users) order
// users: JSON text { "<username>": { id: "<logical id>", spec: {...} } };
// placement: 'root' or 'child' (where these users go).
// shapes: 'yes' asks the root part for `userShapes` too (see userShapes below):
// the engine asks only when no file of the gateway outside the shipped ones
// names `user` (cli/engine/template/user-constructor.ts).
//
// iam.permissionsBoundary is applied HERE, to what each part returns, and
// not in a library: whatever made a role (a shipped library, a component a
// repository adds, a patch of the template, a patched user constructor, a
// child stack's template), the role leaves the engine with the boundary. A
// role that names a boundary of its own keeps it (validation's
// iam-permissions-boundary rule reports the difference).
local c = import 'component.libsonnet';
local gateway = import 'gateway.libsonnet';
// The shipped user constructor, whatever the gateway does with its own.
local stockUser = import 'user.libsonnet';

// What the engine puts in place of a user's values when it asks for the
// user resources once per shape (cli/engine/template/user-shapes.ts). \u0001
// cannot occur in a username, a home directory, a key line or the config
// (the engine checks the config), so each occurrence in the output is one the
// constructor put there.
local sentinels = {
  id: '\u0001sftpgw:id\u0001',
  name: '\u0001sftpgw:name\u0001',
  home: '\u0001sftpgw:home\u0001',
  key: '\u0001sftpgw:key\u0001',
};

// Every AWS::IAM::Role of a resource map gets the boundary; the rest is
// returned as it is (and without a boundary the map itself: no cost).
local bounded(resources, boundary) =
  if boundary == null then resources
  else std.mapWithKey(function(id, r)
    if std.isObject(r) && std.get(r, 'Type') == 'AWS::IAM::Role'
       && !std.objectHas(std.get(r, 'Properties', {}), 'PermissionsBoundary')
    then r + { Properties+: { PermissionsBoundary: boundary } }
    else r, resources);
local boundedTemplate(t, boundary) =
  if boundary == null then t else t + { Resources: bounded(t.Resources, boundary) };

// The user resources of each shape a user without tags of its own can have
// (read-only or not), made by the gateway's constructor from the sentinels,
// with the boundary applied as to every user; `stock`: the gateway's
// constructor made what the shipped one makes from them; `samples`: the
// resources of the users given (real ones), made as the users part makes
// them, for the engine to compare with what it instantiates from the shapes.
local userShapes(gw, placement, users, boundary) =
  local user = gw.user;
  local shared = c.materialize(user.shared(c.materialize(gw.userRefValues(placement))));
  local spec(readOnly) = {
    homeDirectory: sentinels.home,
    readOnly: readOnly,
    sshPublicKeys: [sentinels.key],
    tags: {},
    allowedSourceCidrs: [],
  };
  local made(u, readOnly) = u.new(sentinels.id, sentinels.name, spec(readOnly), shared).resources;
  local us = std.parseJson(users);
  {
    sentinels: sentinels,
    stock: made(user, true) == made(stockUser, true) && made(user, false) == made(stockUser, false),
    readOnly: bounded(made(user, true), boundary),
    readWrite: bounded(made(user, false), boundary),
    samples: [bounded(user.new(us[name].id, name, us[name].spec, shared).resources, boundary) for name in std.objectFields(us)],
  };

{
  bounded:: bounded,

  run(gatewayOf, config, part, users='{}', placement='root', shapes='no')::
    local made = gatewayOf(config);
    local boundary = std.get(std.get(config, 'iam', {}), 'permissionsBoundary', null);
    // An older templates/gateway.jsonnet returns the root template (visible
    // Resources) instead of the gateway object: its root is used as it is and
    // users come from the unpatched gateway, as they did (the engine warns).
    local legacy = std.objectHas(made, 'Resources');
    local gw = if legacy then gateway.new(config) else made;
    if part == 'root' then {
      template: boundedTemplate(if legacy then made else gw.template, boundary),
      legacy: legacy,
      // `components` extended as an array (components+:: [...]), the form
      // before components had names: the engine warns.
      deprecated: if std.isArray(gw.components) then ['components-array'] else [],
      userStacks: if config.userStacks == null then {} else {
        [s.id]: boundedTemplate(gw.userStackTemplate(s.id), boundary)
        for s in config.userStacks.stacks
      },
      [if shapes == 'yes' then 'userShapes']: userShapes(gw, placement, users, boundary),
    }
    else if part == 'users' then
      // Materialized once per chunk: see user.shared() for why.
      // Bound once: a field of the gateway is evaluated again at every access.
      local user = gw.user;
      local shared = c.materialize(user.shared(c.materialize(gw.userRefValues(placement))));
      local us = std.parseJson(users);
      [bounded(user.new(us[name].id, name, us[name].spec, shared).resources, boundary) for name in std.objectFields(us)]
    else error 'render: part must be root or users, not ' + part,
}
