// --no-lint / --lint-timeout -> the engine's lint settings, with the real cfn-lint.
import { cfnLint } from '../adapters/cfn-lint.js';
import { usageError } from '../engine/errors.js';
import type { LintSettings } from '../engine/validation.js';
import { pinnedCfnLint } from '../engine/validate/lint-version.js';

export interface LintFlags {
  lint: boolean;
  lintTimeout: string;
  debug?: boolean;
}

export function lintSettings(flags: LintFlags): LintSettings | undefined {
  if (!flags.lint) return undefined;
  const seconds = Number(flags.lintTimeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usageError(`--lint-timeout ${flags.lintTimeout}: expected a number of seconds`);
  return { linter: cfnLint(), timeoutMs: seconds * 1000, reportVersion: flags.debug, pinnedVersion: pinnedCfnLint() };
}
