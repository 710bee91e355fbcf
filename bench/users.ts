// Generated gateways for benchmarks: N users, each with its own valid
// ssh-ed25519 key (made with node's crypto: ssh-keygen would take minutes for
// 10,000) in its own users/<name>.libsonnet.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ed25519PublicKey } from '../cli/engine/users/keys.js';

export { ed25519PublicKey };

export function writeUsers(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `partner${String(i).padStart(5, '0')}`;
    names.push(name);
    const readOnly = i % 10 === 0 ? '\n  readOnly: true,' : '';
    writeFileSync(
      path.join(dir, `${name}.libsonnet`),
      `{\n  sshPublicKeys: ['${ed25519PublicKey(`${name}@bench`)}'],\n  homeDirectory: 'partners/${name}',${readOnly}\n}\n`,
    );
  }
  return names;
}
