// sftpgw init DIR: scaffold a gateway repository.
import { initRepository } from '../engine/init.js';
import { displayPath } from '../engine/paths.js';
import type { CommonFlags } from '../options.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

export async function run(
  flags: CommonFlags & { package?: string; registry?: string },
  dir: string,
): Promise<ExitCode> {
  const r = initRepository(dir, { package: flags.package, registry: flags.registry });
  const where = displayPath(r.dir);
  process.stderr.write(`created ${where}: ${r.files.join(', ')}\n`);
  process.stderr.write(`sftpgw: "${r.source.name}": "${r.source.spec}" in package.json\n`);
  for (const note of r.source.notes) process.stderr.write(`${note}\n`);
  process.stderr.write(
    `next: cd ${where} && npm install && npx sftpgw build, then commit package-lock.json (the pipeline installs from it)\n`,
  );
  return EXIT.ok;
}
