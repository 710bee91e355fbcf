// Lambda's API for tests, through @aws-sdk/client-lambda against moto; our
// launcher (test/helpers/moto/lambda_node.py) runs Node functions on Invoke
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). moto reads
// the account from the access key: the test credentials.
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  GetFunctionConfigurationCommand,
  type GetFunctionConfigurationCommandOutput,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';

export interface InvokeOptions {
  region?: string;
  /** RequestResponse (default), Event, DryRun. */
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  /** Tail: the last 4 KB of the invocation's log in the answer. */
  logType?: 'Tail' | 'None';
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface InvokeOutput {
  status: number;
  /** The answer parsed as JSON (undefined when empty or not JSON). */
  payload: unknown;
  payloadText: string;
  /** X-Amz-Function-Error: Unhandled when the function threw, exited or timed out. */
  functionError?: string;
  /** The log tail (LogType Tail), decoded. */
  log?: string;
  /** Wall time of the request, ms. */
  ms: number;
}

const DEFAULT_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A Lambda client for the moto server at `endpoint` (one per endpoint, region and key). */
const clients = new Map<string, LambdaClient>();
export function lambdaClient(
  endpoint: string,
  o: { region?: string; credentials?: InvokeOptions['credentials'] } = {},
): LambdaClient {
  const region = o.region ?? 'us-east-1';
  const credentials = o.credentials ?? DEFAULT_CREDENTIALS;
  const id = `${endpoint} ${region} ${credentials.accessKeyId}`;
  let client = clients.get(id);
  if (!client) {
    client = new LambdaClient({ endpoint, region, credentials, maxAttempts: 1 });
    clients.set(id, client);
  }
  return client;
}

/** CreateFunction from a zip in memory. */
export async function createFunction(
  endpoint: string,
  input: Omit<CreateFunctionCommandInput, 'Code'> & { zip: Buffer },
): Promise<void> {
  const { zip, ...rest } = input;
  await lambdaClient(endpoint).send(new CreateFunctionCommand({ ...rest, Code: { ZipFile: zip } }));
}

/** UpdateFunctionCode from a zip in memory. */
export async function updateFunctionCode(
  endpoint: string,
  functionName: string,
  zip: Buffer,
): Promise<void> {
  await lambdaClient(endpoint).send(
    new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip }),
  );
}

/** Invokes a function (name or ARN) with a JSON event and returns Lambda's answer. */
export async function invokeFunction(
  endpoint: string,
  functionName: string,
  event: unknown,
  o: InvokeOptions = {},
): Promise<InvokeOutput> {
  const started = performance.now();
  const out = await lambdaClient(endpoint, o).send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: o.invocationType ?? 'RequestResponse',
      LogType: o.logType ?? 'None',
      Payload: Buffer.from(JSON.stringify(event)),
    }),
  );
  const ms = performance.now() - started;
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  let payload: unknown;
  try {
    payload = text === '' ? undefined : JSON.parse(text);
  } catch {
    payload = undefined;
  }
  return {
    status: out.StatusCode ?? 0,
    payload,
    payloadText: text,
    functionError: out.FunctionError,
    log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined,
    ms,
  };
}

/** The function's configuration (GetFunctionConfiguration): Environment, Timeout, Handler, ... */
export async function functionConfiguration(
  endpoint: string,
  functionName: string,
): Promise<GetFunctionConfigurationCommandOutput> {
  return lambdaClient(endpoint).send(
    new GetFunctionConfigurationCommand({ FunctionName: functionName }),
  );
}
