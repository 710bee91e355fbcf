// Generated gateways for benchmarks: N users, each with its own valid
// ssh-ed25519 key (made with node's crypto: ssh-keygen would take minutes for
// 10,000) in its own users/<name>.libsonnet.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

export function ed25519PublicKey(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

export function writeUsers(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `partner${String(i).padStart(5, '0')}`;
    names.push(name);
    const readOnly = i % 10 === 0 ? '\n  readOnly: true,' : '';
    writeFileSync(path.join(dir, `${name}.libsonnet`), `{\n  sshPublicKeys: ['${ed25519PublicKey(`${name}@bench`)}'],\n  homeDirectory: 'partners/${name}',${readOnly}\n}\n`);
  }
  return names;
}
