// The Elastic IP quota (EC2-VPC Elastic IPs, per region, 5 by default —
// staging and production in one account reach it with three subnets each):
// what the account holds plus what a change set allocates, against the quota
// the account can be asked for. Checked before a change set is executed.
import type { AddressApi } from '../../adapters/aws/ec2.js';
import type { AddressQuotaCheck, PlannedChange } from '../deploy/types.js';
import { EIP_TYPE } from './server-endpoint.js';

/** AWS's default per region, when neither Service Quotas nor EC2 answers. */
export const DEFAULT_EIP_QUOTA = 5;

/**
 * Elastic IPs a change allocates: added ones, and replaced ones (the old one
 * is retained: DeletionPolicy and UpdateReplacePolicy are Retain).
 */
export function allocatedBy(changes: readonly PlannedChange[]): number {
  return changes.filter(
    (c) => c.type === EIP_TYPE && (c.action === 'add' || (c.action === 'modify' && c.replacement)),
  ).length;
}

/** The check, or undefined when the change allocates no Elastic IP (nothing is asked). */
export async function checkAddressQuota(
  changes: readonly PlannedChange[],
  api: AddressApi,
): Promise<AddressQuotaCheck | undefined> {
  const adding = allocatedBy(changes);
  if (adding === 0) return undefined;
  const [held, quota] = await Promise.all([api.describeAddresses(), api.addressQuota()]);
  const limit = quota?.limit ?? DEFAULT_EIP_QUOTA;
  return {
    allocated: held.length,
    adding,
    limit,
    source: quota?.source ?? 'default',
    exceeded: held.length + adding > limit,
  };
}
