// The line of a setting in sftpgw.yaml as the selected environment sees it:
// environments.<env>.<key> when the environment sets it, else the top-level
// key. For findings on what the engine names from a setting (the child stacks
// of users, from userStacks). A nested key is written with dots
// (server.identityProvider.passwords).
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';

export function configFieldLine(file: string, key: string, env?: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const keys = key.split('.');
  for (const at of env ? [['environments', env, ...keys], keys] : [keys]) {
    const node = doc.getIn(at, true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
