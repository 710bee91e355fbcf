// A change set's plan as text: one line per resource, `+` add, `~` modify,
// `-` remove, replacements marked and explained; removed SFTP users and
// refusals called out.
import type { Plan, PlannedChange } from './engine/deploy/plan.js';
import { paint } from './style.js';

const SIGN = { add: '+', modify: '~', remove: '-' } as const;

export function formatPlan(title: string, plan: Plan, color: boolean): string {
  const green = paint(color, '32');
  const yellow = paint(color, '33');
  const red = paint(color, '31;1');
  const bold = paint(color, '1');
  const width = Math.max(8, ...plan.changes.map((c) => c.logicalId.length), ...(plan.nested ?? []).flatMap((n) => n.changes.map((c) => c.logicalId.length + 4)));
  const refused = new Set(plan.refused.map((c) => c.logicalId));
  const line = (c: PlannedChange, qualified = c.logicalId, indent = ''): string => {
    const paintSign = c.action === 'add' ? green : c.action === 'remove' ? red : yellow;
    const notes: string[] = [];
    if (c.replacement) notes.push(`REPLACE: ${c.why}`);
    if (c.conditional) notes.push('may be replaced (CloudFormation: conditional)');
    if (refused.has(qualified)) notes.push(red('REFUSED'));
    return `  ${indent}${paintSign(SIGN[c.action])} ${c.logicalId.padEnd(width - indent.length)}  ${c.type}${notes.length ? `  ${notes.join('; ')}` : ''}`;
  };
  const counts = (['add', 'modify', 'remove'] as const).map((a) => `${plan.changes.filter((c) => c.action === a).length} ${a === 'add' ? 'to add' : a === 'modify' ? 'to change' : 'to remove'}`).join(', ');
  const nested = new Map((plan.nested ?? []).map((n) => [n.stack, n.changes]));
  // A child stack's own changes are listed under it, indented.
  const lines = [bold(title), ...plan.changes.flatMap((c) => [line(c), ...(nested.get(c.logicalId) ?? []).map((n) => line(n, `${c.logicalId}/${n.logicalId}`, '    '))]), `  ${counts}${plan.changes.some((c) => c.replacement) ? `, ${plan.changes.filter((c) => c.replacement).length} replaced` : ''}`];
  for (const m of plan.moves ?? []) lines.push(red(`  user ${m.userName} would move: ${m.from} → ${m.to} (REFUSED)`));
  if (plan.placementChange) lines.push(red(`  userStacks changes from ${plan.placementChange.from || 'unset'} to ${plan.placementChange.to || 'unset'}: users would move between stacks (REFUSED)`));
  if (plan.removedUsers.length > 0) {
    lines.push(yellow(`  SFTP users removed (their user files are gone; their home folders stay in the bucket): ${plan.removedUsers.map((u) => u.userName ?? u.logicalId).join(', ')}`));
  }
  return lines.join('\n');
}
