// Lambda's Invoke API for tests (POST /2015-03-31/functions/NAME/invocations,
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), against moto
// through our launcher (test/helpers/moto/lambda_node.py runs Node functions).
// @aws-sdk/client-lambda is not a dependency of this package, so the request
// is made here, signed with Signature Version 4
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
// as the SDK signs it; moto reads the account from the access key.
import { createHash, createHmac } from 'node:crypto';

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

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** Headers for a SigV4-signed request (service lambda). */
export function signedHeaders(
  url: URL,
  method: string,
  body: string,
  headers: Record<string, string>,
  o: { region: string; service: string; accessKeyId: string; secretAccessKey: string },
  now = new Date(),
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const all: Record<string, string> = { ...headers, host: url.host, 'x-amz-date': amzDate };
  const names = Object.keys(all)
    .map((k) => k.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(all).map(([k, v]) => [k.toLowerCase(), v]));
  // Services other than S3 encode each path segment once more for the canonical request.
  const canonicalPath = url.pathname
    .split('/')
    .map((seg) => uriEncode(seg))
    .join('/');
  const canonical = [
    method,
    canonicalPath,
    url.search.slice(1),
    ...names.map((n) => `${n}:${lower[n].trim()}`),
    '',
    names.join(';'),
    sha256(body),
  ].join('\n');
  const scope = `${day}/${o.region}/${o.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = [day, o.region, o.service, 'aws4_request'].reduce<Buffer | string>(
    (k, part) => hmac(k, part),
    `AWS4${o.secretAccessKey}`,
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    ...all,
    authorization: `AWS4-HMAC-SHA256 Credential=${o.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

const DEFAULT_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A signed request to Lambda's REST API; the answer's status, headers and text. */
export async function lambdaRequest(
  endpoint: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body: unknown,
  o: {
    region?: string;
    headers?: Record<string, string>;
    credentials?: InvokeOptions['credentials'];
  } = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const url = new URL(path, endpoint);
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = signedHeaders(
    url,
    method,
    text,
    { 'content-type': 'application/json', ...o.headers },
    {
      region: o.region ?? 'us-east-1',
      service: 'lambda',
      ...(o.credentials ?? DEFAULT_CREDENTIALS),
    },
  );
  const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : text });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A Lambda control-plane call that must succeed: its JSON answer. */
export async function lambdaCall(
  endpoint: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<any> {
  const r = await lambdaRequest(endpoint, method, path, body);
  if (r.status >= 300)
    throw new Error(`lambda ${method} ${path}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
  return r.text === '' ? undefined : JSON.parse(r.text);
}

/** Invokes a function (name or ARN) with a JSON event and returns Lambda's answer. */
export async function invokeFunction(
  endpoint: string,
  functionName: string,
  event: unknown,
  o: InvokeOptions = {},
): Promise<InvokeOutput> {
  const started = performance.now();
  const res = await lambdaRequest(
    endpoint,
    'POST',
    `/2015-03-31/functions/${uriEncode(functionName)}/invocations`,
    event,
    {
      region: o.region,
      credentials: o.credentials,
      headers: {
        'x-amz-invocation-type': o.invocationType ?? 'RequestResponse',
        'x-amz-log-type': o.logType ?? 'None',
      },
    },
  );
  const ms = performance.now() - started;
  if (res.status >= 400)
    throw new Error(`Invoke ${functionName}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  let payload: unknown;
  try {
    payload = res.text === '' ? undefined : JSON.parse(res.text);
  } catch {
    payload = undefined;
  }
  const tail = res.headers.get('x-amz-log-result');
  return {
    status: res.status,
    payload,
    payloadText: res.text,
    functionError: res.headers.get('x-amz-function-error') ?? undefined,
    log: tail ? Buffer.from(tail, 'base64').toString('utf8') : undefined,
    ms,
  };
}

/** The function's configuration (GetFunctionConfiguration): Environment, Timeout, Handler, ... */
export async function functionConfiguration(endpoint: string, functionName: string): Promise<any> {
  return lambdaCall(
    endpoint,
    'GET',
    `/2015-03-31/functions/${uriEncode(functionName)}/configuration`,
  );
}
