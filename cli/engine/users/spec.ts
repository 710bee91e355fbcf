// The user file contract (docs/users.md): users/<username>.libsonnet evaluates to
//   { sshPublicKeys: [...], homeDirectory?: string, readOnly?: boolean, tags?: {...},
//     allowedSourceCidrs?: [...],    (the networks admitted for this partner: docs/endpoint.md)
//     passwordHash?: '$scrypt$…' }   (written by `sftpgw users passwd`; used by the custom
//                                      identity provider only: docs/users.md#passwords)
// A key is a public key line, or { key: '<line>', expires: 'YYYY-MM-DD' }
// (docs/keys.md#user-keys-lifetimes-and-expiry).
// This file checks the shape and the username; keys.ts checks the keys.
import { suggestName } from '../suggest.js';
import type { Problem } from '../errors.js';
import { checkNetwork } from '../endpoint/networks.js';
import { calendarDate, dateProblem } from '../clock.js';
import { passwordHashProblem } from '../../../shared/identity/password-hash.js';
import type { IdentityProviderType } from '../config/types.js';

/** One key of a user file: its public key line, and the last UTC day it is valid. */
export interface UserKey {
  line: string;
  /** YYYY-MM-DD: valid through this UTC date, expired from the day after. */
  expires?: string;
}

export interface UserSpec {
  /** The keys as the file gives them, in its order. */
  keys: UserKey[];
  /**
   * The key lines the template gets (what jsonnet receives): the keys not
   * expired on the build's date once the engine applied its clock
   * (users/key-lifetimes.ts); every key before.
   */
  sshPublicKeys: string[];
  homeDirectory: string;
  readOnly: boolean;
  tags: Record<string, string>;
  /** IPv4 networks this user connects from (checked); empty for none. */
  allowedSourceCidrs: string[];
  /**
   * The user's password hash (shared/identity/password-hash.ts), checked; only
   * a custom identity provider uses it, and jsonnet never sees it.
   */
  passwordHash?: string;
}

export const USER_FIELDS = [
  'sshPublicKeys',
  'homeDirectory',
  'readOnly',
  'tags',
  'allowedSourceCidrs',
  'passwordHash',
] as const;
/**
 * Field names that would hold a password in clear: refused with their own
 * message, which never repeats the value (the file is in Git: the password
 * must be changed, not just moved).
 */
export const PLAIN_PASSWORD_FIELD = /^(password|passwd|pass|pwd)$/i;
/** The fields of a key written as an object. */
export const KEY_FIELDS = ['key', 'expires'] as const;
/** Marks a key entry whose shape already has a problem: the key checks (keys.ts) skip it. */
export const SKIP_KEY: unique symbol = Symbol('skip key');
/** Transfer Family: ^[\w][\w@.-]{2,99}$; it also refuses `root`. */
export const USERNAME_PATTERN = /^[\w][\w@.-]{2,99}$/;
export const RESERVED_USERNAMES = new Set(['root']);
/** Transfer Family accepts at most 50 keys per user, and 50 tags per resource. */
export const MAX_KEYS_PER_USER = 50;
export const MAX_TAGS = 50;
/** One folder name of a home directory: no `$` (Fn::Sub), no quotes, no `..`. */
const HOME_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.@=,+-]*$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * What decides whether a user's allowedSourceCidrs are enforced: the
 * server's endpoint type and who answers logins. Either may be unknown (a
 * config with problems, or a command that reads user files without one);
 * then a user's networks are not judged against them.
 */
export interface NetworkEnforcement {
  endpoint?: 'public' | 'vpc';
  identityProvider?: IdentityProviderType;
}

export function usernameProblem(name: string): { message: string; hint: string } | undefined {
  if (RESERVED_USERNAMES.has(name.toLowerCase())) {
    return {
      message: `username "${name}" is reserved by Transfer Family`,
      hint: 'rename the file to another username',
    };
  }
  if (!USERNAME_PATTERN.test(name)) {
    return {
      message: `"${name}" is not a valid Transfer Family username`,
      hint: 'the file name is the username: 3–100 characters, letters, digits and _ first, then also @ . -',
    };
  }
  return undefined;
}

export function suggestField(field: string): string | undefined {
  return suggestName(field, USER_FIELDS);
}

export function homeDirectoryProblem(home: string): string | undefined {
  if (home.length === 0) return 'is empty';
  if (home.startsWith('/'))
    return 'is an absolute path; give a folder inside the gateway bucket, e.g. "partners/acme"';
  if (home.endsWith('/')) return 'ends with "/"; remove the trailing slash';
  if (home.length > 512) return 'is longer than 512 characters';
  for (const seg of home.split('/')) {
    if (seg === '') return 'has an empty folder name ("//")';
    if (seg === '.' || seg === '..')
      return `has a "${seg}" segment: a home directory cannot leave its place in the bucket`;
    if (!HOME_SEGMENT.test(seg))
      return `folder "${seg}" may only hold letters, digits and _ . @ = , + - (and not start with . or -)`;
  }
  return undefined;
}

/**
 * Checks the evaluated value of one user file; returns the normalised spec
 * (defaults filled) or the problems. Key checks are separate (keys.ts) because
 * they are the expensive part and run while the templates evaluate.
 */
export function checkUserShape(
  name: string,
  value: unknown,
  file: string,
  /**
   * The server's endpoint and identity provider, when known: a user's
   * networks are refused on a public endpoint with service-managed users.
   */
  server: NetworkEnforcement = {},
): {
  spec?: UserSpec;
  /** Each entry's key line for the key checks (keys.ts), SKIP_KEY where its form is wrong already. */
  keys?: unknown[];
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const at = (field: string | undefined, message: string, hint?: string) =>
    problems.push({ file, field, message, hint });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    at(
      undefined,
      `must evaluate to an object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
      "write { sshPublicKeys: ['ssh-ed25519 AAAA… user@host'] }",
    );
    return { problems };
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) {
    if (PLAIN_PASSWORD_FIELD.test(k)) {
      at(
        k,
        'holds a password in clear text: a user file keeps only a password hash',
        `remove the field, and treat the password as disclosed (it is in the file's history): set a new one with sftpgw users passwd ${name}, which writes passwordHash`,
      );
    } else if (!(USER_FIELDS as readonly string[]).includes(k)) {
      const s = suggestField(k);
      at(
        k,
        'unknown field',
        s
          ? `did you mean ${s}? (fields: ${USER_FIELDS.join(', ')})`
          : `remove it; the fields are ${USER_FIELDS.join(', ')}`,
      );
    }
  }
  const keys = v.sshPublicKeys;
  if (keys === undefined) {
    at(
      'sshPublicKeys',
      'is missing',
      "add sshPublicKeys: ['ssh-ed25519 AAAA… user@host'] (the user's public key)",
    );
  } else if (!Array.isArray(keys)) {
    at(
      'sshPublicKeys',
      `must be an array of public key lines, not ${typeof keys}`,
      "write sshPublicKeys: ['…'] even for one key",
    );
  } else if (keys.length === 0) {
    at('sshPublicKeys', 'is empty', 'a user needs at least one public key');
  } else if (keys.length > MAX_KEYS_PER_USER) {
    at(
      'sshPublicKeys',
      `has ${keys.length} keys; Transfer Family accepts at most ${MAX_KEYS_PER_USER}`,
    );
  }
  let homeDirectory = name;
  if (v.homeDirectory !== undefined) {
    if (typeof v.homeDirectory !== 'string')
      at('homeDirectory', `must be a string, not ${typeof v.homeDirectory}`);
    else {
      const p = homeDirectoryProblem(v.homeDirectory);
      if (p) at('homeDirectory', p);
      else homeDirectory = v.homeDirectory;
    }
  }
  if (v.readOnly !== undefined && typeof v.readOnly !== 'boolean')
    at('readOnly', `must be true or false, not ${JSON.stringify(v.readOnly)}`);
  const tags: Record<string, string> = {};
  if (v.tags !== undefined) {
    if (v.tags === null || typeof v.tags !== 'object' || Array.isArray(v.tags))
      at('tags', 'must be an object of { key: "value" }');
    else {
      for (const [k, t] of Object.entries(v.tags as Record<string, unknown>)) {
        if (typeof t !== 'string') at(`tags.${k}`, `must be a string, not ${typeof t}`);
        else if (k.length < 1 || k.length > 128 || k.startsWith('aws:') || !TAG_TEXT.test(k))
          at(`tags.${k}`, 'is not a valid tag key (1–128 characters, not starting with aws:)');
        else if (t.length > 256 || !TAG_TEXT.test(t))
          at(
            `tags.${k}`,
            'is not a valid tag value (at most 256 characters of letters, digits, spaces and _ . : / = + - @)',
          );
        else tags[k] = t;
      }
    }
  }
  const allowedSourceCidrs = checkUserNetworks(v.allowedSourceCidrs, server, at);
  let passwordHash: string | undefined;
  if (v.passwordHash !== undefined) {
    // The problem says what is wrong with the text, never the text itself.
    const p = passwordHashProblem(v.passwordHash);
    if (p)
      at(
        'passwordHash',
        p,
        `set it with sftpgw users passwd ${name} (a plain password here is refused; it would be disclosed to everyone who reads the repository)`,
      );
    else passwordHash = v.passwordHash as string;
  }
  const entries = Array.isArray(keys) ? keys.map((k, i) => keyEntry(k, i, at)) : undefined;
  const lines = entries?.map((e) => (e === SKIP_KEY ? SKIP_KEY : e.line));
  // The keys are returned even when other fields are wrong, so every problem
  // of the file is reported in one run.
  if (problems.length > 0 || !entries) return { problems, keys: lines };
  // No problem so far: every entry is a UserKey, its line not yet checked (a
  // line that is no string is a problem of the key checks, which run next).
  const userKeys = (entries as UserKey[]).map((k) =>
    typeof k.line === 'string' ? { ...k, line: k.line.trim() } : k,
  );
  return {
    keys: lines,
    spec: {
      keys: userKeys,
      sshPublicKeys: userKeys.map((k) => k.line),
      homeDirectory,
      readOnly: v.readOnly === true,
      tags,
      allowedSourceCidrs,
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    },
    problems,
  };
}

/**
 * One entry of sshPublicKeys: a key line (checked by keys.ts), or
 * { key: '<line>', expires: 'YYYY-MM-DD' }. Anything else but an object is
 * handed to the key checks as it is (they say what is wrong with it).
 */
function keyEntry(
  value: unknown,
  i: number,
  at: (field: string, message: string, hint?: string) => void,
): UserKey | typeof SKIP_KEY {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { line: value as string };
  const field = `sshPublicKeys[${i}]`;
  const v = value as Record<string, unknown>;
  let ok = true;
  for (const k of Object.keys(v)) {
    if ((KEY_FIELDS as readonly string[]).includes(k)) continue;
    ok = false;
    const s = suggestName(k, KEY_FIELDS);
    at(
      `${field}.${k}`,
      'unknown field of a key',
      s
        ? `did you mean ${s}? (a key is { key: 'ssh-ed25519 AAAA… user@host', expires: 'YYYY-MM-DD' })`
        : `remove it; a key's fields are ${KEY_FIELDS.join(', ')}`,
    );
  }
  if (v.key === undefined) {
    ok = false;
    at(
      `${field}.key`,
      'is missing',
      "a key written as an object holds its public key line: { key: 'ssh-ed25519 AAAA… user@host', expires: 'YYYY-MM-DD' }",
    );
  } else if (typeof v.key !== 'string') {
    ok = false;
    at(
      `${field}.key`,
      `must be a string (an OpenSSH public key line), not ${v.key === null ? 'null' : Array.isArray(v.key) ? 'an array' : typeof v.key}`,
    );
  }
  let expires: string | undefined;
  if (v.expires !== undefined) {
    if (typeof v.expires !== 'string' || !calendarDate(v.expires)) {
      ok = false;
      at(
        `${field}.expires`,
        typeof v.expires === 'string'
          ? dateProblem(v.expires)
          : `must be a UTC date written 'YYYY-MM-DD', not ${v.expires === null ? 'null' : typeof v.expires}`,
        "write the last day the key is valid, e.g. expires: '2027-03-31' (valid through that UTC day, expired from the next); leave expires out for a key without an end",
      );
    } else expires = v.expires;
  }
  // A key line beside a wrong field is still checked: one run reports both.
  if (!ok) return typeof v.key === 'string' ? { line: v.key } : SKIP_KEY;
  return expires !== undefined ? { line: v.key as string, expires } : { line: v.key as string };
}

/** allowedSourceCidrs of a user file: IPv4 networks of this partner only, never the internet. */
/**
 * A user's networks, checked. Who enforces them decides where they may be
 * given: with service-managed users only the endpoint's security group can
 * (it exists only with a VPC endpoint), so on a public endpoint they are
 * refused; with the lambda identity provider the function checks each login's
 * sourceIp against the user's own networks (handler/identity/source-address.ts),
 * whatever the endpoint, so they are accepted on a public one too (a VPC
 * endpoint's security group still admits their union).
 */
function checkUserNetworks(
  value: unknown,
  server: NetworkEnforcement,
  at: (field: string, message: string, hint?: string) => void,
): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    at(
      'allowedSourceCidrs',
      `must be an array of IPv4 networks, not ${value === null ? 'null' : typeof value}`,
      "write allowedSourceCidrs: ['198.51.100.7/32'] even for one network",
    );
    return [];
  }
  if (
    server.endpoint === 'public' &&
    server.identityProvider === 'service-managed' &&
    value.length > 0
  ) {
    at(
      'allowedSourceCidrs',
      'would not be enforced: the server endpoint is public, open to the whole internet',
      'set server.endpoint.type: vpc in sftpgw.yaml (docs/endpoint.md) so only the listed networks are admitted, or remove the list',
    );
    return [];
  }
  const out: string[] = [];
  value.forEach((c, i) => {
    const field = `allowedSourceCidrs[${i}]`;
    const r = checkNetwork(c);
    if ('problem' in r) at(field, r.problem, r.hint);
    else if (r.network.prefix === 0)
      at(
        field,
        `${r.network.cidr} admits the whole internet, for every user of the server`,
        "list the partner's own networks; a server-wide opening belongs in sftpgw.yaml (server.allowedSourceCidrs), where validate reports it",
      );
    else out.push(r.network.cidr);
  });
  return out;
}
