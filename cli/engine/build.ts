// sftpgw build: synthesize the template and write it. On any error nothing is
// written, and what the previous build wrote to the output folder is removed
// so a stale template cannot be deployed as if it were current.
import { stringify as toYaml } from 'yaml';
import type { ConfigOptions } from './config/load.js';
import { SftpgwError } from './errors.js';
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

/** The output folder even when config loading got far enough to know it, else the --out flag. */
async function staleDir(opts: BuildOptions): Promise<string | undefined> {
  if (opts.outDir) return (await import('node:path')).resolve(opts.cwd ?? process.cwd(), opts.outDir);
  try {
    const { loadConfig } = await import('./config/load.js');
    const { silentReporter } = await import('./reporter.js');
    return (await loadConfig(opts, silentReporter)).outDir;
  } catch {
    return undefined;
  }
}
