// The cfn-lint the tests run, against the release sftpgw is made for
// (package.json config.cfnLintVersion). Another minor release can add rules
// or change registry schemas, so findings the tests expect may change with
// it. Tests that run cfn-lint name the supported range in their titles
// (CFN_LINT_RANGE), call checkCfnLintVersion() in a before hook and pass
// their failure messages through withCfnLintNote(): they still run with any
// release (never skipped), but one line says which one is installed, and
// every failure says so again.
import { spawnSync } from 'node:child_process';
import {
  inSupportedRange,
  pinnedCfnLint,
  pipRequirement,
  supportedRange,
} from '../../cli/engine/validate/lint-version.js';
import { repoRoot } from './project.js';

const pinned: string = pinnedCfnLint(repoRoot) ?? missingPin();
function missingPin(): never {
  throw new Error('package.json has no "config": { "cfnLintVersion": … }');
}

/** The cfn-lint command the CLI runs too. */
export const cfnLintCommand = process.env.SFTPGW_CFN_LINT || 'cfn-lint';

/** "cfn-lint 1.51.x": for describe titles. */
export const CFN_LINT_RANGE = `cfn-lint ${supportedRange(pinned)}`;

/**
 * '' when `command` is a cfn-lint in the supported range; else one line
 * naming what is installed and what the expectations are for.
 */
export function cfnLintNote(command: string = cfnLintCommand): string {
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  const installed = r.status === 0 ? r.stdout.trim().replace(/^cfn-lint\s*/, '') : undefined;
  const expectations = `these expectations are for ${CFN_LINT_RANGE} (pip install '${pipRequirement(pinned)}')`;
  if (installed === undefined)
    return `${command} --version failed (${r.error?.message ?? r.stderr.trim()}); ${expectations}`;
  return inSupportedRange(installed, pinned)
    ? ''
    : `cfn-lint ${installed} is installed; ${expectations}`;
}

let note: string | undefined;

/** cfnLintNote() for the cfn-lint the tests run, asked once per run (~2 s); prints it once when not ''. */
export function checkCfnLintVersion(): string {
  if (note === undefined) {
    note = cfnLintNote();
    if (note) console.log(`      note: ${note}`);
  }
  return note;
}

/** A failure message, with the installed cfn-lint named when it is not a supported one. */
export function withCfnLintNote(message = ''): string {
  const n = checkCfnLintVersion();
  return n ? `${message}${message ? '\n' : ''}[${n}]` : message;
}
