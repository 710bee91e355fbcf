// Real SSH keys for tests, made with ssh-keygen (cached per process). Fixture
// files hold placeholders such as {{ed25519}} so no key, and above all no
// private key, is committed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

const cache = new Map<string, KeyPair>();

export function keyPair(spec: string, comment = 'test@sftpgw'): KeyPair {
  const cached = cache.get(spec + comment);
  if (cached) return cached;
  const [type, bits] = spec.split(':');
  const dir = mkdtempSync(path.join(tmpdir(), 'sftpgw-key-'));
  try {
    const file = path.join(dir, 'k');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      type,
      ...(bits ? ['-b', bits] : []),
      '-N',
      '',
      '-C',
      comment,
      '-f',
      file,
    ]);
    const kp = {
      publicKey: readFileSync(file + '.pub', 'utf8').trim(),
      privateKey: readFileSync(file, 'utf8'),
    };
    cache.set(spec + comment, kp);
    return kp;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A public key as `ssh-keygen -e` exports it: an RFC 4716 (SSH2) block, as PuTTYgen also writes. */
export function ssh2PublicKey(publicKey: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sftpgw-key-'));
  try {
    const file = path.join(dir, 'k.pub');
    writeFileSync(file, publicKey + '\n');
    return execFileSync('ssh-keygen', ['-e', '-f', file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Placeholders usable in fixture files. */
export function placeholders(): Record<string, string> {
  return {
    ed25519: keyPair('ed25519').publicKey,
    ed25519_b: keyPair('ed25519', 'other@sftpgw').publicKey,
    rsa2048: keyPair('rsa:2048').publicKey,
    rsa1024: keyPair('rsa:1024').publicKey,
    ecdsa256: keyPair('ecdsa:256').publicKey,
    ecdsa384: keyPair('ecdsa:384').publicKey,
    ecdsa521: keyPair('ecdsa:521').publicKey,
    private_ed25519: keyPair('ed25519').privateKey,
    private_ed25519_escaped: JSON.stringify(keyPair('ed25519').privateKey).slice(1, -1),
    // The key as a YAML block scalar's lines (sftpgw.yaml: `secret: |` then these).
    private_ed25519_yaml_block: keyPair('ed25519')
      .privateKey.trimEnd()
      .split('\n')
      .map((l) => `        ${l}`)
      .join('\n'),
    // One base64 line of the key's body, pasted without its header.
    private_ed25519_body_line: keyPair('ed25519').privateKey.split('\n')[2],
    ssh2_ed25519: ssh2PublicKey(keyPair('ed25519').publicKey),
    // The block pasted one line per array entry, as a jsonnet (JSON) list.
    ssh2_ed25519_lines: JSON.stringify(
      ssh2PublicKey(keyPair('ed25519').publicKey).trimEnd().split('\n'),
    ),
  };
}

export function fillPlaceholders(text: string, values = placeholders()): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => {
    if (!(k in values)) throw new Error(`unknown fixture placeholder ${m}`);
    return values[k];
  });
}

/** The base64 body lines of a private key: none of them may ever be printed. */
export function secretFragments(privateKey: string): string[] {
  return privateKey
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .map((l) => l.trim())
    .filter((l) => l.length >= 16);
}

/** The SHA256 fingerprint of a public key line, as `ssh-keygen -lf` prints it. */
export function sshKeygenFingerprint(publicKeyLine: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sftpgw-fp-'));
  try {
    const file = path.join(dir, 'k.pub');
    writeFileSync(file, publicKeyLine + '\n');
    return execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(' ')[1];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
