// The public half of a host key's private key, worked out in memory: its type
// and SHA256 fingerprint, nothing else. The private key text is never kept,
// returned, printed or put in an error: a problem says what is wrong with it
// in words only. ssh2's key parser (what ssh2.utils.parseKey is) reads
// OpenSSH ("-----BEGIN OPENSSH PRIVATE KEY-----") and PEM (PKCS#1 RSA, SEC1
// EC) private keys; loaded on its own, as cli/engine/users/keys.ts does.
import { createRequire } from 'node:module';
import { fingerprint } from '../../../shared/ssh/fingerprint.js';

const require = createRequire(import.meta.url);
let parser: typeof import('ssh2/lib/protocol/keyParser.js') | undefined;

export type PublicKeyOf =
  | { ok: true; type: string; fingerprint: string }
  | { ok: false; problem: string };

/** What Transfer Family imports: RSA, ECDSA and ED25519 private keys, without a passphrase. */
export const HOST_KEY_FORMAT =
  'an unencrypted RSA, ECDSA or ED25519 private key in OpenSSH or PEM form, as the SecretString itself (ssh-keygen -t ed25519 -N "" -f key, then the file key)';

export function publicKeyOf(privateKeyText: string): PublicKeyOf {
  parser ??=
    require('ssh2/lib/protocol/keyParser.js') as typeof import('ssh2/lib/protocol/keyParser.js');
  if (/ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(privateKeyText))
    return { ok: false, problem: 'it is encrypted with a passphrase' };
  let parsed: ReturnType<typeof parser.parseKey>;
  try {
    parsed = parser.parseKey(privateKeyText.trim());
  } catch {
    // The parser's own message may quote what it read: not passed on.
    return { ok: false, problem: 'it is not a private key ssh2 can read' };
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error)
    return {
      ok: false,
      problem: /passphrase|encrypted/i.test(key instanceof Error ? key.message : '')
        ? 'it is encrypted with a passphrase'
        : 'it is not a private key ssh2 can read',
    };
  if (!key.isPrivateKey()) return { ok: false, problem: 'it is a public key, not a private key' };
  if (!/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521))$/.test(key.type))
    return { ok: false, problem: `its type ${key.type} is not one Transfer Family imports` };
  return { ok: true, type: key.type, fingerprint: fingerprint(key.getPublicSSH()) };
}
