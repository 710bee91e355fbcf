// sftpgw build: synthesize the template and write it. On any error nothing is
// written, and what the previous build wrote to the output folder is removed
// so a stale template cannot be deployed as if it were current.
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { loadConfig, type ConfigOptions } from './config/load.js';
import { SftpgwError } from './errors.js';
import { silentReporter } from './reporter.js';
import { synthesize, type SynthesizeDeps } from './synthesize.js';
import { removeStaleOutputs, writeOutputs } from './template/write.js';
import type { CfnTemplate } from './template/types.js';

export type OutputFormat = 'json' | 'yaml';

export interface BuildOptions extends ConfigOptions {
  format?: OutputFormat;
  /** Run cfn-lint (the validation issue adds it; accepted now). */
  lint?: boolean;
}

export interface BuildResult {
  outDir: string;
  files: string[];
  stackName: string;
  env?: string;
  users: number;
  resources: number;
}

export function serializeTemplate(template: CfnTemplate, format: OutputFormat): string {
  if (format === 'yaml') return toYaml(template, { lineWidth: 0, aliasDuplicateObjects: false });
  return JSON.stringify(template, null, 2) + '\n';
}

export async function build(opts: BuildOptions, deps: SynthesizeDeps): Promise<BuildResult> {
  const format = opts.format ?? 'json';
  let outDir: string | undefined;
  try {
    const { config, template, users } = await synthesize(opts, deps);
    outDir = config.outDir;
    const files = await writeOutputs(config.outDir, [{ name: `template.${format}`, content: serializeTemplate(template, format) }]);
    return { outDir: config.outDir, files, stackName: config.stackName, env: config.env, users: users.length, resources: Object.keys(template.Resources).length };
  } catch (err) {
    if (err instanceof SftpgwError && err.kind !== 'usage') {
      const dir = outDir ?? (await staleDir(opts));
      if (dir) {
        const removed = await removeStaleOutputs(dir).catch(() => []);
        if (removed.length > 0) deps.reporter.warn(`removed the previous build's ${removed.join(', ')} from ${dir}: it no longer matches the sources`);
      }
    }
    throw err;
  }
}

/** The output folder: the --out flag, else what the config says (when it loads). */
async function staleDir(opts: BuildOptions): Promise<string | undefined> {
  if (opts.outDir) return path.resolve(opts.cwd ?? process.cwd(), opts.outDir);
  return loadConfig(opts, silentReporter).then((c) => c.outDir, () => undefined);
}
