// The template package/deploy/diff work on: built from the sources (the whole
// `sftpgw build`, validation included, output written as usual) or read from
// --template (built earlier, e.g. by another CI job, or hand-written).
// Built, it goes on from memory: the config build read (its warnings printed
// once) and the templates it synthesized; the files it wrote are not re-read.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DirectoryError,
  parseDirectory,
  type Directory,
} from '../../../shared/identity/directory.js';
import { SftpgwError } from '../errors.js';
import { identityProviderOf } from '../template/gateway-metadata.js';
import { build, DIRECTORY_FILE } from '../build.js';
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
  /**
   * A lambda gateway's directory (server.identityProvider.type: lambda): the
   * build's, or `directory.json` beside a --template. The exact bytes are
   * what the deploy uploads.
   */
  directory?: { directory: Directory; text: string };
}

/** `directory.json` beside a --template of a lambda gateway: required, and checked as the function would. */
async function directoryBeside(
  templateFile: string,
  shown: string,
): Promise<TemplateInput['directory']> {
  const file = path.join(path.dirname(templateFile), DIRECTORY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SftpgwError(
      'usage',
      `${shown} is a lambda gateway's template (Metadata.sftpgw.identityProvider: lambda), but there is no ${DIRECTORY_FILE} beside it`,
      {
        hint: `sftpgw build writes ${DIRECTORY_FILE} next to the template: keep the two together (a CI artifact holds both; the directory holds password hashes: keep it private), or deploy from the sources`,
        cause: err,
      },
    );
  }
  try {
    return { directory: parseDirectory(text), text };
  } catch (err) {
    if (!(err instanceof DirectoryError)) throw err;
    throw new SftpgwError(
      'usage',
      `${path.join(path.dirname(shown), DIRECTORY_FILE)}: ${err.message}`,
      {
        hint: 'build it again with sftpgw build (never edit it by hand)',
      },
    );
  }
}

export async function templateInput(
  opts: TemplateInputOptions,
  deps: SynthesizeDeps,
): Promise<TemplateInput> {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.templateFile) {
    const file = path.resolve(cwd, opts.templateFile);
    const config = await loadConfig(opts, deps.reporter);
    const shown = displayPath(file, cwd);
    const { template } = await readTemplateFile(file, shown);
    const directory =
      identityProviderOf(template) === 'service-managed'
        ? undefined
        : await directoryBeside(file, shown);
    return {
      config,
      template,
      templateDir: path.dirname(file),
      source: shown,
      ...(directory ? { directory } : {}),
    };
  }
  // The build first: a config with problems is reported with the user files' (synthesize.ts).
  const built = await build({ ...opts, format: 'json' }, deps);
  const file = built.files[0];
  deps.reporter.progress(`built ${displayPath(file, cwd)}`);
  const made = built;
  return {
    config: built.config,
    template: built.template,
    templateDir: built.outDir,
    source: displayPath(file, cwd),
    built: built.children,
    ...(made.directory && made.directoryText !== undefined
      ? { directory: { directory: made.directory, text: made.directoryText } }
      : {}),
  };
}
