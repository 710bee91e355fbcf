// Checks of SSH public keys as Transfer Family accepts them:
// ssh-rsa (>= 2048 bits), ecdsa-sha2-nistp256/384/521 and ssh-ed25519, one key
// per string, no authorized_keys options, <= 2,048 characters.
//
// A private key pasted by mistake is refused without echoing any part of it:
// messages name the user file and the key's index, never its text.
import { generateKeyPairSync } from 'node:crypto';
import { fingerprint } from '../../../shared/ssh/fingerprint.js';
import { createRequire } from 'node:module';
import type { ParsedKey } from 'ssh2/lib/protocol/keyParser.js';
import { looksLikeSsh2Key, SSH2_BEGIN, SSH2_END, ssh2ToOpenSsh } from './rfc4716.js';
import { SKIP_KEY } from './spec.js';

export const ALLOWED_KEY_TYPES = [
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-ed25519',
] as const;
export const MAX_KEY_LENGTH = 2048;
export const MIN_RSA_BITS = 2048;

const require = createRequire(import.meta.url);
let parser: typeof import('ssh2/lib/protocol/keyParser.js') | undefined;
function parseKey(text: string) {
  parser ??=
    require('ssh2/lib/protocol/keyParser.js') as typeof import('ssh2/lib/protocol/keyParser.js');
  return parser.parseKey(text);
}

const PRIVATE_KEY_MARKERS = [
  /PRIVATE KEY/,
  /PuTTY-User-Key-File/i,
  /^\s*-----BEGIN /,
  /openssh-key-v1/,
];

export type KeyCheck =
  | { ok: true; type: string; fingerprint: string; bits?: number }
  | { ok: false; message: string; hint?: string; secret?: boolean };

/** True when the text looks like private key material (never to be printed). */
export function looksLikePrivateKey(text: string): boolean {
  if (PRIVATE_KEY_MARKERS.some((re) => re.test(text))) return true;
  // An OpenSSH private key blob in base64 starts with "openssh-key-v1".
  return /b3BlbnNzaC1rZXktdjE/.test(text);
}

/** SHA256 fingerprint as `ssh-keygen -lf` prints it (shared with the handler's pinned host keys). */
export { fingerprint };

/** Bits of an ssh-rsa public key blob: string "ssh-rsa", mpint e, mpint n. */
function rsaBits(blob: Buffer): number {
  let off = 0;
  const next = () => {
    const len = blob.readUInt32BE(off);
    const v = blob.subarray(off + 4, off + 4 + len);
    off += 4 + len;
    return v;
  };
  next(); // type
  next(); // e
  let n = next();
  while (n.length > 0 && n[0] === 0) n = n.subarray(1);
  return n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]));
}

export function checkPublicKey(value: unknown): KeyCheck {
  if (typeof value !== 'string') {
    return {
      ok: false,
      message: `must be a string (an OpenSSH public key line), not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    };
  }
  if (looksLikePrivateKey(value)) {
    return {
      ok: false,
      secret: true,
      message: 'is a PRIVATE key (not shown)',
      hint: 'put the public key here (the .pub file, one line starting with ssh-ed25519, ecdsa-sha2-… or ssh-rsa); treat the private key as exposed and have its owner make a new one',
    };
  }
  const text = value.trim();
  if (text.length === 0) return { ok: false, message: 'is empty' };
  if (looksLikeSsh2Key(text)) return ssh2Problem(text.split(/\r?\n/));
  if (/[\r\n]/.test(text)) {
    return {
      ok: false,
      message: 'holds more than one line',
      hint: 'give one key per string: split the lines into separate array entries',
    };
  }
  if (text.length > MAX_KEY_LENGTH) {
    return {
      ok: false,
      message: `is ${text.length} characters long; Transfer Family accepts at most ${MAX_KEY_LENGTH}`,
      hint: 'use an ssh-ed25519 key, or RSA of at most 4096 bits',
    };
  }
  const [type, blob64] = text.split(/\s+/, 2);
  if (!(ALLOWED_KEY_TYPES as readonly string[]).includes(type)) {
    if (
      /^(sk-|ssh-dss|ssh-ed448|rsa-sha2-)/.test(type) ||
      (/^[a-z0-9-]+(@[a-z0-9.-]+)?$/.test(type) && blob64 && /^AAAA/.test(blob64))
    ) {
      return {
        ok: false,
        message: `key type ${type} is not accepted by Transfer Family`,
        hint: `use one of: ${ALLOWED_KEY_TYPES.join(', ')}`,
      };
    }
    return {
      ok: false,
      message: 'starts with authorized_keys options or is not a public key line',
      hint: `Transfer Family takes a bare key: "<type> <base64> [comment]" with type one of ${ALLOWED_KEY_TYPES.join(', ')}; remove options such as from=, command=, no-pty`,
    };
  }
  if (type === 'ssh-ed25519') {
    const blob = canonicalEd25519(text, blob64);
    if (blob) return { ok: true, type, fingerprint: fingerprint(blob) };
  }
  const parsed = parseKey(text);
  if (parsed instanceof Error) {
    return {
      ok: false,
      message: `is not a valid ${type} public key (${parsed.message})`,
      hint: 'copy the whole line from the .pub file again',
    };
  }
  const key = (Array.isArray(parsed) ? parsed[0] : parsed) as ParsedKey;
  if (key.isPrivateKey()) {
    return {
      ok: false,
      secret: true,
      message: 'is a PRIVATE key (not shown)',
      hint: 'put the public key (the .pub file) here instead',
    };
  }
  if (key.type !== type) {
    return {
      ok: false,
      message: `says ${type} but holds a ${key.type} key`,
      hint: 'copy the whole line from the .pub file again',
    };
  }
  const blob = key.getPublicSSH();
  const fp = fingerprint(blob);
  if (type === 'ssh-rsa') {
    const bits = rsaBits(blob);
    if (bits < MIN_RSA_BITS) {
      return {
        ok: false,
        message: `is a ${bits}-bit RSA key (${fp}); at least ${MIN_RSA_BITS} bits are required`,
        hint: 'ask for an ssh-ed25519 key, or RSA of 3072 or 4096 bits',
      };
    }
    return { ok: true, type, fingerprint: fp, bits };
  }
  return { ok: true, type, fingerprint: fp };
}

/** The line form ssh2 accepts for a public key (its OpenSSH_Public.parse). */
const SSH2_PUBLIC_LINE =
  /^(((?:ssh-(?:rsa|dss|ed25519))|ecdsa-sha2-nistp(?:256|384|521))(?:-cert-v0[01]@openssh.com)?) ([A-Z0-9a-z/+=]+)(?:$|\s+([\S].*)?)$/;
/** string "ssh-ed25519" (uint32 length 11, then the name), then uint32 32: the first 19 bytes of every ed25519 blob. */
const ED25519_PREFIX = Buffer.from('0000000b7373682d65643235353139' + '00000020', 'hex');

/**
 * The blob of an ssh-ed25519 line in its one canonical form (the type, 32
 * key bytes, nothing after, base64 as ssh-keygen writes it), or undefined.
 * Why: ssh2's parseKey builds a PEM and an ASN.1 structure for every key,
 * ~50 µs a key, 0.5 s at 10,000 users; the build needs only the blob's
 * fingerprint. A canonical line is one ssh2 accepts, and its blob is the one
 * ssh2 would rebuild, so the fingerprint is the same; any other line is left
 * to ssh2, which gives the errors their messages.
 */
function canonicalEd25519(text: string, blob64: string | undefined): Buffer | undefined {
  if (blob64 === undefined || blob64.length !== 68) return undefined;
  const blob = Buffer.from(blob64, 'base64');
  if (blob.length !== 51 || blob.toString('base64') !== blob64) return undefined;
  if (!blob.subarray(0, 19).equals(ED25519_PREFIX)) return undefined;
  const m = SSH2_PUBLIC_LINE.exec(text);
  if (m === null || m[1] !== 'ssh-ed25519' || m[3] !== blob64) return undefined;
  return blob;
}

/** An RFC 4716 block where an OpenSSH line belongs: one problem, with the line to write instead. */
function ssh2Problem(lines: readonly string[], entries?: number): KeyCheck & { ok: false } {
  const r = ssh2ToOpenSsh(lines);
  const line = r.ok && checkPublicKey(r.line).ok ? r.line : undefined;
  return {
    ok: false,
    message: `is an RFC 4716 (SSH2) public key block${entries ? `, split over ${entries} entries` : ''}, not an OpenSSH key line`,
    hint: `convert it with ssh-keygen -i -f <key file> and put the one line it prints here${line ? `: '${line}'` : ''}`,
  };
}

export interface KeyListProblem {
  /** sshPublicKeys[i] */
  field: string;
  message: string;
  hint?: string;
}

export interface CheckedKey {
  /** Its index in the user file's sshPublicKeys. */
  index: number;
  type: string;
  fingerprint: string;
  comment?: string;
}

/**
 * Every key of one user: problems by field, the good keys, duplicates. The
 * entries are key lines (a key written { key, expires } as its line; spec.ts
 * reads that form), SKIP_KEY where spec.ts found the entry's form wrong. An
 * RFC 4716 block pasted as one entry per line is one problem, not one per line.
 */
export function checkKeyList(keys: readonly unknown[]): {
  problems: KeyListProblem[];
  keys: CheckedKey[];
} {
  const problems: KeyListProblem[] = [];
  const good: CheckedKey[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    // An entry whose form is wrong (spec.ts said so already).
    if (key === SKIP_KEY) continue;
    const field = `sshPublicKeys[${i}]`;
    if (typeof key === 'string' && key.trim() === SSH2_BEGIN) {
      const end = keys.findIndex((k, j) => j > i && typeof k === 'string' && k.trim() === SSH2_END);
      if (end > i && keys.slice(i, end + 1).every((k) => typeof k === 'string')) {
        const { message, hint } = ssh2Problem(keys.slice(i, end + 1) as string[], end - i + 1);
        problems.push({ field, message, hint });
        i = end;
        continue;
      }
    }
    const r = checkPublicKey(key);
    if (!r.ok) problems.push({ field, message: r.message, hint: r.hint });
    else if (seen.has(r.fingerprint))
      problems.push({
        field,
        message: `is the same key as sshPublicKeys[${seen.get(r.fingerprint)}] (${r.fingerprint})`,
        hint: 'remove the duplicate',
      });
    else {
      seen.set(r.fingerprint, i);
      good.push({
        index: i,
        type: r.type,
        fingerprint: r.fingerprint,
        comment: (key as string).trim().split(/\s+/).slice(2).join(' ') || undefined,
      });
    }
  }
  return { problems, keys: good };
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/**
 * A fresh ssh-ed25519 public key line (its private key is discarded): for
 * generated example users and benchmarks (ssh-keygen would take minutes for
 * 10,000).
 */
export function ed25519PublicKey(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}
