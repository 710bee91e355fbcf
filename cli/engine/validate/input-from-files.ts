// The pipeline's input from files: a built or hand-written template
// (validate --template), the child templates its local TemplateURLs name
// beside it, and the config when there is one (shared tags, waivers, region).
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig, type ConfigOptions } from '../config/load.js';
import { findConfig } from '../config/locate.js';
import type { ResolvedConfig } from '../config/types.js';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import { readTemplateFile } from '../template/read.js';
import type { CfnTemplate } from '../template/types.js';
import { fileLocator } from './finding-locator.js';
import type { ChildInput, GatewayInput } from './input.js';

/** A template file and its local child templates; `cwd` resolves the file and shortens the paths shown. */
export async function templateFileInput(
  templateFile: string,
  opts: ConfigOptions,
  reporter: Reporter,
): Promise<GatewayInput> {
  const cwd = opts.cwd ?? process.cwd();
  const file = path.resolve(cwd, templateFile);
  const shown = displayPath(file, cwd);
  const read = await readTemplateFile(file, shown);
  const config = await optionalConfig(opts, reporter);
  return {
    root: {
      template: read.template,
      content: read.text,
      file,
      format: formatOf(file),
      locate: fileLocator(shown, read.lineOf),
    },
    children: await localChildren(read.template, path.dirname(file), cwd),
    config,
  };
}

/** Child templates a template names by a local TemplateURL (built, not yet packaged). */
async function localChildren(
  template: CfnTemplate,
  dir: string,
  cwd: string,
): Promise<ChildInput[]> {
  const out: ChildInput[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const url = (r.Properties as { TemplateURL?: unknown } | undefined)?.TemplateURL;
    if (
      r.Type !== 'AWS::CloudFormation::Stack' ||
      typeof url !== 'string' ||
      /^https?:\/\//.test(url)
    )
      continue;
    const file = path.resolve(dir, url);
    const read = await readTemplateFile(file, displayPath(file, cwd));
    out.push({
      id,
      template: read.template,
      content: read.text,
      format: formatOf(file),
      file,
      locate: fileLocator(displayPath(file, cwd), read.lineOf),
    });
  }
  return out;
}

const formatOf = (file: string) => (file.endsWith('.json') ? 'json' : 'yaml');

/** With --template the config is optional: it adds shared tags, waivers and the region. */
async function optionalConfig(
  opts: ConfigOptions,
  reporter: Reporter,
): Promise<ResolvedConfig | undefined> {
  const cwd = opts.cwd ?? process.cwd();
  const environment = opts.environment ?? process.env;
  // The same search as every command: named, else the nearest sftpgw.yaml (config/locate.ts).
  if (!findConfig({ configFile: opts.configFile, cwd, environment })) {
    reporter.debug(`no ${DEFAULT_CONFIG_FILE}: validating without shared tags or waivers`);
    return undefined;
  }
  return loadConfig(opts, reporter);
}
