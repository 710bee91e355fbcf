// What a template says about the SFTP server's endpoint: its type, VPC,
// subnets and Elastic IPs, read from the Transfer server resource. The
// deploy guard (deploy/guard.ts) and `sftpgw info` read the same facts, so
// this is the one place that knows the endpoint's shape. Which resource is
// the server and which Elastic IPs are its addresses, the template says in
// Metadata.sftpgw.ids (server, serverAddresses, addressPrefix: written by
// libsonnet/gateway.libsonnet); docs/endpoint.md.
import { type GatewayIds, gatewayIds, IDS_WITHOUT_METADATA } from '../template/gateway-metadata.js';
import type { CfnResource, CfnTemplate } from '../template/types.js';

export const SERVER_TYPE = 'AWS::Transfer::Server';
export const EIP_TYPE = 'AWS::EC2::EIP';

/** One entry of EndpointDetails.AddressAllocationIds. */
export type AllocationRef =
  /** An Elastic IP the stack allocates (its physical id is its public address). */
  | { logicalId: string }
  /** An existing Elastic IP given by id (addressAllocationIds). */
  | { allocationId: string }
  /** Something else (a parameter, a condition): cannot be resolved from the template alone. */
  | { unresolved: string };

export interface ServerEndpoint {
  /** PUBLIC when the template does not say (CloudFormation's default). */
  type: string;
  vpcId?: unknown;
  subnetIds: unknown[];
  allocations: AllocationRef[];
}

/**
 * The gateway's Transfer server: the one Metadata.sftpgw.ids.server names,
 * else (a template without it: hand-written, or deployed before the ids)
 * the only one the template has.
 */
export function serverResource(template: CfnTemplate | undefined): CfnResource | undefined {
  const id = serverLogicalId(template);
  return id === undefined ? undefined : template?.Resources[id];
}

/** The server's logical id in a template (see serverResource), or undefined. */
export function serverLogicalId(template: CfnTemplate | undefined): string | undefined {
  const resources = template?.Resources ?? {};
  const named = gatewayIds(template).server;
  if (named !== undefined && resources[named]?.Type === SERVER_TYPE) return named;
  const servers = Object.keys(resources).filter((id) => resources[id].Type === SERVER_TYPE);
  return servers.length === 1 ? servers[0] : undefined;
}

function allocationRef(v: unknown): AllocationRef {
  if (typeof v === 'string') return { allocationId: v };
  const o = (v ?? {}) as Record<string, unknown>;
  const getAtt = o['Fn::GetAtt'];
  const target = Array.isArray(getAtt)
    ? getAtt[0]
    : typeof getAtt === 'string'
      ? getAtt.split('.')[0]
      : undefined;
  if (typeof target === 'string') return { logicalId: target };
  return { unresolved: JSON.stringify(v) };
}

/** The endpoint of a Transfer server resource (undefined without one). */
export function endpointOf(server: CfnResource | undefined): ServerEndpoint | undefined {
  if (!server) return undefined;
  const p = server.Properties ?? {};
  const details = (p.EndpointDetails ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  return {
    type: typeof p.EndpointType === 'string' ? p.EndpointType : 'PUBLIC',
    ...(details.VpcId !== undefined ? { vpcId: details.VpcId } : {}),
    subnetIds: list(details.SubnetIds),
    allocations: list(details.AddressAllocationIds).map(allocationRef),
  };
}

export function serverEndpoint(template: CfnTemplate | undefined): ServerEndpoint | undefined {
  return endpointOf(serverResource(template));
}

/** The endpoint properties whose change makes CloudFormation stop the server, change it and start it. */
const OUTAGE_FIELDS = [
  ['EndpointType', (p: Record<string, unknown>) => p.EndpointType ?? 'PUBLIC'],
  ['EndpointDetails.VpcId', (p: Record<string, unknown>) => details(p).VpcId],
  ['EndpointDetails.SubnetIds', (p: Record<string, unknown>) => details(p).SubnetIds],
  [
    'EndpointDetails.AddressAllocationIds',
    (p: Record<string, unknown>) => details(p).AddressAllocationIds,
  ],
] as const;

function details(p: Record<string, unknown>): Record<string, unknown> {
  return (p.EndpointDetails ?? {}) as Record<string, unknown>;
}

/**
 * Why a change of a Transfer server's endpoint takes it offline and changes
 * what partners allow-list, or undefined when it does not. Security groups
 * (EndpointDetails.SecurityGroupIds) are left out: they change without an outage.
 */
export function endpointChangeReason(before: CfnResource, after: CfnResource): string | undefined {
  const a = before.Properties ?? {};
  const b = after.Properties ?? {};
  const changed = OUTAGE_FIELDS.filter(
    ([, get]) => JSON.stringify(get(a) ?? null) !== JSON.stringify(get(b) ?? null),
  ).map(([name]) => name);
  if (changed.length === 0) return undefined;
  return `${changed.join(', ')} ${changed.length === 1 ? 'changes' : 'change'}: CloudFormation stops the server, changes it and starts it again`;
}

/**
 * An Elastic IP of the server: one Metadata.sftpgw.ids.serverAddresses
 * lists, or whose logical id is endpoint.new's addressPrefix and a number
 * (ids.addressPrefix; ServerAddress for a template without the ids, as
 * every sftpgw has named them).
 */
export function isServerAddress(logicalId: string, type: string, ids: GatewayIds = {}): boolean {
  if (type !== EIP_TYPE) return false;
  if (ids.serverAddresses?.includes(logicalId)) return true;
  const prefix = ids.addressPrefix ?? IDS_WITHOUT_METADATA.addressPrefix;
  return logicalId.startsWith(prefix) && /^[0-9]+$/.test(logicalId.slice(prefix.length));
}

/**
 * A server that is not VPC becoming VPC in place: the VPC (when a plain id)
 * and how many security groups the template gives it. CloudFormation's
 * provider sends no SecurityGroupIds to UpdateServer on this switch, so the
 * VPC's default security group is attached too (docs/endpoint.md).
 */
export function vpcSwitchOf(
  before: CfnResource | undefined,
  after: CfnResource | undefined,
): { vpcId?: string; securityGroups: number } | undefined {
  const from = endpointOf(before);
  const to = endpointOf(after);
  if (!from || !to || from.type === 'VPC' || to.type !== 'VPC') return undefined;
  const groups = details(after?.Properties ?? {}).SecurityGroupIds;
  return {
    ...(typeof to.vpcId === 'string' ? { vpcId: to.vpcId } : {}),
    securityGroups: Array.isArray(groups) ? groups.length : 0,
  };
}
