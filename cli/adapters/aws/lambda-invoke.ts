// Lambda's synchronous Invoke (IAM action lambda:InvokeFunction): the forward
// switch's check of the staged identity function (cli/engine/identity/smoke.ts).
// The event goes as the payload; a function that threw is flagged by
// FunctionError (X-Amz-Function-Error) with its error as the payload
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). The client
// takes its endpoint from the SDK's variables (AWS_ENDPOINT_URL_LAMBDA,
// AWS_ENDPOINT_URL), so it runs unchanged against moto, whose Invoke our
// launcher implements for Node functions (test/helpers/moto/lambda_node.py).
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { SftpgwError } from '../../engine/errors.js';
import type { FunctionInvoker } from '../../engine/identity/smoke.js';
import { type AwsSettings, lambdaClient } from './clients.js';
import { explainAwsError } from './errors.js';

export async function sdkLambdaInvoker(s: AwsSettings): Promise<FunctionInvoker> {
  const client = await lambdaClient(s);
  return {
    async invoke(functionName, event) {
      let out: InvokeCommandOutput;
      try {
        out = await client.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: 'RequestResponse',
            Payload: Buffer.from(JSON.stringify(event)),
          }),
        );
      } catch (err) {
        // Said as every AWS error is (denied, unreachable, …), plus what it means here.
        const e = explainAwsError(err);
        if (!(e instanceof SftpgwError)) throw e;
        throw new SftpgwError('failed', `could not invoke ${functionName}: ${e.message}`, {
          hint: `${e.hint ?? 'the deploy credentials need lambda:InvokeFunction on the identity function (docs/deploy.md)'}; nothing was switched`,
          cause: err,
        });
      }
      const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
      let payload: unknown = text;
      try {
        payload = text === '' ? null : JSON.parse(text);
      } catch {
        // not JSON: kept as text for the message
      }
      return { payload, ...(out.FunctionError ? { functionError: out.FunctionError } : {}) };
    },
  };
}
