// sftpgw package: build (or --template), upload the handler zip and child
// templates by content hash, write the packaged template.
import path from 'node:path';
import { libjsonnet } from '../adapters/jsonnet.js';
import { templateInput } from '../engine/deploy/inputs.js';
import { packageTemplate } from '../engine/package/package.js';
import { displayPath } from '../engine/paths.js';
import { writeOutputs } from '../engine/template/write.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter } from '../output.js';
import { awsContext, requireStore, type AwsFlags } from './aws-context.js';
import { sourceOptions, type LintFlags } from './source-flags.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { count } from '../engine/plural.js';

export interface PackageFlags extends CommonFlags, LintFlags, AwsFlags {
  template?: string;
  users?: string;
  out?: string;
}

export async function run(flags: PackageFlags): Promise<ExitCode> {
  const reporter = consoleReporter(flags);
  const input = await templateInput(sourceOptions(flags), { jsonnet: libjsonnet, reporter });
  const ctx = await awsContext(flags, input.config, reporter);
  const store = requireStore(ctx, 'package uploads the handler and child templates');
  const result = await packageTemplate(
    input.template,
    { templateDir: input.templateDir, prefix: ctx.prefix },
    store,
    reporter,
  );
  const outDir = path.resolve(flags.out ?? path.join(input.config.outDir, 'packaged'));
  const [file] = await writeOutputs(outDir, [
    { name: 'template.json', content: JSON.stringify(result.template, null, 2) + '\n' },
  ]);
  const sent = result.uploads.filter((u) => u.uploaded);
  const bytes = sent.reduce((n, u) => n + u.bytes, 0);
  process.stderr.write(
    `packaged ${input.source} → ${displayPath(file)}: ${count(result.uploads.length, 'artifact')}, ${sent.length} uploaded (${bytes} bytes), ${result.uploads.length - sent.length} already in s3://${store.bucket}\n`,
  );
  return EXIT.ok;
}
