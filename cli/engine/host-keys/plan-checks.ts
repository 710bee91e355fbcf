// What deploy and diff add to a plan whose HostKey resources change: the
// active host key of each algorithm before and after (HostKeyFacts), for the
// guard to judge. Before: the server's keys as Transfer Family lists them
// (ListHostKeys). After: those minus the keys of HostKey resources removed or
// replaced, plus the keys the change set imports — newer than every existing
// key, in the order CloudFormation creates them (each HostKey DependsOn the
// one before it in sftpgw.yaml; the logical ids come from the secrets and
// say nothing of the order). A key to import is read from its secret and
// parsed in memory (secret-key.ts). AWS is asked only when HostKey
// resources change.
import type { StackResource } from '../../adapters/aws/cloudformation.js';
import type { TransferApi } from '../../adapters/aws/transfer.js';
import { SftpgwError } from '../errors.js';
import { serverIdOf } from '../endpoint/info.js';
import { serverLogicalId } from '../endpoint/server-endpoint.js';
import type { HostKeyFacts, PlanFacts, PlanHostKey, StackTemplates } from '../deploy/types.js';
import { gatewayIds } from '../template/gateway-metadata.js';
import type { CfnTemplate } from '../template/types.js';
import { activeChanges, type HostKeyEntry } from './active.js';
import { newHostKey, type SecretReader } from './secret-key.js';

export const HOST_KEY_TYPE = 'AWS::Transfer::HostKey';

export interface HostKeyCheckDeps {
  cfn: { stackResources(stackName: string): Promise<StackResource[]> };
  /** Transfer Family (ListHostKeys), made on first use. */
  transfer?: () => Promise<TransferApi>;
  /** Secrets Manager (GetSecretValue), made on first use. */
  secrets?: () => Promise<SecretReader>;
}

/** A host key id from a HostKey resource's physical id (its ARN …:host-key/s-…/hostkey-…, or the id). */
export function hostKeyIdOf(physicalId: string | undefined): string | undefined {
  return physicalId?.split('/').pop() || undefined;
}

const dependsOn = (r: CfnTemplate['Resources'][string] | undefined): string[] => {
  const d = (r as { DependsOn?: unknown } | undefined)?.DependsOn;
  return typeof d === 'string'
    ? [d]
    : Array.isArray(d)
      ? d.filter((x) => typeof x === 'string')
      : [];
};

/**
 * The order CloudFormation creates these HostKey resources in: one after
 * those it depends on (directly or through other HostKeys), else in the
 * order Metadata.sftpgw.ids.hostKeys (config order) lists them, else by id.
 */
export function creationOrder(template: CfnTemplate, logicalIds: readonly string[]): string[] {
  const listed = (gatewayIds(template) as { hostKeys?: unknown }).hostKeys;
  const rank = (id: string) => {
    const i = Array.isArray(listed) ? listed.indexOf(id) : -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0; // a cycle: CloudFormation refuses the template anyway
    seen.add(id);
    const parents = dependsOn(template.Resources[id]).filter(
      (p) => template.Resources[p]?.Type === HOST_KEY_TYPE,
    );
    const d = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => depthOf(p, seen)));
    depth.set(id, d);
    return d;
  };
  return [...logicalIds].sort(
    (a, b) =>
      depthOf(a, new Set()) - depthOf(b, new Set()) ||
      rank(a) - rank(b) ||
      a.localeCompare(b, 'en', { numeric: true }),
  );
}

function shown(k: HostKeyEntry): PlanHostKey {
  return {
    type: k.type,
    fingerprint: k.fingerprint,
    ...(k.id ? { id: k.id } : {}),
    ...(k.logicalId ? { logicalId: k.logicalId } : {}),
    ...(k.secretId ? { secretId: k.secretId } : {}),
  };
}

/** The server's host keys, each with the stack's HostKey resource that holds it. */
export async function serverHostKeys(
  transfer: TransferApi,
  serverId: string,
  resources: readonly StackResource[],
): Promise<HostKeyEntry[]> {
  const byId = new Map(
    resources
      .filter((r) => r.type === HOST_KEY_TYPE)
      .map((r) => [hostKeyIdOf(r.physicalId), r.logicalId] as const),
  );
  const keys = await transfer.listHostKeys(serverId);
  return keys.map((k) => {
    const logicalId = k.id ? byId.get(k.id) : undefined;
    return { ...k, ...(logicalId ? { logicalId } : {}) };
  });
}

/** The plan's facts with the host keys before and after, when HostKey resources change. */
export async function withHostKeyFacts(
  facts: PlanFacts,
  deps: HostKeyCheckDeps,
  stack: { stackName: string; deployed?: StackTemplates; next: StackTemplates },
): Promise<PlanFacts> {
  const touched = facts.changes.filter(
    (c) => c.type === HOST_KEY_TYPE && (c.action !== 'modify' || c.replacement),
  );
  // A creation: nobody has pinned anything yet.
  if (touched.length === 0 || !stack.deployed) return facts;
  const resources = await deps.cfn.stackResources(stack.stackName);
  const serverLogical = serverLogicalId(stack.deployed.root);
  const serverId = serverIdOf(
    resources.find((r) => r.logicalId === serverLogical && r.type === 'AWS::Transfer::Server')
      ?.physicalId,
  );
  // A server the change set creates has no keys anyone pinned.
  if (!serverId) return facts;
  if (!deps.transfer || !deps.secrets)
    throw new SftpgwError(
      'failed',
      'the host-key check has no Transfer Family or Secrets Manager client',
    );
  const transfer = await deps.transfer();
  let before: HostKeyEntry[];
  try {
    before = await serverHostKeys(transfer, serverId, resources);
  } catch (err) {
    throw new SftpgwError(
      'failed',
      `refused: the change to ${stack.stackName} changes the server's host keys, and its keys cannot be listed: ${(err as Error).message}`,
      {
        hint: `nothing was changed. The guard compares the keys partners see before and after: the deploying identity needs transfer:ListHostKeys on the server ${serverId}`,
      },
    );
  }
  const gone = new Set(
    touched.filter((c) => c.action === 'remove' || c.replacement).map((c) => c.logicalId),
  );
  const added = creationOrder(
    stack.next.root,
    touched.filter((c) => c.action === 'add' || c.replacement).map((c) => c.logicalId),
  );
  const secrets = await deps.secrets();
  const imported: HostKeyEntry[] = [];
  for (const id of added) {
    const body = (stack.next.root.Resources[id]?.Properties as Record<string, unknown> | undefined)
      ?.HostKeyBody;
    const key = await newHostKey(id, body, secrets);
    imported.push({ ...key, importedByDeploy: true });
  }
  const after = [
    ...before.filter((k) => k.logicalId === undefined || !gone.has(k.logicalId)),
    ...imported,
  ];
  const hostKeys: HostKeyFacts = {
    serverId,
    algorithms: activeChanges(before, after).map((c) => ({
      algorithm: c.algorithm,
      ...(c.before ? { before: shown(c.before) } : {}),
      ...(c.after ? { after: shown(c.after) } : {}),
    })),
  };
  return { ...facts, hostKeys };
}
