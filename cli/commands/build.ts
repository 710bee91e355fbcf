// sftpgw build: flags -> BuildOptions -> engine build -> one summary line.
import { libjsonnet } from '../adapters/jsonnet.js';
import { build, type OutputFormat } from '../engine/build.js';
import { displayPath } from '../engine/paths.js';
import { consoleReporter } from '../output.js';
import type { CommonFlags } from '../main.js';

export interface BuildFlags extends CommonFlags {
  users?: string;
  out?: string;
  format: OutputFormat;
  lint: boolean;
}

export async function run(flags: BuildFlags): Promise<number> {
  const reporter = consoleReporter(flags);
  const result = await build(
    { configFile: flags.config, env: flags.env, usersDir: flags.users, outDir: flags.out, format: flags.format, lint: flags.lint },
    { jsonnet: libjsonnet, reporter },
  );
  const where = result.files.map((f) => displayPath(f)).join(', ');
  process.stderr.write(`built ${result.stackName}${result.env ? ` (${result.env})` : ''}: ${result.resources} resources, ${result.users} users → ${where}\n`);
  return 0;
}
