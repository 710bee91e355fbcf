// users/shared-key (./rules.ts): the same public key in two user files. Whoever
// holds its private key logs in as either user, so each user's home is no
// longer one partner's; some teams do it on purpose (one operator key for a
// partner's several accounts), so it warns unless users.sharedKeys: error.
// Only keys that reach the template count: an expired key grants nothing.
import type { KeyRow } from '../../../users/key-lifetimes.js';
import type { Finding } from '../../finding.js';
import type { UserPlace } from './key-lifetimes.js';

/** At most this many files and users are named in one finding; the rest are counted. */
const NAMED = 5;

/** "a, b and c", or "a, b, c, d, e and 7 more". */
function listed(items: readonly string[]): string {
  if (items.length <= NAMED)
    return items.length < 2
      ? items.join('')
      : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  return `${items.slice(0, NAMED).join(', ')} and ${items.length - NAMED} more`;
}

export function sharedKeyFindings(
  rows: readonly KeyRow[],
  places: ReadonlyMap<string, UserPlace>,
  setting: 'warn' | 'error',
): Finding[] {
  const byKey = new Map<string, KeyRow[]>();
  for (const r of rows) {
    if (r.state === 'expired') continue;
    let list = byKey.get(r.fingerprint);
    if (!list) byKey.set(r.fingerprint, (list = []));
    list.push(r);
  }
  const findings: Finding[] = [];
  for (const [fingerprint, list] of byKey) {
    if (list.length < 2) continue;
    const [first, ...others] = [...list].sort((a, b) => (a.file < b.file ? -1 : 1));
    const place = places.get(first.user);
    const line = place?.lineOf(`sshPublicKeys[${first.index}]`);
    const where = (r: KeyRow) => `${r.file} (sshPublicKeys[${r.index}])`;
    findings.push({
      severity: setting === 'error' ? 'error' : 'warning',
      rule: 'users/shared-key',
      layer: 'semantic',
      ...(place?.logicalId
        ? { logicalId: place.logicalId, resourceType: 'AWS::Transfer::User' }
        : {}),
      pointer: '',
      source: {
        file: first.file,
        field: `sshPublicKeys[${first.index}]`,
        ...(line !== undefined ? { line } : {}),
      },
      message: `the same key ${fingerprint} (${first.type}${first.comment ? ` ${first.comment}` : ''}) is in ${others.length > 1 ? `${others.length + 1} user files: ` : ''}${listed([first, ...others].map(where))}: whoever holds its private key logs in as ${listed([...new Set([first, ...others].map((r) => r.user))])}`,
      hint:
        setting === 'error'
          ? 'give each user its own key (ask the partner for one per account); users.sharedKeys: warn in sftpgw.yaml allows sharing'
          : 'give each user its own key if they are different partners; if sharing is on purpose, keep it (users.sharedKeys: error in sftpgw.yaml refuses sharing)',
    });
  }
  return findings;
}
