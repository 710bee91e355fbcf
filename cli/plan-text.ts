// A change set's plan as text: one line per resource, `+` add, `~` modify,
// `-` remove, replacements marked and explained; SFTP users by their names;
// removed SFTP users and refusals called out. And the template diff: old →
// new for each value that changed.
import {
  addressLine,
  hostKeyChangeWhat,
  hostKeyLine,
  identityProviderProblems,
  userStacksPhrase,
} from './engine/deploy/guard.js';
import { DEFAULT_QUOTAS } from './engine/endpoint/allow-list.js';
import type { Plan, PlannedChange } from './engine/deploy/plan.js';
import {
  isListChange,
  type Difference,
  type TemplateDifference,
} from './engine/deploy/template-diff.js';
import { palette } from './style.js';

const SIGN = { add: '+', modify: '~', remove: '-' } as const;

/** How a resource is named to a reader: an SFTP user by its name, `user partner-b (UserPartnerb45bdd3)`. */
export function resourceLabel(logicalId: string, userName?: string): string {
  return userName ? `user ${userName} (${logicalId})` : logicalId;
}

export function formatPlan(title: string, plan: Plan, color: boolean): string {
  const { added, warning, error, bold } = palette(color);
  const label = (c: PlannedChange) => resourceLabel(c.logicalId, c.userName);
  const width = Math.max(
    8,
    ...plan.changes.map((c) => label(c).length),
    ...(plan.nested ?? []).flatMap((n) => n.changes.map((c) => label(c).length + 4)),
  );
  const refused = new Set(plan.refused.map((c) => c.logicalId));
  const line = (c: PlannedChange, qualified = c.logicalId, indent = ''): string => {
    const paintSign = c.action === 'add' ? added : c.action === 'remove' ? error : warning;
    const notes: string[] = [];
    if (c.replacement) notes.push(`REPLACE: ${c.why}`);
    if (c.conditional) notes.push('may be replaced (CloudFormation: conditional)');
    if (c.endpoint) notes.push(`ENDPOINT: ${c.endpoint}`);
    if (c.retained) notes.push(retainedNote(c));
    if (refused.has(qualified) || (c.endpoint && !plan.endpoint?.allowed))
      notes.push(error('REFUSED'));
    return `  ${indent}${paintSign(SIGN[c.action])} ${label(c).padEnd(width - indent.length)}  ${c.type}${notes.length ? `  ${notes.join('; ')}` : ''}`;
  };
  const counts = (['add', 'modify', 'remove'] as const)
    .map(
      (a) =>
        `${plan.changes.filter((c) => c.action === a).length} ${a === 'add' ? 'to add' : a === 'modify' ? 'to change' : 'to remove'}`,
    )
    .join(', ');
  const nested = new Map((plan.nested ?? []).map((n) => [n.stack, n.changes]));
  // On a switch of the identity provider the user resources that go or come
  // are summarised (count and stacks), not listed: thousands of lines hide the rest.
  const switching = plan.identityProvider !== undefined;
  const listed = (c: PlannedChange) => !(switching && c.type === 'AWS::Transfer::User');
  // A child stack's own changes are listed under it, indented.
  const lines = [
    bold(title),
    ...plan.changes
      .filter(listed)
      .flatMap((c) => [
        line(c),
        ...(nested.get(c.logicalId) ?? [])
          .filter(listed)
          .map((n) => line(n, `${c.logicalId}/${n.logicalId}`, '    ')),
      ]),
    `  ${counts}${plan.changes.some((c) => c.replacement) ? `, ${plan.changes.filter((c) => c.replacement).length} replaced` : ''}`,
  ];
  for (const m of plan.moves ?? [])
    lines.push(error(`  user ${m.userName} would move: ${m.from} → ${m.to} (REFUSED)`));
  if (plan.placementChange)
    lines.push(
      error(
        `  userStacks changes from ${plan.placementChange.from || 'unset'} to ${plan.placementChange.to || 'unset'}: users would move between stacks (REFUSED)`,
      ),
    );
  lines.push(...endpointLines(plan, color));
  lines.push(...hostKeyLines(plan, color));
  lines.push(...identityProviderLines(plan, color));
  if (plan.removedUsers.length > 0 && switching) {
    const stacks = [...new Set(plan.removedUsers.map((u) => stackOf(u.logicalId)))].sort();
    lines.push(
      warning(
        `  SFTP users removed with the switch: ${plan.removedUsers.length} AWS::Transfer::User resource${plan.removedUsers.length === 1 ? '' : 's'} ${userStacksPhrase(stacks)} (the function answers for them from the directory; their home folders stay in the bucket)`,
      ),
    );
  } else if (plan.removedUsers.length > 0) {
    lines.push(
      warning(
        `  SFTP users removed (their user files are gone; their home folders stay in the bucket): ${plan.removedUsers.map((u) => u.userName ?? u.logicalId).join(', ')}`,
      ),
    );
  }
  return lines.join('\n');
}

/** A deletion the DeletionPolicy turns into keeping the resource: where it stays. */
export function retainedNote(c: PlannedChange): string {
  const r = c.retained;
  if (!r) return '';
  return `KEPT (DeletionPolicy ${r.deletionPolicy}): retained in the account, no longer managed by the stack: ${r.physicalId ?? '(physical id not known)'}`;
}

/** `Child/UserX` → `Child`; a root resource → `(root stack)`. */
function stackOf(qualified: string): string {
  const i = qualified.indexOf('/');
  return i < 0 ? '(root stack)' : qualified.slice(0, i);
}

/** A switch of the server's identity provider: the type's change and the plan, allowed or refused. */
export function identityProviderLines(plan: Plan, color: boolean): string[] {
  const { warning, error } = palette(color);
  const s = plan.identityProvider;
  if (!s) return [];
  const paint = s.allowed ? warning : error;
  return [
    paint(
      `  the SFTP server's identity provider switches (${s.allowed ? 'allowed by --allow-identity-provider-change' : 'REFUSED without --allow-identity-provider-change'})`,
    ),
    ...identityProviderProblems(plan).map(
      (p) => `    ${p.field}: ${p.message.replace(/\n/g, '\n    ')}`,
    ),
  ];
}

/** An endpoint change: the outage, and what partners must be told; the Elastic IP quota. */
function endpointLines(plan: Plan, color: boolean): string[] {
  const { warning, error } = palette(color);
  const lines: string[] = [];
  if (plan.endpoint) {
    const paint = plan.endpoint.allowed ? warning : error;
    lines.push(
      paint(
        `  the SFTP server is stopped while CloudFormation changes its endpoint (${plan.endpoint.allowed ? 'allowed by --allow-endpoint-change' : 'REFUSED without --allow-endpoint-change'})`,
      ),
    );
    const notice = plan.endpoint.notice;
    if (notice)
      lines.push(
        '  Tell your partners (they allow-list these addresses):',
        `    before: ${addressLine(notice.before)}`,
        `    after:  ${addressLine(notice.after)}`,
      );
    // Allowed, the switch goes ahead: the default group's consequences still hold.
    const vpcSwitch = plan.endpoint.changes.find((c) => c.vpcSwitch);
    if (vpcSwitch && plan.endpoint.allowed)
      lines.push(
        warning(
          `  the default security group of ${vpcSwitch.vpcSwitch?.vpcId ?? 'the VPC'} is attached to the endpoint on this switch: it fails over the quota of ${DEFAULT_QUOTAS.groupsPerInterface} groups per interface, else detach it afterwards (docs/endpoint.md#switching-a-deployed-public-server-to-vpc)`,
        ),
      );
  }
  const q = plan.addressQuota;
  if (q)
    lines.push(
      (q.exceeded ? error : (s: string) => s)(
        `  Elastic IPs: ${q.allocated} held + ${q.adding} new, quota ${q.limit} (${q.source})${q.exceeded ? ': OVER THE QUOTA (REFUSED)' : ''}`,
      ),
    );
  return lines;
}

/** A host-key change: per algorithm, the fingerprints partners see before and after. */
export function hostKeyLines(plan: Plan, color: boolean): string[] {
  const { warning, error } = palette(color);
  const h = plan.hostKeys;
  if (!h || h.algorithms.length === 0) return [];
  const paint = h.allowed ? warning : error;
  return [
    paint(
      `  the host key partners see changes for ${h.algorithms.map((c) => c.algorithm).join(', ')} (${h.allowed ? 'allowed by --allow-host-key-change' : 'REFUSED without --allow-host-key-change'})`,
    ),
    '  Tell your partners (they pin these fingerprints in known_hosts):',
    ...h.algorithms.flatMap((c) => [
      `    ${c.algorithm}: ${hostKeyChangeWhat(c)}`,
      `      before: ${hostKeyLine(c.before)}`,
      `      after:  ${hostKeyLine(c.after)}`,
    ]),
  ];
}

/** A value on one line: JSON, `(absent)` for a key that is not there. */
function compact(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

/** Short values inline (`old → new`); longer ones as a line each. */
const INLINE = 100;

function differenceLines(d: Difference, color: boolean): string[] {
  const { removed, added } = palette(color);
  if (isListChange(d)) {
    return [
      `${d.path}: ${d.items === 'statements' ? 'statements that differ' : 'elements that differ'}`,
      ...d.removed.map((x) => removed(`  - ${compact(x)}`)),
      ...d.added.map((x) => added(`  + ${compact(x)}`)),
    ];
  }
  const [a, b] = [compact(d.before), compact(d.after)];
  if (a.length + b.length <= INLINE) return [`${d.path}: ${a} → ${b}`];
  return [`${d.path}:`, removed(`  - ${a}`), added(`  + ${b}`)];
}

/** The template diff, deployed → new: each resource, and under it each value that changed. */
export function formatTemplateDiff(diffs: TemplateDifference[], color: boolean): string {
  const lines = ['Template diff (deployed → new):'];
  for (const d of diffs) {
    lines.push(
      `  ${d.kind === 'added' ? '+' : d.kind === 'removed' ? '-' : '~'} ${resourceLabel(d.logicalId, d.userName)}  ${d.type}`,
    );
    for (const c of d.changes) lines.push(...differenceLines(c, color).map((l) => `      ${l}`));
  }
  return lines.join('\n');
}
