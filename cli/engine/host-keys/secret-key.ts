// A HostKey resource's key as the guard needs it: its type and fingerprint,
// from the secret its HostKeyBody names as a dynamic reference
// ({{resolve:secretsmanager:NAME:SecretString}}, as libsonnet renders
// server.hostKeys). The secret's value is read, parsed in memory
// (public-key.ts) and dropped; errors name the resource and the secret,
// never its value.
import { SftpgwError } from '../errors.js';
import { HOST_KEY_FORMAT, publicKeyOf } from './public-key.js';

/** Reads a secret's SecretString (Secrets Manager GetSecretValue); undefined when there is no such secret. */
export interface SecretReader {
  value(secretId: string): Promise<string | undefined>;
}

export interface SecretReference {
  secretId: string;
  /** {{resolve:secretsmanager:NAME:SecretString:KEY}}: the SecretString is JSON, the key one of its fields. */
  jsonKey?: string;
}

const PREFIX = '{{resolve:secretsmanager:';

/**
 * The secret a dynamic reference names. A secret id may be an ARN (with
 * colons): it is everything before `:SecretString`. Version stages and ids
 * are not followed (what CloudFormation resolves then is not the current
 * value the guard reads): refused.
 */
export function secretReference(body: string): SecretReference | { problem: string } {
  const text = body.trim();
  if (!text.startsWith(PREFIX) || !text.endsWith('}}'))
    return {
      problem: 'it is not a {{resolve:secretsmanager:NAME:SecretString}} dynamic reference',
    };
  const inner = text.slice(PREFIX.length, -2);
  const at = inner.indexOf(':SecretString');
  const secretId = at < 0 ? inner : inner.slice(0, at);
  const rest = at < 0 ? [] : inner.slice(at + ':SecretString'.length).split(':');
  // rest: ['', jsonKey?, versionStage?, versionId?]
  const [, jsonKey, stage, version] = rest;
  if (secretId === '') return { problem: 'the dynamic reference names no secret' };
  if (stage || version)
    return {
      problem:
        'it names a version stage or version id; sftpgw reads the current value: {{resolve:secretsmanager:NAME:SecretString}}',
    };
  return { secretId, ...(jsonKey ? { jsonKey } : {}) };
}

/** The type and fingerprint of the key a HostKey resource imports. */
export interface NewHostKey {
  logicalId: string;
  secretId: string;
  type: string;
  fingerprint: string;
}

const WHAT_TO_STORE = `store ${HOST_KEY_FORMAT}`;

export async function newHostKey(
  logicalId: string,
  body: unknown,
  secrets: SecretReader,
): Promise<NewHostKey> {
  const fail = (message: string, hint: string) =>
    new SftpgwError('failed', `refused: ${logicalId}: ${message}`, {
      hint: `nothing was changed. ${hint}`,
    });
  if (typeof body !== 'string')
    throw fail(
      'its HostKeyBody is not a string, so the guard cannot tell which key it imports',
      'give it as {{resolve:secretsmanager:NAME:SecretString}} (server.hostKeys in sftpgw.yaml renders that)',
    );
  const ref = secretReference(body);
  if ('problem' in ref)
    throw fail(
      `its HostKeyBody: ${ref.problem}`,
      'put the private key in Secrets Manager and name the secret in server.hostKeys in sftpgw.yaml',
    );
  const { secretId } = ref;
  let text: string | undefined;
  try {
    text = await secrets.value(secretId);
  } catch (err) {
    const e = err as { name?: string; message?: string };
    throw fail(
      `cannot read secret ${secretId} (${e.name ?? 'error'}: ${e.message ?? 'no message'})`,
      `the guard reads the host key to show its fingerprint before CloudFormation imports it: the deploying identity needs secretsmanager:GetSecretValue on ${secretId} (and kms:Decrypt on its KMS key when it has its own)`,
    );
  }
  if (text === undefined)
    throw fail(
      `secret ${secretId} does not exist in this account and region (or holds no SecretString)`,
      `create it: aws secretsmanager create-secret --name ${secretId} --secret-string file://<private key file>; ${WHAT_TO_STORE}`,
    );
  if (ref.jsonKey !== undefined) {
    let field: unknown;
    try {
      field = (JSON.parse(text) as Record<string, unknown>)[ref.jsonKey];
    } catch {
      field = undefined;
    }
    text = undefined;
    if (typeof field !== 'string')
      throw fail(
        `secret ${secretId} is not JSON with a string field ${ref.jsonKey}`,
        `${WHAT_TO_STORE}, or drop the JSON key from the reference`,
      );
    text = field;
  }
  const key = publicKeyOf(text);
  text = undefined;
  if (!key.ok)
    throw fail(
      `secret ${secretId} does not hold a host private key: ${key.problem}`,
      WHAT_TO_STORE,
    );
  return { logicalId, secretId, type: key.type, fingerprint: key.fingerprint };
}
