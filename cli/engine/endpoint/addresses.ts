// The SFTP server's public addresses, as partners allow-list them: the
// Elastic IPs the stack allocated (their physical ids are their addresses)
// and the ones given by allocation id (looked up in EC2). Used by the deploy
// guard's notice (old and new addresses) and by `sftpgw info`.
import type { AddressApi } from '../../adapters/aws/ec2.js';
import type { StackResource } from '../../adapters/aws/cloudformation.js';
import type { AddressSide } from '../deploy/types.js';
import type { ServerEndpoint } from './server-endpoint.js';

export interface ServerAddress {
  publicIp: string;
  /** Given ones (addressAllocationIds), and stack-allocated ones when EC2 was asked. */
  allocationId?: string;
  /** Stack-allocated ones: ServerAddressN. */
  logicalId?: string;
}

export interface ResolvedAddresses extends Omit<AddressSide, 'addresses'> {
  addresses: ServerAddress[];
}

/** logical id → physical id of the deployed stack's resources. */
export function physicalIds(resources: readonly StackResource[]): Map<string, string> {
  return new Map(
    resources.filter((r) => r.physicalId).map((r) => [r.logicalId, r.physicalId as string]),
  );
}

/**
 * The addresses an endpoint has. `deployed`: physical ids of the stack's
 * resources; `fresh`: logical ids the deploy (re)creates, whose addresses
 * exist only after it. Without EC2 (`lookup`), given allocation ids stay unknown.
 */
export async function resolveAddresses(
  endpoint: ServerEndpoint | undefined,
  deployed: ReadonlyMap<string, string>,
  lookup: AddressApi | undefined,
  fresh: ReadonlySet<string> = new Set(),
): Promise<ResolvedAddresses> {
  const out: ResolvedAddresses = {
    endpointType: endpoint?.type ?? 'unknown',
    addresses: [],
    pending: [],
    unknown: [],
  };
  if (!endpoint) return out;
  const given = endpoint.allocations.flatMap((a) => ('allocationId' in a ? [a.allocationId] : []));
  const found = new Map(
    (given.length > 0 && lookup ? await lookup.describeAddresses(given) : []).map((a) => [
      a.allocationId,
      a.publicIp,
    ]),
  );
  for (const a of endpoint.allocations) {
    if ('logicalId' in a) {
      const ip = deployed.get(a.logicalId);
      if (ip && !fresh.has(a.logicalId))
        out.addresses.push({ publicIp: ip, logicalId: a.logicalId });
      else out.pending.push(a.logicalId);
    } else if ('allocationId' in a) {
      const ip = found.get(a.allocationId);
      if (ip) out.addresses.push({ publicIp: ip, allocationId: a.allocationId });
      else out.unknown.push(lookup ? a.allocationId : `${a.allocationId} (EC2 not asked)`);
    } else out.unknown.push(a.unresolved);
  }
  return out;
}

/** The side of a partner notice: addresses as plain strings. */
export function addressSide(r: ResolvedAddresses): AddressSide {
  return { ...r, addresses: r.addresses.map((a) => a.publicIp) };
}
