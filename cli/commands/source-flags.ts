// The flags that say where a command's template comes from (config, env,
// users folder, --template, --no-lint/--lint-timeout) → the engine's options,
// written once for build, validate, package, deploy and diff.
import { cfnLint } from '../adapters/cfn-lint.js';
import type { ConfigOptions } from '../engine/config/load.js';
import { pinnedCfnLint } from '../engine/validate/lint-version.js';
import type { LintSettings } from '../engine/validate/index.js';
import type { ClockFlags, CommonFlags } from '../options.js';

export interface LintFlags {
  lint: boolean;
  /** Seconds (checked by commander as it parses: cli/flag-values.ts). */
  lintTimeout: number;
  debug?: boolean;
}

export function lintSettings(flags: LintFlags): LintSettings | undefined {
  if (!flags.lint) return undefined;
  return {
    linter: cfnLint(),
    timeoutMs: flags.lintTimeout * 1000,
    reportVersion: flags.debug,
    pinnedVersion: pinnedCfnLint(),
  };
}

/** --config, --env, --users and --today (where a command has it) as the engine's config options. */
export function configOptions(flags: CommonFlags & ClockFlags & { users?: string }): ConfigOptions {
  return { configFile: flags.config, env: flags.env, usersDir: flags.users, today: flags.today };
}

/** The template from the sources, or from --template, checked with these lint settings. */
export function sourceOptions(
  flags: CommonFlags & ClockFlags & LintFlags & { users?: string; template?: string },
): ConfigOptions & { templateFile?: string; lint?: LintSettings } {
  return { ...configOptions(flags), templateFile: flags.template, lint: lintSettings(flags) };
}
