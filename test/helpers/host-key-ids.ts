// The logical ids sftpgw gives the server's host keys, from their secrets:
// libsonnet/host-keys.libsonnet's idOf, evaluated by the real jsonnet (in
// process: no child process, usable in the unit tier). Tests that write
// templates by hand name their HostKey resources as a build would.
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { repoRoot } from './project.js';

/** idOf(secret) for each secret, in order. */
export async function hostKeyIdsOf(secrets: readonly string[]): Promise<string[]> {
  const code = `local hk = import 'host-keys.libsonnet'; [hk.idOf(s) for s in ${JSON.stringify(secrets)}]`;
  const out = await libjsonnet.evaluateSnippet(code, path.join(repoRoot, 'host-key-ids.jsonnet'), {
    jpath: [path.join(repoRoot, 'libsonnet')],
  });
  return JSON.parse(out) as string[];
}
