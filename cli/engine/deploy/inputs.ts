// The template package/deploy/diff work on: built from the sources (the whole
// `sftpgw build`, validation included, output written as usual) or read from
// --template (built earlier, e.g. by another CI job, or hand-written).
// Built, it goes on from memory: the config build read (its warnings printed
// once) and the templates it synthesized; the files it wrote are not re-read.
import path from 'node:path';
import { build } from '../build.js';
import { loadConfig, type ConfigOptions } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { displayPath } from '../paths.js';
import type { SynthesizeDeps } from '../synthesize.js';
import { readTemplateFile } from '../template/read.js';
import type { CfnTemplate } from '../template/types.js';
import type { LintSettings } from '../validate/index.js';

export interface TemplateInputOptions extends ConfigOptions {
  templateFile?: string;
  lint?: LintSettings;
}

export interface TemplateInput {
  config: ResolvedConfig;
  template: CfnTemplate;
  /** Folder relative child-template paths resolve against. */
  templateDir: string;
  /** What it came from, for messages. */
  source: string;
  /** Child templates already in memory, by absolute path (a build's); packaging reads the others from disk. */
  built?: ReadonlyMap<string, CfnTemplate>;
}

export async function templateInput(
  opts: TemplateInputOptions,
  deps: SynthesizeDeps,
): Promise<TemplateInput> {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.templateFile) {
    const file = path.resolve(cwd, opts.templateFile);
    const config = await loadConfig(opts, deps.reporter);
    const { template } = await readTemplateFile(file, displayPath(file, cwd));
    return { config, template, templateDir: path.dirname(file), source: displayPath(file, cwd) };
  }
  // The build first: a config with problems is reported with the user files' (synthesize.ts).
  const built = await build({ ...opts, format: 'json' }, deps);
  const file = built.files[0];
  deps.reporter.progress(`built ${displayPath(file, cwd)}`);
  return {
    config: built.config,
    template: built.template,
    templateDir: built.outDir,
    source: displayPath(file, cwd),
    built: built.children,
  };
}
