// sftpgw doctor's AWS questions: which region the SDK chain gives, and who the
// credentials are (STS GetCallerIdentity: no permission needed,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html),
// asked once with a short timeout rather than retried patiently as the other
// commands' clients are.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsProbe } from '../../engine/doctor/doctor.js';

/** Rejects with a TimeoutError after `ms` (the credential chain itself may wait on a network). */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error(`${what}: no answer within ${ms / 1000} s`), {
            name: 'TimeoutError',
          }),
        ),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function awsProbe(opts: { region?: string; timeoutMs: number }): AwsProbe {
  const sdkRegion = async (): Promise<string | undefined> => {
    try {
      return await new STSClient({}).config.region();
    } catch {
      return undefined;
    }
  };
  let region: Promise<{ name: string; source: string } | undefined> | undefined;
  const resolveRegion = () => {
    region ??= (async () => {
      if (opts.region) return { name: opts.region, source: '--region' };
      const fromChain = await sdkRegion();
      if (fromChain) return { name: fromChain, source: 'the SDK chain: AWS_REGION or the profile' };
      const dflt = process.env.AWS_DEFAULT_REGION;
      return dflt ? { name: dflt, source: 'AWS_DEFAULT_REGION' } : undefined;
    })();
    return region;
  };
  return {
    region: resolveRegion,
    async callerIdentity() {
      // Without a region, STS is asked in us-east-1: the credentials can still be checked.
      const name = (await resolveRegion())?.name ?? 'us-east-1';
      const client = new STSClient({ region: name, maxAttempts: 1 });
      try {
        const out = await withTimeout(
          client.send(new GetCallerIdentityCommand({}), {
            abortSignal: AbortSignal.timeout(opts.timeoutMs),
          }),
          opts.timeoutMs + 1000,
          'STS GetCallerIdentity',
        );
        return {
          account: out.Account ?? '(none)',
          arn: out.Arn ?? '(none)',
          endpoint: process.env.AWS_ENDPOINT_URL_STS ?? process.env.AWS_ENDPOINT_URL,
        };
      } finally {
        client.destroy();
      }
    },
  };
}
