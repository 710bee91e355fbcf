// sftpgw build: synthesize the template, validate it (all layers), write it.
// The result carries the config and the templates as synthesized, so package,
// deploy and diff go on from memory (deploy/inputs.ts): the config is read
// once and the files written are a side effect, never read back.
// On any error nothing is written: the last good output stays as it was (an
// operator may still need it, and a build that fails on a typo must not take
// it away), and the build says that it is older than the sources.
import path from 'node:path';
import { loadConfig, type ConfigOptions } from './config/load.js';
import type { ResolvedConfig } from './config/types.js';
import { SftpgwError } from './errors.js';
import { displayPath } from './paths.js';
import { silentReporter } from './reporter.js';
import { synthesize, type SynthesizeDeps } from './synthesize.js';
import type { OutputFormat } from './template/serialize.js';
import type { CfnTemplate } from './template/types.js';
import { lastBuildFiles, writeOutputs, type OutputFile } from './template/write.js';
import type { Directory } from '../../shared/identity/directory.js';
import {
  blocking,
  synthesizedInput,
  validateGateway,
  validationFailed,
  type Finding,
  type LintSettings,
} from './validate/index.js';
import { count } from './plural.js';

export type { OutputFormat };

export interface BuildOptions extends ConfigOptions {
  format?: OutputFormat;
  /** Run cfn-lint with these settings; undefined skips it (--no-lint). */
  lint?: LintSettings;
}

export interface BuildResult {
  outDir: string;
  files: string[];
  stackName: string;
  env?: string;
  users: number;
  resources: number;
  /** Findings that did not stop the build: warnings, informational, waived. */
  findings: Finding[];
  /** Root plus child stacks. */
  stacks: number;
  /** The config the build read (once): the stack flows go on with it. */
  config: ResolvedConfig;
  /** The root template as written to `files[0]`. */
  template: CfnTemplate;
  /** The child templates as written, by absolute path (a root TemplateURL resolved against outDir). */
  children: ReadonlyMap<string, CfnTemplate>;
  /** lambda mode: the directory as written to <outDir>/directory.json (Synthesized.directory). */
  directory?: Directory;
  /** Its exact bytes (what deploy uploads). */
  directoryText?: string;
}

/** The directory's file name beside the template (and its object key in DirectoryBucket). */
export const DIRECTORY_FILE = 'directory.json';

export async function build(opts: BuildOptions, deps: SynthesizeDeps): Promise<BuildResult> {
  const format = opts.format ?? 'json';
  const t0 = performance.now();
  let outDir: string | undefined;
  try {
    const synth = await synthesize({ ...opts, format }, deps);
    const { config, template, users, children } = synth;
    outDir = config.outDir;
    const input = synthesizedInput(synth, format);
    const findings = await validateGateway(input, { lint: opts.lint, reporter: deps.reporter });
    const outputs: OutputFile[] = [
      { name: `template.${format}`, content: input.root.content },
      ...children.map((c, i) => ({ name: c.file, content: input.children[i].content })),
      // The identity function's directory (lambda mode): the bytes deploy
      // uploads. 0600: it holds the users' password hashes.
      ...(synth.directoryText !== undefined
        ? [{ name: DIRECTORY_FILE, content: synth.directoryText, mode: 0o600 }]
        : []),
    ];
    deps.reporter.debug(
      `checked ${count(1 + children.length, 'template')} at ${Math.round(performance.now() - t0)} ms`,
    );
    if (blocking(findings).length > 0) throw validationFailed(findings);
    const files = await writeOutputs(config.outDir, outputs);
    deps.reporter.debug(`written at ${Math.round(performance.now() - t0)} ms`);
    const resources =
      Object.keys(template.Resources).length +
      children.reduce((n, c) => n + Object.keys(c.template.Resources).length, 0);
    return {
      outDir: config.outDir,
      files,
      stackName: config.stackName,
      env: config.env,
      users: users.length,
      resources,
      findings,
      stacks: 1 + children.length,
      config,
      template,
      children: new Map(children.map((c) => [path.join(config.outDir, c.file), c.template])),
      ...(synth.directory && synth.directoryText !== undefined
        ? { directory: synth.directory, directoryText: synth.directoryText }
        : {}),
    };
  } catch (err) {
    if (err instanceof SftpgwError && err.kind !== 'usage') {
      const dir = outDir ?? (await staleDir(opts));
      const kept = dir ? await lastBuildFiles(dir) : [];
      if (dir && kept.length > 0)
        deps.reporter.warn(
          `${displayPath(dir, opts.cwd)} still holds the last good build's ${kept.join(', ')}, left as it was: it does not match the sources`,
        );
    }
    throw err;
  }
}

/** The output folder: the --out flag, else what the config says (when it loads). */
async function staleDir(opts: BuildOptions): Promise<string | undefined> {
  if (opts.outDir) return path.resolve(opts.cwd ?? process.cwd(), opts.outDir);
  return loadConfig(opts, silentReporter).then(
    (c) => c.outDir,
    () => undefined,
  );
}
