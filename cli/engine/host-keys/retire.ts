// sftpgw host-keys list / retire: the deployed server's host keys, and
// deleting one through the Transfer API (DeleteHostKey) — how an imported
// key becomes active: Transfer Family presents the oldest key of each
// algorithm, and the key it generated for the server is older than any key
// imported later (active.ts). A key the stack holds (a HostKey resource) is
// not deleted here: removing it from server.hostKeys and deploying keeps
// CloudFormation's view true (the deploy guard judges that). Nothing here
// prints.
import type { HostKeyAdminApi, TransferApi } from '../../adapters/aws/transfer.js';
import type { DeployedParts } from '../deployed-parts.js';
import { serverIdOf } from '../endpoint/info.js';
import { SftpgwError } from '../errors.js';
import {
  activeChanges,
  activeKeys,
  algorithmOf,
  byAge,
  type AlgorithmChange,
  type HostKeyEntry,
} from './active.js';
import { HOST_KEY_TYPE, hostKeyIdOf } from './plan-checks.js';

/** A host key of the deployed server, as listed. */
export interface ListedHostKey extends HostKeyEntry {
  algorithm: string;
  /** The oldest of its algorithm: what clients using that algorithm are shown. */
  active: boolean;
}

export interface HostKeyListing {
  stackName: string;
  serverId: string;
  /** By algorithm, then oldest first. */
  keys: ListedHostKey[];
}

/** The deployed server's host keys: each with its algorithm, whether it is active, and the HostKey resource that holds it. */
export async function listHostKeys(
  parts: DeployedParts,
  transfer: TransferApi,
): Promise<HostKeyListing> {
  const serverId = serverIdOf(parts.require('server'));
  if (!serverId)
    throw new SftpgwError(
      'failed',
      `stack ${parts.stackName}: its Transfer server has no server id`,
    );
  const managed = new Map(
    parts.ofType(HOST_KEY_TYPE).map((r) => [hostKeyIdOf(r.physicalId), r.logicalId] as const),
  );
  const keys = (await transfer.listHostKeys(serverId)).map((k): HostKeyEntry => {
    const logicalId = k.id ? managed.get(k.id) : undefined;
    return { ...k, ...(logicalId ? { logicalId } : {}) };
  });
  const active = new Set([...activeKeys(keys).values()]);
  const listed = byAge(keys)
    .map((k) => ({ ...k, algorithm: algorithmOf(k.type), active: active.has(k) }))
    .sort((a, b) => a.algorithm.localeCompare(b.algorithm));
  return { stackName: parts.stackName, serverId, keys: listed };
}

export interface RetirePlan {
  stackName: string;
  serverId: string;
  key: ListedHostKey;
  /** What partners see change, per algorithm ([] when the key is not active). */
  changes: AlgorithmChange[];
}

export interface RetireOptions {
  /** Delete the only key of its algorithm: clients that use only it can no longer connect. */
  allowLastKey?: boolean;
}

/** What deleting the key changes, or why it is refused (an SftpgwError). */
export function planRetire(
  listing: HostKeyListing,
  hostKeyId: string,
  opts: RetireOptions = {},
): RetirePlan {
  const { stackName, serverId, keys } = listing;
  const key = keys.find((k) => k.id === hostKeyId);
  if (!key)
    throw new SftpgwError(
      'failed',
      `server ${serverId} (stack ${stackName}) has no host key ${hostKeyId}`,
      {
        hint: `its keys: ${keys.map((k) => `${k.id} (${k.algorithm}${k.active ? ', active' : ''})`).join(', ') || 'none'}; sftpgw host-keys list shows them`,
      },
    );
  if (key.logicalId)
    throw new SftpgwError(
      'failed',
      `refused: ${hostKeyId} is ${key.logicalId} of stack ${stackName}: the stack manages it`,
      {
        hint: `nothing was changed. Remove its entry from server.hostKeys in sftpgw.yaml and deploy (the deploy guard shows what partners see and asks for --allow-host-key-change when it is active); deleting it here would leave CloudFormation a resource that no longer exists`,
      },
    );
  const same = keys.filter((k) => k.algorithm === key.algorithm);
  if (keys.length === 1)
    throw new SftpgwError('failed', `refused: ${hostKeyId} is the server's only host key`, {
      hint: 'nothing was changed. A server needs a host key: add another (server.hostKeys in sftpgw.yaml, then deploy) before retiring this one',
    });
  if (same.length === 1 && !opts.allowLastKey)
    throw new SftpgwError(
      'failed',
      `refused: ${hostKeyId} is the server's only ${key.algorithm} key: clients that connect only with ${key.algorithm} could no longer connect, and those that prefer it would be shown another algorithm's key`,
      {
        hint: `nothing was changed. Import another ${key.algorithm} key first (server.hostKeys in sftpgw.yaml, then deploy), or, if no partner uses ${key.algorithm}, pass --allow-last-key`,
      },
    );
  return {
    stackName,
    serverId,
    key,
    changes: activeChanges(
      keys,
      keys.filter((k) => k !== key),
    ),
  };
}

/** Deletes the key (DeleteHostKey) and lists the keys after. */
export async function retire(
  plan: RetirePlan,
  parts: DeployedParts,
  transfer: HostKeyAdminApi,
): Promise<HostKeyListing> {
  await transfer.deleteHostKey(plan.serverId, plan.key.id!);
  return listHostKeys(parts, transfer);
}
