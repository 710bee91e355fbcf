// sftpgw package: flags → the engine's package flow
// (cli/engine/flows/package-gateway.ts: build or --template, upload the
// handler zip and child templates by content hash, write the packaged
// template) → one summary line.
import { libjsonnet } from '../adapters/jsonnet.js';
import { packageGateway } from '../engine/flows/package-gateway.js';
import { displayPath } from '../engine/paths.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter } from '../output.js';
import { awsFactory, type AwsFlags } from './aws-context.js';
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
  const result = await packageGateway(
    { ...sourceOptions(flags), outDir: flags.out },
    { jsonnet: libjsonnet, reporter, aws: awsFactory(flags, reporter) },
  );
  const sent = result.uploads.filter((u) => u.uploaded);
  const bytes = sent.reduce((n, u) => n + u.bytes, 0);
  process.stderr.write(
    `packaged ${result.source} → ${displayPath(result.file)}: ${count(result.uploads.length, 'artifact')}, ${sent.length} uploaded (${bytes} bytes), ${result.uploads.length - sent.length} already in s3://${result.bucket}\n`,
  );
  return EXIT.ok;
}
