// sftpgw info: what a platform team sends a partner — the host name, the
// static addresses, the SSH host-key fingerprints and the networks admitted —
// from the config, the user files and the deployed stack. Physical ids come
// from DescribeStackResources, not Outputs (stacks made through change sets
// have none in moto). Before the stack exists it says what it can and what
// is missing; it never fails for a missing part.
import type { CloudFormationApi } from '../../adapters/aws/cloudformation.js';
import type { AddressApi } from '../../adapters/aws/ec2.js';
import type { TransferApi } from '../../adapters/aws/transfer.js';
import { activeHostKeys, type HostKeyState } from './active-host-keys.js';
import type { Reporter } from '../reporter.js';
import { readTemplateText } from '../template/read.js';
import { physicalIds, resolveAddresses, type ServerAddress } from './addresses.js';
import { DEFAULT_EIP_QUOTA } from './eip-quota.js';
import { SERVER_TYPE, serverEndpoint, serverLogicalId } from './server-endpoint.js';
import {
  gatewayIds,
  type TemplateIdentityProvider,
  identityProviderOf,
} from '../template/gateway-metadata.js';
import {
  type DeployedDirectory,
  type DirectoryStores,
  directoryUrl,
  readDeployedDirectory,
} from '../identity/deployed-directory.js';
import { SftpgwError } from '../errors.js';

export interface InfoRequest {
  stackName: string;
  region?: string;
  /** dns.hostname.dns.domain, when the config names one. */
  vanityHost?: string;
  /** server.allowedSourceCidrs: admitted for every user. */
  serverNetworks: readonly string[];
  users: ReadonlyArray<{ name: string; allowedSourceCidrs: readonly string[] }>;
  /** server.endpoint as configured: what can be said before the stack exists. */
  configured?: { endpointType: 'PUBLIC' | 'VPC'; allocationIds: readonly string[] };
  /** server.identityProvider.type as configured: what is said before the stack exists. */
  configuredIdentityProvider?: 'service-managed' | 'lambda';
}

export interface InfoDeps {
  cfn: Pick<CloudFormationApi, 'describeStack' | 'stackResources' | 'getTemplate'>;
  addresses?: () => Promise<AddressApi>;
  transfer?: () => Promise<TransferApi>;
  /** The directory object's store of a bucket (lambda mode); absent: the directory is not read. */
  directories?: DirectoryStores;
  reporter: Reporter;
}

/** Who answers logins (docs/identity-provider.md). */
export interface IdentityProviderInfo {
  /** As the deployed template's Metadata.sftpgw says; before a deploy, as configured. */
  type: TemplateIdentityProvider;
  /** False before the stack exists: the configured type, not a deployed one. */
  deployed: boolean;
  /** The identity function's name (lambda, staging). */
  functionName?: string;
  /** The deployed directory's current version (lambda, staging), when it could be read. */
  directory?: {
    bucket: string;
    key: string;
    versionId?: string;
    lastModified?: Date;
    bytes: number;
    users: number;
    /** The directory's passwords switch: password logins are answered at all. */
    passwords: boolean;
    /** Users with a password hash (never the hash). */
    usersWithPassword: number;
  };
}

export interface UserNetworks {
  name: string;
  /** The user's own networks (its user file). */
  allowedSourceCidrs: string[];
  /** What the server admits for this user: its own and the server-level networks. */
  admitted: string[];
}

export interface GatewayInfo {
  stackName: string;
  region?: string;
  /** The stack's status; absent when it does not exist. */
  stackStatus?: string;
  /** What partners connect to: the vanity name, else the server's endpoint name. */
  hostName?: string;
  serverId?: string;
  /** <serverId>.server.transfer.<region>.amazonaws.com */
  endpointHostName?: string;
  endpointType?: string;
  addresses: ServerAddress[];
  /** Every host key of the server, in ListHostKeys order, with the active one per type marked. */
  hostKeys?: HostKeyState[];
  serverNetworks: string[];
  users: UserNetworks[];
  /** Elastic IPs the account holds in the region, against its quota. */
  addressQuota?: { held: number; limit: number; source: string };
  /** Who answers logins; absent when neither deployed nor configured is known. */
  identityProvider?: IdentityProviderInfo;
  /**
   * Where `users` came from: the user files (service-managed), or the
   * deployed directory (lambda: what the function answers from).
   */
  usersFrom: 'user-files' | 'directory';
  /** What could not be said, and why. */
  missing: string[];
}

/** Before the first deploy: the configured endpoint, and the addresses of given Elastic IPs. */
async function beforeDeploy(
  req: InfoRequest,
  deps: InfoDeps,
  info: GatewayInfo,
  ask: <T>(what: string, call: () => Promise<T>) => Promise<T | undefined>,
): Promise<GatewayInfo> {
  const configured = req.configured;
  if (!configured) return info;
  info.endpointType = configured.endpointType;
  if (configured.endpointType !== 'VPC') return info;
  if (configured.allocationIds.length === 0) {
    info.missing.push(
      'the Elastic IPs are allocated by the first deploy: their addresses are known after it',
    );
    return info;
  }
  const api = deps.addresses ? await ask('EC2', deps.addresses) : undefined;
  const given = await ask('Elastic IPs (ec2:DescribeAddresses)', () =>
    resolveAddresses(
      {
        type: 'VPC',
        subnetIds: [],
        allocations: configured.allocationIds.map((allocationId) => ({ allocationId })),
      },
      new Map(),
      api,
    ),
  );
  if (given) {
    info.addresses = given.addresses;
    for (const u of given.unknown) info.missing.push(`Elastic IP ${u}: not found in the account`);
  }
  return info;
}

/** A Transfer server's id from its physical id (the server ARN, or the id itself). */
export function serverIdOf(physicalId: string | undefined): string | undefined {
  return physicalId?.match(/\bs-[0-9a-f]{17}$/)?.[0];
}

export async function gatewayInfo(req: InfoRequest, deps: InfoDeps): Promise<GatewayInfo> {
  const missing: string[] = [];
  const serverNetworks = [...new Set(req.serverNetworks)];
  const info: GatewayInfo = {
    stackName: req.stackName,
    ...(req.region ? { region: req.region } : {}),
    ...(req.vanityHost ? { hostName: req.vanityHost } : {}),
    addresses: [],
    serverNetworks,
    users: usersWithNetworks(req.users, serverNetworks),
    usersFrom: 'user-files',
    ...(req.configuredIdentityProvider
      ? { identityProvider: { type: req.configuredIdentityProvider, deployed: false } }
      : {}),
    missing,
  };
  // AWS calls that may be denied: say what is missing instead of failing.
  const ask = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (err) {
      missing.push(`${what}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const stack = await deps.cfn.describeStack(req.stackName);
  if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
    missing.push(
      `stack ${req.stackName} does not exist yet: the server's endpoint name, addresses and host keys come from it (sftpgw deploy)`,
    );
    return beforeDeploy(req, deps, info, ask);
  }
  info.stackStatus = stack.status;
  const resources = await deps.cfn.stackResources(req.stackName);
  const text = await deps.cfn.getTemplate(req.stackName);
  const template =
    text === undefined
      ? undefined
      : readTemplateText(text, `the deployed template of ${req.stackName}`);
  // The server the deployed template names (Metadata.sftpgw.ids.server),
  // else the stack's only Transfer server.
  const serverLogical = serverLogicalId(template);
  const server =
    resources.find((r) => r.logicalId === serverLogical && r.type === SERVER_TYPE) ??
    resources.find((r) => r.type === SERVER_TYPE);
  const serverId = serverIdOf(server?.physicalId);
  await identityProvider(req, deps, info, template, resources);
  const endpoint = serverEndpoint(template);
  if (endpoint) info.endpointType = endpoint.type;
  const api = deps.addresses ? await ask('EC2', deps.addresses) : undefined;
  const addresses = await ask('Elastic IPs (ec2:DescribeAddresses)', () =>
    resolveAddresses(endpoint, physicalIds(resources), api),
  );
  if (addresses) {
    info.addresses = addresses.addresses;
    for (const id of addresses.pending) missing.push(`${id}: not allocated yet (not in the stack)`);
    for (const u of addresses.unknown) missing.push(`Elastic IP ${u}: not found in the account`);
  }
  if (api) {
    const [held, quota] = [
      await ask('Elastic IPs (ec2:DescribeAddresses)', () => api.describeAddresses()),
      await ask('Elastic IP quota', () => api.addressQuota()),
    ];
    if (held)
      info.addressQuota = {
        held: held.length,
        limit: quota?.limit ?? DEFAULT_EIP_QUOTA,
        source: quota?.source ?? 'default',
      };
  }
  if (!serverId) {
    missing.push(
      `the Transfer server is not in stack ${req.stackName} (no physical id for ${serverLogical ?? SERVER_TYPE}): no endpoint name or host keys`,
    );
    return info;
  }
  info.serverId = serverId;
  if (req.region) {
    info.endpointHostName = `${serverId}.server.transfer.${req.region}.amazonaws.com`;
    info.hostName ??= info.endpointHostName;
  } else missing.push('the region is unknown: pass --region for the endpoint host name');
  const transfer = deps.transfer ? await ask('Transfer Family', deps.transfer) : undefined;
  if (transfer) {
    const keys = await ask(`host keys of ${serverId} (transfer:ListHostKeys)`, () =>
      transfer.listHostKeys(serverId),
    );
    if (keys) info.hostKeys = activeHostKeys(keys);
  } else if (!deps.transfer) missing.push('host keys: Transfer Family was not asked');
  return info;
}

function usersWithNetworks(
  users: InfoRequest['users'],
  serverNetworks: readonly string[],
): UserNetworks[] {
  return users.map((u) => ({
    name: u.name,
    allowedSourceCidrs: [...u.allowedSourceCidrs],
    admitted: [...new Set([...u.allowedSourceCidrs, ...serverNetworks])],
  }));
}

/**
 * The identity provider of the deployed stack; in lambda mode the users and
 * their networks come from the deployed directory (what the function
 * answers from), not the user files, which may be ahead of the deploy. A
 * directory that cannot be read is said in `missing`, as any part is.
 */
async function identityProvider(
  req: InfoRequest,
  deps: InfoDeps,
  info: GatewayInfo,
  template: ReturnType<typeof readTemplateText> | undefined,
  resources: ReadonlyArray<{ logicalId: string; type: string; physicalId?: string }>,
): Promise<void> {
  const type = identityProviderOf(template);
  const ip: IdentityProviderInfo = { type, deployed: true };
  info.identityProvider = ip;
  if (type === 'service-managed') return;
  const ids = gatewayIds(template);
  const physical = (id: string, resourceType: string) =>
    resources.find((r) => r.logicalId === id && r.type === resourceType)?.physicalId;
  ip.functionName = physical(ids.identityFunction ?? 'IdentityFunction', 'AWS::Lambda::Function');
  if (!ip.functionName)
    info.missing.push(
      `the identity function is not in stack ${req.stackName} (${ids.identityFunction ?? 'IdentityFunction'}): the last deploy did not finish?`,
    );
  const bucket = physical(ids.directoryBucket ?? 'DirectoryBucket', 'AWS::S3::Bucket');
  if (!bucket) {
    info.missing.push(
      `the directory bucket is not in stack ${req.stackName} (${ids.directoryBucket ?? 'DirectoryBucket'}): no directory to read`,
    );
    return;
  }
  if (!deps.directories) {
    info.missing.push(`the directory ${directoryUrl({ bucket })}: S3 was not asked`);
    return;
  }
  let read: DeployedDirectory;
  try {
    read = await readDeployedDirectory(req.stackName, bucket, await deps.directories(bucket));
  } catch (err) {
    const e = err as Error;
    info.missing.push(
      err instanceof SftpgwError && err.hint ? `${e.message} (${err.hint})` : e.message,
    );
    return;
  }
  const users = Object.entries(read.directory.users);
  ip.directory = {
    bucket: read.bucket,
    key: read.key,
    ...(read.versionId ? { versionId: read.versionId } : {}),
    ...(read.lastModified ? { lastModified: read.lastModified } : {}),
    bytes: read.bytes,
    users: users.length,
    passwords: read.directory.passwords,
    usersWithPassword: users.filter(([, u]) => u.passwordHash !== undefined).length,
  };
  // Staging: the server still answers from its Transfer users; the directory is not in use yet.
  if (type !== 'lambda') return;
  info.usersFrom = 'directory';
  info.users = usersWithNetworks(
    users
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, u]) => ({ name, allowedSourceCidrs: u.cidrs ?? [] })),
    info.serverNetworks,
  );
}
