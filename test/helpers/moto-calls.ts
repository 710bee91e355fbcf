// Calls to moto for services whose SDK clients are not among the
// dependencies (KMS, Route 53): their wire protocols by hand. moto checks no
// signature; it picks the service from the credential scope.
import type { Moto } from './servers.js';

const auth = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;

/** A KMS operation (JSON 1.1 protocol); throws on a non-200 answer. */
export async function kmsCall(
  moto: Moto,
  operation: string,
  body: Record<string, unknown>,
): Promise<any> {
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `TrentService.${operation}`,
      authorization: auth('kms'),
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 200)
    throw new Error(`kms:${operation}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Creates a public hosted zone and returns its id (Z…, as the launcher makes moto's ids look like AWS's). */
export async function createHostedZone(moto: Moto, name: string): Promise<string> {
  const res = await fetch(`${moto.endpoint}/2013-04-01/hostedzone`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', authorization: auth('route53') },
    body: `<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>${name}</Name><CallerReference>${name}-${Date.now()}</CallerReference></CreateHostedZoneRequest>`,
  });
  const text = await res.text();
  const id = /<Id>\/hostedzone\/([^<]+)<\/Id>/.exec(text)?.[1];
  if (res.status >= 300 || !id)
    throw new Error(`route53:CreateHostedZone: HTTP ${res.status} ${text}`);
  return id;
}

/** An IAM role Lambda may assume (IAM's query protocol); returns its ARN. moto's Lambda wants the role to exist. */
export async function createLambdaRole(moto: Moto, name: string): Promise<string> {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth('iam') },
    body: new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: name,
      AssumeRolePolicyDocument: trust,
    }).toString(),
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (res.status >= 300 || !arn) throw new Error(`iam:CreateRole: HTTP ${res.status} ${text}`);
  return arn;
}
