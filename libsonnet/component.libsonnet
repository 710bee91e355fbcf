// The shape every resource library returns, and the helpers shared by them.
//
// A component is { resources: { [logicalId]: resource }, outputs?: {...} }
// plus hidden helpers (ref::, arn::, …) so templates never spell a logical
// id as a string twice. Components are plain objects: patch them with `+:`
// or the withX() setters each library provides.
{
  ref(id):: { Ref: id },
  getAtt(id, attr):: { 'Fn::GetAtt': [id, attr] },
  sub(str, vars={}):: if std.length(vars) == 0 then { 'Fn::Sub': str } else { 'Fn::Sub': [str, vars] },

  // Evaluates every field of a plain-data object once. Jsonnet re-evaluates an
  // object field at each access: refs read by 10,000 users would rebuild the
  // gateway components 10,000 times. std.toString manifests natively (fast).
  materialize(o):: std.parseJson(std.toString(o)),

  // Stateful resources are kept when the stack is deleted or the resource replaced.
  retain:: { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' },

  // Apply a mixin to one resource of a component: comp + component.patch('Id', {...}).
  patch(id, mixin):: { resources+: { [id]+: mixin } },

  // IAM principal of the account itself (used by key policies; never a wildcard).
  accountRoot:: $.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root'),

  // The kms:ViaService value of a service in this stack's region and partition
  // (s3.eu-west-1.amazonaws.com; .amazonaws.com.cn in China).
  viaService(service):: $.sub(service + '.${AWS::Region}.${AWS::URLSuffix}'),

  // Merge components into one CloudFormation template. A component may bring
  // template parameters (`parameters`), e.g. the outbound artifact bucket.
  template(description, components, parameters={})::
    local outputs = std.foldl(function(acc, c) acc + std.get(c, 'outputs', {}), components, {});
    local params = std.foldl(function(acc, c) acc + std.get(c, 'parameters', {}), components, parameters);
    {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: description,
      [if std.length(params) > 0 then 'Parameters']: params,
      Resources: std.foldl(function(acc, c) acc + c.resources, components, {}),
      [if std.length(outputs) > 0 then 'Outputs']: outputs,
    },
}
