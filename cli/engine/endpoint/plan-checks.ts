// What deploy and diff add to a plan that touches the SFTP server's
// addresses: the old and new addresses partners must be told (an endpoint
// change), and the Elastic IP quota (a change that allocates addresses).
// AWS is asked only then, so a plan without Elastic IPs costs no EC2 call.
import type { CloudFormationApi } from '../../adapters/aws/cloudformation.js';
import type { AddressApi } from '../../adapters/aws/ec2.js';
import type { Reporter } from '../reporter.js';
import type { Plan, StackTemplates } from '../deploy/types.js';
import { addressSide, physicalIds, resolveAddresses } from './addresses.js';
import { allocatedBy, checkAddressQuota } from './eip-quota.js';
import { EIP_TYPE, serverEndpoint } from './server-endpoint.js';

export interface AddressCheckDeps {
  cfn: Pick<CloudFormationApi, 'stackResources'>;
  /** EC2 and Service Quotas, created on first use. */
  addresses?: () => Promise<AddressApi>;
  reporter: Reporter;
}

/** Asks AWS; a call that fails is reported and leaves that part out (the plan still stands). */
async function attempt<T>(
  reporter: Reporter,
  what: string,
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    reporter.warn(`${what}: ${(err as Error).message}`);
    return undefined;
  }
}

/** The plan with the partner notice and the Elastic IP quota check, where they apply. */
export async function withAddressChecks(
  plan: Plan,
  deps: AddressCheckDeps,
  stack: { stackName: string; deployed?: StackTemplates; next: StackTemplates },
): Promise<Plan> {
  const allocating = allocatedBy(plan.changes) > 0;
  if (!plan.endpoint && !allocating) return plan;
  const { reporter } = deps;
  const api = deps.addresses
    ? await attempt(reporter, 'cannot reach EC2', deps.addresses)
    : undefined;
  let out = plan;
  if (plan.endpoint && stack.deployed) {
    const resources = physicalIds(await deps.cfn.stackResources(stack.stackName));
    const fresh = new Set(
      plan.changes
        .filter((c) => c.type === EIP_TYPE && (c.action === 'add' || c.replacement))
        .map((c) => c.logicalId),
    );
    // Without EC2 (denied, unreachable) given allocation ids stay unknown; the rest still shows.
    const side = async (which: 'deployed' | 'next') => {
      const resolve = (lookup: AddressApi | undefined) =>
        resolveAddresses(
          serverEndpoint(stack[which]?.root),
          resources,
          lookup,
          which === 'next' ? fresh : undefined,
        );
      const found = await attempt(
        reporter,
        'cannot look up the Elastic IPs (ec2:DescribeAddresses)',
        () => resolve(api),
      );
      return addressSide(found ?? (await resolve(undefined)));
    };
    out = {
      ...out,
      endpoint: {
        ...plan.endpoint,
        notice: { before: await side('deployed'), after: await side('next') },
      },
    };
  }
  if (allocating && api) {
    const quota = await attempt(
      reporter,
      'cannot check the Elastic IP quota (ec2:DescribeAddresses); the deploy may fail at AddressLimitExceeded',
      () => checkAddressQuota(plan.changes, api),
    );
    if (quota) {
      out = { ...out, addressQuota: quota };
      if (quota.source === 'default')
        reporter.warn(
          `Elastic IP quota: neither Service Quotas (servicequotas:GetServiceQuota) nor EC2 (ec2:DescribeAccountAttributes) answered; assuming the default of ${quota.limit}`,
        );
    }
  }
  return out;
}
