// The validation pipeline, the one way a gateway is validated (build,
// validate, users add): its input (./input.ts: from synthesis or from files)
// through the layers to findings.
//
//   each template    schema, semantic, baseline, waivers  (./layers.ts)
//                    cfn-lint at the same time             (./template-checks.ts)
//   across stacks    users' homes compared over every template (a home nested
//                    in another's is a finding), Snowflake's users, the
//                    users' keys (expiry, shared: made by synthesis), and the
//                    config's waivers judged over the whole gateway
//                    (./gateway-waivers.ts); in lambda mode the directory's
//                    size, the function role's policy size and each directory
//                    user's session policy (./rules/identity/directory.ts)
//
// cfn-lint runs on the root and on the first child only: children differ
// only in which users they hold, all made by one library; a second cfn-lint
// on the first child overlaps the root's. A single template (no children, or
// no config) judges the config's waivers itself.
import path from 'node:path';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import { USER_FILE_EXTENSION } from '../users/discover.js';
import { directoryFindings } from './rules/identity/directory.js';
import { sortFindings, type Finding } from './finding.js';
import { gatewayWaiverProblems } from './gateway-waivers.js';
import type { ChildInput, GatewayInput } from './input.js';
import { snowflakeUsersFindings } from './rules/downstream/snowflake-users.js';
import { gatewayUserHomes } from './rules/transfer/user-homes.js';
import { checkTemplateInput, type LintSettings, type TemplateChecks } from './template-checks.js';

export interface ValidationRun {
  /** Run cfn-lint with these settings; undefined skips it (--no-lint). */
  lint?: LintSettings;
  reporter: Reporter;
}

/** Every finding of every layer on the gateway's templates, sorted. */
export async function validateGateway(
  input: GatewayInput,
  { lint, reporter }: ValidationRun,
): Promise<Finding[]> {
  const { root, children, config } = input;
  const single = children.length === 0 || !config;
  const userHomes =
    children.length === 0
      ? undefined
      : gatewayUserHomes([
          { template: root.template },
          ...children.map((c) => ({ stack: c.id, template: c.template })),
        ]);
  const [rootFindings, childFindings] = await Promise.all([
    checkTemplateInput(root, { config, lint, userHomes, reportConfigWaivers: single }, reporter),
    checkChildren(
      children,
      { config, lint, userHomes, nested: true, reportConfigWaivers: false },
      reporter,
    ),
  ]);
  const findings = [
    ...rootFindings,
    ...childFindings,
    ...snowflakeUsersFindings(config, input.users),
    ...(input.userFindings ?? []),
    ...(input.directory
      ? directoryFindings({
          ...input.directory,
          template: root.template,
          stackName: config?.stackName,
          userFile: config
            ? (name) => displayPath(path.join(config.usersDir, `${name}${USER_FILE_EXTENSION}`))
            : undefined,
        })
      : []),
  ];
  if (single) return sortFindings(findings);
  return sortFindings([
    ...findings,
    ...gatewayWaiverProblems(config, root.template, children, findings),
  ]);
}

/** Every child through our layers, the first through cfn-lint too; findings prefixed with the child's stack. */
async function checkChildren(
  children: readonly ChildInput[],
  checks: TemplateChecks,
  reporter: Reporter,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [i, c] of children.entries()) {
    const found = await checkTemplateInput(
      c,
      { ...checks, lint: i === 0 ? checks.lint : undefined },
      reporter,
    );
    findings.push(
      ...found.map((f) => ({ ...f, logicalId: f.logicalId ? `${c.id}/${f.logicalId}` : c.id })),
    );
  }
  return findings;
}
