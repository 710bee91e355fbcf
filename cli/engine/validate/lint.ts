// Layer 3: cfn-lint on the written template, its findings mapped to ours.
// Exit code is a bitmask (2 error, 4 warning, 8 informational); anything else
// without JSON on stdout means cfn-lint itself failed. Not installed is a
// clear error, never a silent pass.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Linter } from '../../adapters/cfn-lint.js';
import { packageRoot } from '../paths.js';
import { SftpgwError } from '../errors.js';
import type { Reporter } from '../reporter.js';
import { pointerOf, type Finding, type Severity } from './finding.js';
import { inSupportedRange, pipRequirement, supportedRange } from './lint-version.js';

export interface LintOptions {
  linter: Linter;
  /** Region cfn-lint checks availability against (default: cfn-lint's, us-east-1). */
  region?: string;
  timeoutMs?: number;
  /** Ask cfn-lint its version, for the debug log (one more process, run alongside). */
  reportVersion?: boolean;
  /**
   * The cfn-lint version sftpgw is made for (package.json config.cfnLintVersion):
   * when cfn-lint reports findings, a cfn-lint outside its range is named in a
   * warning. Asked only then: `cfn-lint --version` costs about 2 s of CPU.
   */
  pinnedVersion?: string;
}

export const DEFAULT_LINT_TIMEOUT_MS = 300_000;

/**
 * Informational rules on, and hard-coded region/account checks (the template baseline).
 * W3002 ("may only work with the package command", for a local TemplateURL)
 * is ignored: a built template names its child stacks by file on purpose and
 * `sftpgw package`/`deploy` upload them.
 */
export function lintArgs(region?: string, registrySchemas = cfnLintSchemaDir()): string[] {
  const args = [
    '-f',
    'json',
    '-c',
    'I',
    '-x',
    'I3042:region=true',
    '-x',
    'I3042:accountId=true',
    '--ignore-checks',
    'W3002',
  ];
  if (region) args.push('--regions', region);
  if (registrySchemas) args.push('--registry-schemas', registrySchemas);
  return args;
}

/**
 * The folder of registry schemas the pinned cfn-lint lacks
 * (AWS::Transfer::HostKey: schemas/registry/source.json notInCfnLint, copied
 * there by npm run build), or undefined when there is none. cfn-lint's
 * documented --registry-schemas (-s) makes it know the type; without it,
 * every such resource is E3006 "does not exist". cfn-lint 1.51.0 then checks
 * nothing else of the type's properties (its per-region lookup
 * get_resource_schemas_by_regions skips types its region table lacks, so
 * the schema only registers the type): sftpgw's own schema layer checks
 * them, from the same schema.
 */
export function cfnLintSchemaDir(): string | undefined {
  const dir = path.join(packageRoot, 'cli', 'generated', 'cfn-lint-schemas');
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json')) ? dir : undefined;
}

interface CfnLintMatch {
  Level: string;
  Message: string;
  Location?: { Path?: (string | number)[] | null; Start?: { LineNumber?: number } };
  Rule: { Id: string; ShortDescription?: string; Source?: string };
}

const LEVELS: Record<string, Severity> = {
  Error: 'error',
  Warning: 'warning',
  Informational: 'info',
};

export async function lintFindings(
  file: string,
  opts: LintOptions,
  reporter: Reporter,
): Promise<Finding[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LINT_TIMEOUT_MS;
  const { linter } = opts;
  const version = opts.reportVersion ? linter.version() : undefined;
  const t0 = performance.now();
  let run;
  try {
    run = await linter.lint(file, lintArgs(opts.region), timeoutMs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SftpgwError('failed', `cfn-lint is not installed (no ${linter.command} on PATH)`, {
        hint: `install it: pip install ${opts.pinnedVersion ? `'${pipRequirement(opts.pinnedVersion)}'` : 'cfn-lint'} (or set SFTPGW_CFN_LINT to its path); or pass --no-lint to skip this layer`,
      });
    }
    throw new SftpgwError('failed', `could not run ${linter.command}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  reporter.debug(
    `cfn-lint${version ? ' ' + ((await version) ?? '(version unknown)') : ''} ran in ${Math.round(performance.now() - t0)} ms, exit ${String(run.exitCode)}`,
  );
  if (run.timedOut) {
    throw new SftpgwError(
      'failed',
      `cfn-lint did not finish within ${Math.round(timeoutMs / 1000)} s`,
      { hint: 'raise --lint-timeout, or pass --no-lint and run cfn-lint separately' },
    );
  }
  let matches: CfnLintMatch[];
  try {
    matches = JSON.parse(run.stdout || '[]') as CfnLintMatch[];
    if (!Array.isArray(matches)) throw new Error('not a list');
  } catch {
    throw new SftpgwError(
      'failed',
      `cfn-lint failed (exit ${String(run.exitCode)}) without a report`,
      { hint: tail(run.stderr) || 'run it by hand with the same template to see why' },
    );
  }
  const code = run.exitCode ?? 1;
  if (matches.length === 0 && code !== 0) {
    throw new SftpgwError('failed', `cfn-lint failed (exit ${code})`, {
      hint: tail(run.stderr) || 'run it by hand with the same template to see why',
    });
  }
  if (opts.pinnedVersion && (matches.length > 0 || version))
    warnIfUnsupported(await (version ?? linter.version()), opts.pinnedVersion, reporter);
  return matches.map((m) => toFinding(m));
}

function warnIfUnsupported(
  installed: string | undefined,
  pinned: string,
  reporter: Reporter,
): void {
  if (installed === undefined || inSupportedRange(installed, pinned)) return;
  reporter.warn(
    `cfn-lint ${installed} is installed; sftpgw is made for cfn-lint ${supportedRange(pinned)}, whose findings may differ (pip install '${pipRequirement(pinned)}')`,
  );
}

function toFinding(m: CfnLintMatch): Finding {
  const path = m.Location?.Path ?? [];
  const logicalId = path[0] === 'Resources' && typeof path[1] === 'string' ? path[1] : undefined;
  return {
    severity: LEVELS[m.Level] ?? 'error',
    rule: `cfn-lint/${m.Rule.Id}`,
    layer: 'cfn-lint',
    logicalId,
    pointer: pointerOf(...path),
    message: m.Message,
    hint: m.Rule.Source
      ? `${m.Rule.ShortDescription ?? 'see'}: ${m.Rule.Source}`
      : m.Rule.ShortDescription,
  };
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n');
}
