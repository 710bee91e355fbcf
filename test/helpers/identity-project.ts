// The shipped example as a project for the identity-provider deploy tests:
// its hosted zone made in moto, server.identityProvider.type set.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { createHostedZone } from './moto-calls.js';
import { exampleProject } from './project.js';
import type { Moto } from './servers.js';

/** The example project with the hosted zone made in moto, switched to the lambda identity provider (or not). */
export async function exampleOnMoto(
  moto: Moto,
  identity: 'lambda' | 'service-managed',
): Promise<string> {
  const dir = exampleProject();
  const file = path.join(dir, 'sftpgw.yaml');
  const zone = await createHostedZone(moto, 'example.com');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`),
  );
  setIdentityProvider(dir, identity);
  return dir;
}

/** server.identityProvider.type in the project's sftpgw.yaml. */
export function setIdentityProvider(dir: string, type: 'lambda' | 'service-managed'): void {
  const file = path.join(dir, 'sftpgw.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['server', 'identityProvider'], { type });
  writeFileSync(file, doc.toString());
}
