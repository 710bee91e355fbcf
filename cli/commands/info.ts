// sftpgw info: flags → the engine's info flow (cli/engine/flows/info.ts:
// config, user files and the deployed stack) → text or JSON.
import { libjsonnet } from '../adapters/jsonnet.js';
import { info } from '../engine/flows/info.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatInfo } from '../info-text.js';
import { infoDocument } from '../output-schemas/info.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter, useColor } from '../output.js';
import { awsFactory } from './aws-context.js';
import { configOptions } from './source-flags.js';

export interface InfoFlags extends CommonFlags {
  region?: string;
  stackName?: string;
  users?: string;
  output?: 'text' | 'json';
}

export async function run(flags: InfoFlags): Promise<ExitCode> {
  const json = flags.output === 'json';
  const reporter = consoleReporter({ ...flags, quiet: json });
  const result = await info(
    { ...configOptions(flags), stackName: flags.stackName },
    { jsonnet: libjsonnet, reporter, aws: awsFactory(flags, reporter) },
  );
  process.stdout.write(
    json
      ? `${JSON.stringify(infoDocument(result), null, 2)}\n`
      : formatInfo(result, useColor(flags)),
  );
  return EXIT.ok;
}
