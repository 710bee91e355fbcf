// Parses and checks a destination secret. Problems name the field and what to
// do; they never quote a value, since every value here may be secret.
import ssh2 from 'ssh2';
import validateSchema from './generated/destination-validate.js';
import type { DestinationSecret } from './destination-schema.js';
import { parseTrustedHostKeys } from './host-keys.js';
import type { SftpTarget } from './sftp-push.js';

/** A checked destination: where and how to connect, plus what the file name must match. */
export interface Destination extends SftpTarget {
  /** FilePattern anchored to the whole file name. */
  filePattern: RegExp;
  /** Values that must never reach a log line. */
  secrets: string[];
}

export class DestinationError extends Error {
  override name = 'DestinationError';
  constructor(readonly secretName: string, readonly problems: string[]) {
    super(`destination secret ${secretName} is invalid: ${problems.join('; ')}. Fix it with sftpgw destinations put.`);
  }
}

/** ajv's errors as "Field: message" without the offending value. */
function schemaProblems(): string[] {
  const out: string[] = [];
  for (const e of validateSchema.errors ?? []) {
    const field = e.instancePath.replace(/^\//, '') || '(secret)';
    if (e.keyword === 'additionalProperties') {
      out.push(`${field === '(secret)' ? '' : field + ': '}unknown key "${(e.params as { additionalProperty: string }).additionalProperty}" (allowed: Host, Port, Username, PrivateKey, Passphrase, Password, TrustedHostKeys, RemoteDirectory, FilePattern, Overwrite)`);
    } else if (e.keyword === 'required') {
      out.push(`${(e.params as { missingProperty: string }).missingProperty}: is required`);
    } else if (e.keyword === 'anyOf') {
      out.push('PrivateKey or Password: one of them is required');
    } else {
      out.push(`${field}: ${e.message ?? 'is invalid'}`);
    }
  }
  return [...new Set(out)];
}

export function parseDestination(secretName: string, text: string): Destination {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DestinationError(secretName, ['the secret string is not JSON']);
  }
  if (!validateSchema(raw)) throw new DestinationError(secretName, schemaProblems());
  const s = raw as DestinationSecret;
  const problems: string[] = [];

  const { pins, types, problems: keyProblems } = parseTrustedHostKeys(s.TrustedHostKeys);
  problems.push(...keyProblems);

  let filePattern: RegExp | undefined;
  try {
    filePattern = new RegExp(`^(?:${s.FilePattern})$`, 'u');
  } catch (e) {
    problems.push(`FilePattern: not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`);
  }

  if (s.PrivateKey !== undefined) {
    const parsed = ssh2.utils.parseKey(s.PrivateKey, s.Passphrase);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || key === undefined) {
      const encrypted = /encrypted|passphrase/i.test(key instanceof Error ? key.message : '');
      problems.push(encrypted
        ? 'PrivateKey: is encrypted and Passphrase is missing or wrong'
        : 'PrivateKey: not an OpenSSH or PEM private key');
    } else if (!key.isPrivateKey()) {
      problems.push('PrivateKey: is a public key; store the client\'s private key (its public key goes to the remote server)');
    }
  }
  if (problems.length > 0 || filePattern === undefined) throw new DestinationError(secretName, problems);

  return {
    host: s.Host,
    port: s.Port ?? 22,
    username: s.Username,
    privateKey: s.PrivateKey,
    passphrase: s.Passphrase,
    password: s.Password,
    hostKeyPins: pins,
    hostKeyTypes: types,
    remoteDirectory: s.RemoteDirectory,
    overwrite: s.Overwrite ?? 'replace',
    filePattern,
    secrets: [s.PrivateKey, s.Passphrase, s.Password].filter((v): v is string => typeof v === 'string' && v.length > 0),
  };
}
