// sftpgw init DIR: scaffold a gateway repository.
import { initRepository } from '../engine/init.js';
import { displayPath } from '../engine/paths.js';
import type { CommonFlags } from '../main.js';

export async function run(_flags: CommonFlags, dir: string): Promise<number> {
  const r = initRepository(dir);
  process.stderr.write(`created ${displayPath(r.dir)}: ${r.files.join(', ')}\nnext: cd ${displayPath(r.dir)} && npm install && npx sftpgw build\n`);
  return 0;
}
