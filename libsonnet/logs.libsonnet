// CloudWatch log groups: retention always set, encrypted with the gateway key.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  new(id=error 'logs.new: id is required',
      name=error 'logs.new: name is required',
      key=error 'logs.new: key is required',
      retentionDays=365, tags={}):: {
    id:: id,
    ref:: c.ref(id),
    arn:: c.getAtt(id, 'Arn'),
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
