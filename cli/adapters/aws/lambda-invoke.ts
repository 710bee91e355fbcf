// Lambda's synchronous Invoke (IAM action lambda:InvokeFunction): the forward
// switch's check of the staged identity function (cli/engine/identity/smoke.ts).
// The project has no @aws-sdk/client-lambda, so this is Invoke as the API
// reference gives it — POST /2015-03-31/functions/{FunctionName}/invocations,
// the event as the body, the function's answer as the response body, a
// function that threw flagged by the X-Amz-Function-Error header
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) — signed
// with Signature Version 4 by the SDK's own signer, with the SDK's credential
// chain and endpoint variables (AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL), so
// it runs unchanged against moto. Swap for InvokeCommand once the package is
// a dependency (then npm run docs:permissions lists the action by itself).
import { createHash, createHmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { SftpgwError } from '../../engine/errors.js';
import type { FunctionInvoker } from '../../engine/identity/smoke.js';

function bytes(data: unknown): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data as ArrayBuffer);
}

/** SHA-256 (an HMAC when given a secret), as the signer's Checksum constructor. */
class Sha256 {
  private readonly hash;
  constructor(secret?: unknown) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: unknown): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('not supported');
  }
}

export function lambdaEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const custom = env.AWS_ENDPOINT_URL_LAMBDA || env.AWS_ENDPOINT_URL;
  if (custom) return new URL(custom);
  return new URL(`https://lambda.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);
}

export function sdkLambdaInvoker(
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): FunctionInvoker {
  const signer = new SignatureV4({
    credentials: defaultProvider(),
    region,
    service: 'lambda',
    sha256: Sha256,
  });
  const base = lambdaEndpoint(region, env);
  return {
    async invoke(functionName, event) {
      const path = `${base.pathname.replace(/\/+$/, '')}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
      const body = JSON.stringify(event);
      const signed = await signer.sign({
        method: 'POST',
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port ? Number(base.port) : undefined,
        path,
        headers: {
          host: base.host,
          'content-type': 'application/json',
          'x-amz-invocation-type': 'RequestResponse',
        },
        body,
      });
      let res: Response;
      try {
        res = await fetch(new URL(path, base), {
          method: 'POST',
          headers: signed.headers as Record<string, string>,
          body,
        });
      } catch (err) {
        throw new SftpgwError(
          'failed',
          `could not reach Lambda at ${base.origin} to invoke ${functionName}`,
          {
            hint: 'check the network, the region and AWS_ENDPOINT_URL; nothing was switched',
            cause: err,
          },
        );
      }
      const text = await res.text();
      if (!res.ok)
        throw new SftpgwError(
          'failed',
          `lambda:InvokeFunction on ${functionName} failed: HTTP ${res.status} ${text.slice(0, 300)}`,
          {
            hint:
              res.status === 403
                ? 'the deploy credentials need lambda:InvokeFunction on the identity function (docs/deploy.md); nothing was switched'
                : 'nothing was switched; look at the function in the Lambda console',
          },
        );
      let payload: unknown = text;
      try {
        payload = text === '' ? null : JSON.parse(text);
      } catch {
        // not JSON: kept as text for the message
      }
      const functionError = res.headers.get('x-amz-function-error') ?? undefined;
      return { payload, ...(functionError ? { functionError } : {}) };
    },
  };
}
