// Route 53 CNAME from the vanity host name to the server endpoint.
local c = import 'component.libsonnet';

{
  new(id=error 'record.new: id is required',
      hostname=error 'record.new: hostname is required',
      hostedZoneId=error 'record.new: hostedZoneId is required',
      server=error 'record.new: server is required',
      ttl=300):: {
    id:: id,
    ref:: c.ref(id),
    resources: {
      [id]: {
        Type: 'AWS::Route53::RecordSet',
        Properties: {
          HostedZoneId: hostedZoneId,
          Name: hostname + '.',
          Type: 'CNAME',
          TTL: std.toString(ttl),
          ResourceRecords: [server.endpoint],
        },
      },
    },
    outputs: {
      CustomHostname: { Description: 'Vanity SFTP host name', Value: hostname },
    },
  },
}
