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
  stringEnum,
} from './schema-kit.js';

export interface InfoDocument
  extends Omit<
    Complete<GatewayInfo>,
    'addresses' | 'hostKeys' | 'addressQuota' | 'identityProvider'
  > {
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
  identityProvider: {
    type: 'service-managed' | 'lambda' | 'staging';
    deployed: boolean;
    functionName: string | null;
    directory: {
      bucket: string;
      key: string;
      versionId: string | null;
      lastModified: string | null;
      bytes: number;
      users: number;
      passwords: boolean;
      usersWithPassword: number;
    } | null;
  } | null;
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
    usersFrom: info.usersFrom,
    addressQuota: info.addressQuota ?? null,
    identityProvider: info.identityProvider
      ? {
          type: info.identityProvider.type,
          deployed: info.identityProvider.deployed,
          functionName: orNull(info.identityProvider.functionName),
          directory: info.identityProvider.directory
            ? {
                ...info.identityProvider.directory,
                versionId: orNull(info.identityProvider.directory.versionId),
                lastModified: info.identityProvider.directory.lastModified?.toISOString() ?? null,
              }
            : null,
        }
      : null,
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
        allowedSourceCidrs: cidrs(
          "the user's own networks: its user file's, or (usersFrom directory) the deployed directory's",
        ),
        admitted: cidrs('its own and the server-level networks'),
      }),
    ),
    usersFrom: stringEnum(
      ['user-files', 'directory'],
      'user-files: the project’s user files; directory: the deployed directory of a lambda gateway (what its identity function answers from)',
    ),
    addressQuota: nullable(
      object({ held: integer(), limit: integer(), source: string() }),
      'Elastic IPs the account holds in the region against its quota; null when not asked',
    ),
    identityProvider: nullable(
      object({
        type: stringEnum(
          ['service-managed', 'lambda', 'staging'],
          'who answers logins: Transfer Family’s users, the identity function, or (staging) the users while the function is being staged (docs/identity-provider.md)',
        ),
        deployed: boolean(
          'true: as the deployed template says; false: the stack does not exist, type is the configured one',
        ),
        functionName: nullable(string(), 'the identity function (lambda, staging)'),
        directory: nullable(
          object({
            bucket: string('the DirectoryBucket'),
            key: string('directory.json'),
            versionId: nullable(string(), 'the current object version'),
            lastModified: nullable(
              string('ISO 8601 UTC'),
              'when the current version was written; null when S3 would not say',
            ),
            bytes: integer('the object’s size'),
            users: integer('users in it'),
            passwords: boolean(
              'password logins are answered at all (server.identityProvider.passwords)',
            ),
            usersWithPassword: integer('users with a password hash (never the hash)'),
          }),
          'the deployed directory (lambda, staging); null in service-managed mode or when it could not be read (see missing)',
        ),
      }),
      'null: the stack does not exist and no type is known',
    ),
    missing: array(string(), 'what could not be said, and why'),
  }),
);
