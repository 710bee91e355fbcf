// The Elastic IP calls of `sftpgw info` and of deploy's address and quota
// checks (endpoint.type: vpc), behind one small interface: the SDK here, a
// real moto server in tests (test/endpoint/endpoint-moto.test.ts), and a fake only
// where moto cannot answer (Service Quotas knows no EC2 quota in moto).
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';

export interface ElasticAddress {
  allocationId: string;
  publicIp: string;
  /** Set while the address is associated (e.g. with the server's network interface). */
  associationId?: string;
}

/** Where the Elastic IP quota came from: said in every message that uses it. */
export type QuotaSource = 'service-quotas' | 'account-attribute';

export interface AddressQuota {
  limit: number;
  source: QuotaSource;
}

/** Service Quotas' code of "EC2-VPC Elastic IPs" (per region). */
export const EIP_QUOTA_CODE = 'L-0263D0A3';

export interface AddressApi {
  /** The account's Elastic IPs in the region; with ids, only those that exist. */
  describeAddresses(allocationIds?: readonly string[]): Promise<ElasticAddress[]>;
  /** The Elastic IP quota the account can be asked for; undefined when nothing answers. */
  addressQuota(): Promise<AddressQuota | undefined>;
}

/** Errors that mean "this source cannot tell", not "the call is broken": the next source is asked. */
function cannotTell(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return /NoSuchResource|AccessDenied|UnauthorizedOperation|NotAuthorized|UnknownOperation|NotImplemented|InvalidAction/i.test(
    `${e.name} ${e.message}`,
  );
}

export function sdkAddresses(
  ec2: EC2Client,
  quotas: ServiceQuotasClient,
  debug: (message: string) => void = () => undefined,
): AddressApi {
  return {
    async describeAddresses(allocationIds) {
      const { DescribeAddressesCommand } = await import('@aws-sdk/client-ec2');
      if (allocationIds && allocationIds.length === 0) return [];
      // A filter, not AllocationIds: an unknown id is left out instead of failing the call.
      const out = await ec2.send(
        new DescribeAddressesCommand(
          allocationIds ? { Filters: [{ Name: 'allocation-id', Values: [...allocationIds] }] } : {},
        ),
      );
      return (out.Addresses ?? [])
        .filter((a) => a.AllocationId && a.PublicIp)
        .map((a) => ({
          allocationId: a.AllocationId!,
          publicIp: a.PublicIp!,
          ...(a.AssociationId ? { associationId: a.AssociationId } : {}),
        }));
    },
    async addressQuota() {
      const { GetServiceQuotaCommand } = await import('@aws-sdk/client-service-quotas');
      try {
        const out = await quotas.send(
          new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: EIP_QUOTA_CODE }),
        );
        const value = out.Quota?.Value;
        if (typeof value === 'number') return { limit: value, source: 'service-quotas' };
      } catch (err) {
        if (!cannotTell(err)) throw err;
        debug(`Service Quotas did not answer ${EIP_QUOTA_CODE}: ${(err as Error).message}`);
      }
      const { DescribeAccountAttributesCommand } = await import('@aws-sdk/client-ec2');
      try {
        // All attributes: the SDK's AttributeNames type lists only two of them.
        const out = await ec2.send(new DescribeAccountAttributesCommand({}));
        const value = Number(
          out.AccountAttributes?.find((a) => a.AttributeName === 'vpc-max-elastic-ips')
            ?.AttributeValues?.[0]?.AttributeValue,
        );
        if (Number.isFinite(value) && value > 0)
          return { limit: value, source: 'account-attribute' };
      } catch (err) {
        if (!cannotTell(err)) throw err;
        debug(`EC2 did not answer vpc-max-elastic-ips: ${(err as Error).message}`);
      }
      return undefined;
    },
  };
}
