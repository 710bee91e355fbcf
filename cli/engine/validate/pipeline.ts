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
//                    (./gateway-waivers.ts)
//   lambda gateway   the users as the directory was made from them (those a
//                    rule can tell apart: synthesize.ts usersBesideRoot),
//                    beside the root's resources: our layers, no cfn-lint,
//                    only the users' findings kept (the same user rules as a
//                    service-managed build; the template has no users)
//   lambda mode      the directory's size and the function role's policy
//                    size (./rules/identity/directory.ts)
//
// cfn-lint runs on the root and on the first child only: children differ
// only in which users they hold, all made by one library; a second cfn-lint
// on the first child overlaps the root's. A single template (no children, or
// no config) judges the config's waivers itself.
import type { Reporter } from '../reporter.js';
import { directoryFindings as identitySizeFindings } from './rules/identity/directory.js';
import { sortFindings, type Finding } from './finding.js';
import { gatewayWaiverProblems } from './gateway-waivers.js';
import type { ChildInput, GatewayInput } from './input.js';
import { snowflakeUsersFindings } from './rules/downstream/snowflake-users.js';
import { gatewayUserHomes } from './rules/transfer/user-homes.js';
import { checkTemplateInput, type LintSettings, type TemplateChecks } from './template-checks.js';

/** How a waiver problem names where a lambda gateway's users are: they are in no stack. */
const DIRECTORY_USERS = '(directory)';

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
  const { root, children, config, directoryUsers } = input;
  const single = (children.length === 0 && !directoryUsers) || !config;
  const userHomes =
    children.length === 0
      ? undefined
      : gatewayUserHomes([
          { template: root.template },
          ...children.map((c) => ({ stack: c.id, template: c.template })),
        ]);
  const [rootFindings, childFindings, directoryFindings] = await Promise.all([
    checkTemplateInput(root, { config, lint, userHomes, reportConfigWaivers: single }, reporter),
    checkChildren(
      children,
      { config, lint, userHomes, nested: true, reportConfigWaivers: false },
      reporter,
    ),
    directoryUsers
      ? checkTemplateInput(
          directoryUsers,
          { config, userHomes: directoryUsers.userHomes, reportConfigWaivers: false },
          reporter,
        ).then((found) =>
          found.filter((f) => f.logicalId && directoryUsers.userIds.has(f.logicalId)),
        )
      : [],
  ]);
  const findings = [
    ...rootFindings,
    ...childFindings,
    ...directoryFindings,
    ...snowflakeUsersFindings(config, input.users),
    ...(input.userFindings ?? []),
    ...(input.directory
      ? identitySizeFindings({
          ...input.directory,
          template: root.template,
          stackName: config?.stackName,
        })
      : []),
  ];
  if (single) return sortFindings(findings);
  // The directory's users (every one, not only those checked) count as a
  // stack of their own for the waivers.
  const stacks = directoryUsers
    ? [
        ...children,
        {
          ...directoryUsers,
          id: DIRECTORY_USERS,
          template: { Resources: { ...directoryUsers.everyUser } },
        },
      ]
    : children;
  return sortFindings([
    ...findings,
    ...gatewayWaiverProblems(config, root.template, stacks, findings),
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
