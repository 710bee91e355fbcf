// The flags package, deploy and diff share → the engine's stack options and
// adapters (jsonnet, AWS from the flags, the terminal prompt).
import { libjsonnet } from '../adapters/jsonnet.js';
import type { StackAdapters, StackOptions } from '../engine/flows/stack.js';
import type { Reporter } from '../engine/reporter.js';
import type { CommonFlags } from '../options.js';
import { awsFactory, type AwsFlags } from './aws-context.js';
import { confirm } from './prompt.js';
import { sourceOptions, type LintFlags } from './source-flags.js';

export interface StackFlags extends CommonFlags, LintFlags, AwsFlags {
  template?: string;
  users?: string;
  stackName?: string;
  parameter: string[];
  /** Minutes (checked by commander as it parses: cli/flag-values.ts). */
  waitTimeout: number;
}

export function stackOptions(flags: StackFlags): StackOptions {
  return {
    ...sourceOptions(flags),
    stackName: flags.stackName,
    parameters: flags.parameter,
    waitTimeoutMs: flags.waitTimeout * 60_000,
  };
}

export function stackAdapters(flags: AwsFlags, reporter: Reporter): StackAdapters {
  return { jsonnet: libjsonnet, reporter, aws: awsFactory(flags, reporter), confirm };
}
