// The server's VPC endpoint (server.endpoint.type: vpc in sftpgw.yaml,
// docs/endpoint.md): fixed public addresses and security groups that admit
// SFTP only from the allowed networks.
//
// settings = { vpcId, subnetIds, addressAllocationIds (null: allocate),
//              securityGroups: [[{ cidr, description }], ...] }
// The engine merges the networks of sftpgw.yaml and of every user file and
// places them into a fixed number of groups (cli/engine/endpoint/allow-list.ts:
// stable placement, within the EC2 quotas); this library only renders them.
//
// Elastic IPs the stack allocates are kept on stack deletion and on
// replacement: partners' firewalls allow-list these addresses, and a stack
// operation must never give them up. Given allocation ids are used as they are.
local c = import 'component.libsonnet';
local tagging = import 'tags.libsonnet';

{
  // Ingress: SFTP (TCP 22) only.
  sshIngress(cidr, description):: {
    IpProtocol: 'tcp',
    FromPort: 22,
    ToPort: 22,
    CidrIp: cidr,
    Description: description,
  },

  // Egress: none. Security groups are stateful, so replies to admitted SSH
  // sessions leave whatever the egress rules say; the endpoint's network
  // interfaces start no connection of their own (Transfer Family reaches S3,
  // CloudWatch Logs and KMS from the service side, not through the VPC).
  // Without SecurityGroupEgress, EC2 would add allow-all egress; this rule
  // matches no packet (ICMP type 252 code 86 to 255.255.255.255), which
  // replaces it: the same rule the AWS CDK writes for allowAllOutbound: false.
  noEgress:: [{
    IpProtocol: 'icmp',
    FromPort: 252,
    ToPort: 86,
    CidrIp: '255.255.255.255/32',
    Description: 'No egress: the endpoint only answers SFTP sessions',
  }],

  new(settings=error 'endpoint.new: settings are required',
      addressPrefix='ServerAddress', groupPrefix='ServerSecurityGroup', tags={}):: {
    local this = self,
    local given = settings.addressAllocationIds,
    // Logical ids: ServerAddress1..3 (one per subnet), ServerSecurityGroup1..N.
    // The prefix of the stack-allocated Elastic IPs' logical ids (Metadata.sftpgw.ids.addressPrefix).
    addressPrefix:: addressPrefix,
    addressIds:: if given == null then [addressPrefix + i for i in std.range(1, std.length(settings.subnetIds))] else [],
    groupIds:: [groupPrefix + i for i in std.range(1, std.length(settings.securityGroups))],
    allocationIds:: if given == null then [c.getAtt(id, 'AllocationId') for id in this.addressIds] else given,
    // EndpointDetails of the Transfer server (server.new(endpoint=...)).
    details:: {
      VpcId: settings.vpcId,
      SubnetIds: settings.subnetIds,
      AddressAllocationIds: this.allocationIds,
      SecurityGroupIds: [c.getAtt(id, 'GroupId') for id in this.groupIds],
    },
    resources: {
      [id]: {
        Type: 'AWS::EC2::EIP',
        Properties: { Domain: 'vpc' },
      } + c.retain + tagging.mixin(tags)
      for id in this.addressIds
    } + {
      [groupPrefix + (i + 1)]: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          // Fixed text: the description of a group cannot change without replacing it.
          GroupDescription: 'sftpgw: SFTP (TCP 22) from the allowed networks, group ' + (i + 1) + ' of ' + std.length(settings.securityGroups),
          VpcId: settings.vpcId,
          [if std.length(settings.securityGroups[i]) > 0 then 'SecurityGroupIngress']:
            [$.sshIngress(r.cidr, r.description) for r in settings.securityGroups[i]],
          SecurityGroupEgress: $.noEgress,
        },
      } + tagging.mixin(tags)
      for i in std.range(0, std.length(settings.securityGroups) - 1)
    },
    outputs: {
      ServerEndpointType: { Description: 'Endpoint type of the server (VPC: fixed addresses, allow-listed networks)', Value: 'VPC' },
      ServerAddressAllocationIds: {
        Description: 'Elastic IP allocation ids of the endpoint, in subnet order (comma-separated)',
        Value: { 'Fn::Join': [',', this.allocationIds] },
      },
    } + (if given != null then {} else {
      ServerAddresses: {
        Description: 'Public IPv4 addresses of the endpoint, in subnet order (comma-separated): what partners allow-list',
        Value: { 'Fn::Join': [',', [c.ref(id) for id in this.addressIds]] },
      },
    }),
  },
}
