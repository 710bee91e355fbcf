// Shared tags. Every taggable resource gets the gateway's tags through this one
// file, so a tag added in sftpgw.yaml reaches every resource and nothing else
// decides the tag format.
{
  // The tag key the CLI puts on every resource and destination secret, with
  // the stack name as value; the push function may read only secrets that
  // carry it. The CLI spells it in shared/gateway-names.ts (GATEWAY_TAG);
  // test/config/gateway-names.unit.test.ts checks the two agree.
  gatewayTag:: 'sftpgw:gateway',

  // CloudFormation tag list from { key: value }, sorted by key for stable output.
  list(tags):: [{ Key: k, Value: std.toString(tags[k]) } for k in std.objectFields(tags)],

  // S3/IAM/KMS/Logs/Transfer all take Properties.Tags as a list.
  mixin(tags):: if std.length(tags) == 0 then {} else { Properties+: { Tags: $.list(tags) } },
}
