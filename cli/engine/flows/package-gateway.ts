// The package flow: build (or --template), upload the handler zip and child
// templates by content hash, write the packaged template.
import path from 'node:path';
import { templateInput, type TemplateInputOptions } from '../deploy/inputs.js';
import { packageTemplate, type Upload } from '../package/package.js';
import type { SynthesizeDeps } from '../synthesize.js';
import { writeOutputs } from '../template/write.js';
import { requireStore, type AwsFactory } from './aws.js';

export interface PackageGatewayOptions extends TemplateInputOptions {
  /** Folder the packaged template is written to (default `<outDir>/packaged`). */
  outDir?: string;
}

export interface PackageGatewayResult {
  /** What the template came from, as shown. */
  source: string;
  /** The packaged template written. */
  file: string;
  bucket: string;
  uploads: Upload[];
}

export async function packageGateway(
  opts: PackageGatewayOptions,
  adapters: SynthesizeDeps & { aws: AwsFactory },
): Promise<PackageGatewayResult> {
  const input = await templateInput(opts, adapters);
  const ctx = await adapters.aws(input.config);
  const store = requireStore(ctx, 'package uploads the handler and child templates');
  const result = await packageTemplate(
    input.template,
    { templateDir: input.templateDir, prefix: ctx.prefix, built: input.built },
    store,
    adapters.reporter,
  );
  const outDir = path.resolve(opts.outDir ?? path.join(input.config.outDir, 'packaged'));
  const [file] = await writeOutputs(outDir, [
    { name: 'template.json', content: JSON.stringify(result.template, null, 2) + '\n' },
  ]);
  return { source: input.source, file, bucket: store.bucket, uploads: result.uploads };
}
