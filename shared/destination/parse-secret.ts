// Parses and checks a destination secret. Problems name the field and what to
// do; they never quote a value, since every value here may be secret (a
// private key pasted into FilePattern, a password used as a key name, a
// passphrase inside RemoteDirectory).
import ssh2 from 'ssh2';
import validateSchema from '../generated/destination-validate.js';
import { destinationSchema, type DestinationSecret } from './secret-schema.js';
import { compileFilePattern, type FilePattern } from './file-pattern.js';
import { parseTrustedHostKeys } from '../ssh/host-keys.js';
import type { SftpTarget } from '../sftp/push.js';

/** A checked destination: where and how to connect, plus what the file name must match. */
export interface Destination extends SftpTarget {
  /** FilePattern, matched against the whole file name (RE2). */
  filePattern: FilePattern;
  hostKeyExpires: ReadonlyMap<string, string>;
  /** Values that must never reach a log line or an error. */
  secrets: string[];
}

// A secret with 2,000 unknown keys must not make a 2,000-item message.
const MAX_PROBLEMS = 20;
const MAX_NAMED_KEYS = 5;

export class DestinationError extends Error {
  override name = 'DestinationError';
  /** FilePattern is invalid: no file can be checked against it (a rejection, not a retry). */
  readonly patternInvalid: boolean;
  constructor(
    readonly secretName: string,
    readonly problems: string[],
    /** Values of the malformed secret that must never be shown (see secretValuesOf). */
    readonly secrets: string[] = [],
    patternInvalid = false,
  ) {
    const shown =
      problems.length > MAX_PROBLEMS
        ? [...problems.slice(0, MAX_PROBLEMS), `+${problems.length - MAX_PROBLEMS} more problems`]
        : problems;
    super(
      `destination secret ${secretName} is invalid: ${shown.join('; ')}. Fix it with sftpgw destinations put.`,
    );
    this.patternInvalid = patternInvalid;
  }
}

const FIELDS = Object.keys(destinationSchema.properties);
const SECRET_FIELDS = ['PrivateKey', 'Passphrase', 'Password'];

/** Every string inside a value (an unknown key's value may be a misspelt secret). */
function stringsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object' && depth < 8)
    for (const v of Object.values(value)) stringsIn(v, out, depth + 1);
  return out;
}

// A key name is shown only when it looks like a misspelt field name: anything
// else (a pasted key, a password) stays hidden.
const SHOWABLE_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/**
 * The values of a (possibly malformed) secret that must never be shown: the
 * secret fields when they are strings, everything under an unknown key, and
 * unknown key names that are not shown.
 */
export function secretValuesOf(raw: unknown): string[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (SECRET_FIELDS.includes(k)) stringsIn(v, out);
    else if (!FIELDS.includes(k)) {
      stringsIn(v, out);
      if (!SHOWABLE_KEY.test(k)) out.push(k);
    }
  }
  return out.filter((s) => s !== '');
}

const FIELD_PATTERN_PROBLEMS: Record<string, string> = {
  Host: 'is not a host name or IP address',
  Username: 'contains a control character',
  RemoteDirectory: 'contains a control character (NUL, newline, …)',
};

/** One entry of TrustedHostKeys (its path as ajv reports it, without the leading /). */
const PIN_ENTRY = /^TrustedHostKeys\/\d+$/;
const PIN_FORMS =
  'a pin is a string (key line or SHA256: fingerprint) or { "Key": <that string>, "Expires": "YYYY-MM-DD" }';

/** A problem of one TrustedHostKeys entry, at its exact place (TrustedHostKeys/2/Expires). */
function pinProblem(
  e: NonNullable<typeof validateSchema.errors>[number],
  field: string,
  showable: (k: string) => boolean,
): string {
  if (e.keyword === 'additionalProperties') {
    const k = (e.params as { additionalProperty: string }).additionalProperty;
    return `${field}: unknown key${showable(k) ? ` "${k}"` : ' (not shown)'} (${PIN_FORMS})`;
  }
  if (e.keyword === 'required')
    return `${field}/${(e.params as { missingProperty: string }).missingProperty}: is required (${PIN_FORMS}; without an expiry, pin the plain string)`;
  if (e.keyword === 'pattern' && field.endsWith('/Expires'))
    return `${field}: is not a date; write YYYY-MM-DD, the last UTC day the key is trusted (e.g. 2027-01-31)`;
  if (e.keyword === 'type' && PIN_ENTRY.test(field)) return `${field}: ${PIN_FORMS}`;
  return `${field}: ${e.message ?? 'is invalid'}`;
}

/** ajv's errors as "Field: message" without the offending value. */
function schemaProblems(secrets: readonly string[]): string[] {
  const out: string[] = [];
  const unknown: string[] = [];
  const showable = (k: string) =>
    SHOWABLE_KEY.test(k) && !secrets.some((s) => s.includes(k) || k.includes(s));
  for (const e of validateSchema.errors ?? []) {
    const field = e.instancePath.replace(/^\//, '') || '(secret)';
    if (PIN_ENTRY.test(field) || PIN_ENTRY.test(field.replace(/\/(Key|Expires)$/, ''))) {
      out.push(pinProblem(e, field, showable));
    } else if (e.keyword === 'additionalProperties') {
      unknown.push((e.params as { additionalProperty: string }).additionalProperty);
    } else if (e.keyword === 'required') {
      out.push(`${(e.params as { missingProperty: string }).missingProperty}: is required`);
    } else if (e.keyword === 'anyOf') {
      out.push('PrivateKey or Password: one of them is required');
    } else if (e.keyword === 'pattern') {
      out.push(
        `${field}: ${FIELD_PATTERN_PROBLEMS[field] ?? 'has a character that is not allowed'}`,
      );
    } else {
      out.push(`${field}: ${e.message ?? 'is invalid'}`);
    }
  }
  if (unknown.length > 0) {
    const named = unknown
      .filter(showable)
      .slice(0, MAX_NAMED_KEYS)
      .map((k) => `"${k}"`);
    const hidden = unknown.length - named.length;
    if (hidden > 0)
      named.push(named.length > 0 ? `${hidden} more not shown` : `(${hidden} not shown)`);
    out.push(
      `unknown key${unknown.length === 1 ? '' : 's'} ${named.join(', ')} (allowed: ${FIELDS.join(', ')})`,
    );
  }
  return [...new Set(out)];
}

export function parseDestination(secretName: string, text: string): Destination {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text: never used.
    throw new DestinationError(secretName, ['the secret string is not JSON']);
  }
  const secrets = secretValuesOf(raw);
  if (!validateSchema(raw)) {
    // A FilePattern that is there but not a usable string (too long, not a string) is an invalid pattern too.
    const patternInvalid = (validateSchema.errors ?? []).some(
      (e) => e.instancePath === '/FilePattern',
    );
    throw new DestinationError(secretName, schemaProblems(secrets), secrets, patternInvalid);
  }
  const s = raw as DestinationSecret;
  const problems: string[] = [];

  const { pins, types, expires, problems: keyProblems } = parseTrustedHostKeys(s.TrustedHostKeys);
  problems.push(...keyProblems);

  const compiled = compileFilePattern(s.FilePattern);
  if (!compiled.ok) problems.push(`FilePattern: ${compiled.problem}`);

  if (s.PrivateKey !== undefined) {
    const parsed = ssh2.utils.parseKey(s.PrivateKey, s.Passphrase);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || key === undefined) {
      const encrypted = /encrypted|passphrase/i.test(key instanceof Error ? key.message : '');
      problems.push(
        encrypted
          ? 'PrivateKey: is encrypted and Passphrase is missing or wrong'
          : 'PrivateKey: not an OpenSSH or PEM private key',
      );
    } else if (!key.isPrivateKey()) {
      problems.push(
        "PrivateKey: is a public key; store the client's private key (its public key goes to the remote server)",
      );
    }
  }
  if (problems.length > 0 || !compiled.ok)
    throw new DestinationError(secretName, problems, secrets, !compiled.ok);

  return {
    host: s.Host,
    port: s.Port ?? 22,
    username: s.Username,
    privateKey: s.PrivateKey,
    passphrase: s.Passphrase,
    password: s.Password,
    hostKeyPins: pins,
    hostKeyTypes: types,
    hostKeyExpires: expires,
    remoteDirectory: s.RemoteDirectory,
    overwrite: s.Overwrite ?? 'replace',
    ...(s.MaxConnections !== undefined ? { maxConnections: s.MaxConnections } : {}),
    filePattern: compiled.pattern,
    secrets,
  };
}
