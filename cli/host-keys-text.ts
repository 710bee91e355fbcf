// sftpgw host-keys as text: the keys as a table, and what retiring one
// changes for partners, per algorithm.
import type { AlgorithmChange, HostKeyEntry } from './engine/host-keys/active.js';
import type { HostKeyListing, RetirePlan } from './engine/host-keys/retire.js';
import { formatTable } from './table-text.js';

const when = (d: Date | undefined) =>
  d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '-';

export function listingText(l: HostKeyListing): string {
  const rows = l.keys.map((k) => [
    k.algorithm,
    k.fingerprint,
    k.active ? 'active' : '-',
    k.id ?? '-',
    when(k.dateImported),
    k.logicalId ?? '-',
    k.description ?? '',
  ]);
  return (
    `Host keys of ${l.serverId} (stack ${l.stackName}); clients are shown the active (oldest) key of the algorithm they use:\n` +
    formatTable(
      ['ALGORITHM', 'FINGERPRINT', 'ACTIVE', 'ID', 'IMPORTED', 'STACK', 'DESCRIPTION'],
      rows,
    )
  );
}

function side(k: HostKeyEntry | undefined): string {
  if (!k) return 'none: no key of this algorithm is left';
  return `${k.fingerprint} (${[k.id, k.logicalId].filter(Boolean).join(', ')})`;
}

function changeLines(c: AlgorithmChange): string[] {
  return [`  ${c.algorithm}`, `    before: ${side(c.before)}`, `    after:  ${side(c.after)}`];
}

export function retirePlanText(p: RetirePlan): string {
  const k = p.key;
  const lines = [
    `Retire host key ${k.id} of ${p.serverId} (stack ${p.stackName}): ${k.algorithm} ${k.fingerprint}${k.description ? `, "${k.description}"` : ''}${k.active ? ', ACTIVE' : ', not active'}`,
  ];
  if (p.changes.length === 0)
    lines.push('Partners see the same keys: it is not the active key of its algorithm.');
  else
    lines.push(
      'What partners see changes (they must have pinned the fingerprints after, in known_hosts, before you go on):',
      ...p.changes.flatMap(changeLines),
    );
  return `${lines.join('\n')}\n`;
}
