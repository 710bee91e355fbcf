// `sftpgw info --output json`: the gateway info with every field present.
// hostKeys, endpointHostName, serverId, … are null until the stack (and its
// server) exists, or when AWS could not be asked; `missing` says which and why.
import type { GatewayInfo } from '../engine/endpoint/info.js';
import {
  array,
  boolean,
  type Complete,
  document,
  integer,
  nullable,
  object,
  orNull,
  string,
} from './schema-kit.js';

export interface InfoDocument
  extends Omit<Complete<GatewayInfo>, 'addresses' | 'hostKeys' | 'addressQuota'> {
  addresses: Array<{ publicIp: string; allocationId: string | null; logicalId: string | null }>;
  hostKeys: Array<{
    type: string;
    family: string;
    fingerprint: string;
    description: string | null;
    hostKeyId: string | null;
    dateImported: string | null;
    active: boolean;
  }> | null;
  addressQuota: { held: number; limit: number; source: string } | null;
}

export function infoDocument(info: GatewayInfo): InfoDocument {
  return {
    stackName: info.stackName,
    region: orNull(info.region),
    stackStatus: orNull(info.stackStatus),
    hostName: orNull(info.hostName),
    serverId: orNull(info.serverId),
    endpointHostName: orNull(info.endpointHostName),
    endpointType: orNull(info.endpointType),
    addresses: info.addresses.map((a) => ({
      publicIp: a.publicIp,
      allocationId: orNull(a.allocationId),
      logicalId: orNull(a.logicalId),
    })),
    hostKeys:
      info.hostKeys?.map((k) => ({
        type: k.type,
        family: k.family,
        fingerprint: k.fingerprint,
        description: orNull(k.description),
        hostKeyId: orNull(k.id),
        dateImported: k.dateImported?.toISOString() ?? null,
        active: k.active,
      })) ?? null,
    serverNetworks: info.serverNetworks,
    users: info.users,
    addressQuota: info.addressQuota ?? null,
    missing: info.missing,
  };
}

const cidrs = (description: string) => array(string(), description);

export const INFO_SCHEMA = document(
  'sftpgw info --output json',
  'What partners connect to and what is not known yet. null: not known (see missing).',
  object({
    stackName: string(),
    region: nullable(string(), 'null when no region is set or found'),
    stackStatus: nullable(string(), 'null: the stack does not exist yet'),
    hostName: nullable(
      string(),
      'what partners connect to: dns.hostname.dns.domain, else endpointHostName',
    ),
    serverId: nullable(string(), 'the Transfer server id (s-…), once deployed'),
    endpointHostName: nullable(string(), '<serverId>.server.transfer.<region>.amazonaws.com'),
    endpointType: nullable(string(), 'PUBLIC or VPC'),
    addresses: array(
      object({
        publicIp: string(),
        allocationId: nullable(string()),
        logicalId: nullable(string(), 'ServerAddressN for Elastic IPs the stack allocated'),
      }),
      'static public addresses (VPC endpoint): what partners allow-list',
    ),
    hostKeys: nullable(
      array(
        object({
          type: string('ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, …'),
          family: string(
            'the key type Transfer Family presents one key of: RSA, ECDSA (every curve) or ED25519',
          ),
          fingerprint: string('SHA256:…'),
          description: nullable(string()),
          hostKeyId: nullable(string('hostkey-…')),
          dateImported: nullable(string('when it was added to the server, ISO 8601 UTC')),
          active: boolean(
            'the one of its family partners see: the oldest by dateImported (a tie: the one listed first)',
          ),
        }),
      ),
      'every host key of the server, in ListHostKeys order; null until the server exists (or when transfer:ListHostKeys was refused)',
    ),
    serverNetworks: cidrs('server.allowedSourceCidrs: admitted for every user'),
    users: array(
      object({
        name: string(),
        allowedSourceCidrs: cidrs("the user file's own networks"),
        admitted: cidrs('its own and the server-level networks'),
      }),
    ),
    addressQuota: nullable(
      object({ held: integer(), limit: integer(), source: string() }),
      'Elastic IPs the account holds in the region against its quota; null when not asked',
    ),
    missing: array(string(), 'what could not be said, and why'),
  }),
);
