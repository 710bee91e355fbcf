// CloudWatch log groups: retention always set, encrypted with the gateway key.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  // name: a string or { 'Fn::Sub': '...' } without a variable map (the key
  // policy builds the group's ARN from it: the group itself depends on the key).
  new(id=error 'logs.new: id is required',
      name=error 'logs.new: name is required',
      key=error 'logs.new: key is required',
      retentionDays=365, tags={}):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
    local nameText =
      if std.isString(name) then name
      else if std.isObject(name) && std.objectHas(name, 'Fn::Sub') && std.isString(name['Fn::Sub']) then name['Fn::Sub']
      else error 'logs.new: name must be a string or a Fn::Sub string',
    // The encryption context CloudWatch Logs uses with the group's KMS key
    // (no ':*' suffix, unlike the Arn attribute).
    encryptionContextArn:: c.sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:' + nameText),
    resources: {
      [id]: {
        Type: 'AWS::Logs::LogGroup',
        Properties: {
          LogGroupName: name,
          RetentionInDays: retentionDays,
          KmsKeyId: key.arn,
        },
      } + c.retain + tagging.mixin(tags),
    },
  },
}
