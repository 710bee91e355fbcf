// --no-lint / --lint-timeout -> the engine's lint settings, with the real cfn-lint.
import { cfnLint } from '../adapters/cfn-lint.js';
import type { LintSettings } from '../engine/validate/run-checks.js';
import { pinnedCfnLint } from '../engine/validate/lint-version.js';

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
