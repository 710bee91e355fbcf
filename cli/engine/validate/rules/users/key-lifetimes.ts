// users/key-expired, users/key-expiring, users/all-keys-expired
// (./rules.ts): what the build's date does to the users' keys, from the rows
// of users/key-lifetimes.ts. Warnings all: expiry is what the operator
// asked for by writing the date, and an error would block every deploy
// (also the one that takes the expired key away, and unrelated ones) until
// someone edits the file.
import type { KeyRow } from '../../../users/key-lifetimes.js';
import type { Finding } from '../../finding.js';
import { count } from '../../../plural.js';

/** Where a user's findings point: its resource, and the line of a field in its file. */
export interface UserPlace {
  /** The user's logical id in the template (Users07/UserAcme when in a child stack); empty: no resource (lambda mode). */
  logicalId: string;
  /** The line a key's entry is written on, when the text says. */
  lineOf: (field: string) => number | undefined;
}

const keyName = (r: KeyRow) => `${r.fingerprint} (${r.type}${r.comment ? ` ${r.comment}` : ''})`;

export function keyLifetimeFindings(
  rows: readonly KeyRow[],
  places: ReadonlyMap<string, UserPlace>,
  today: string,
  warningDays: number,
): Finding[] {
  const findings: Finding[] = [];
  const byUser = new Map<string, KeyRow[]>();
  for (const r of rows) {
    let list = byUser.get(r.user);
    if (!list) byUser.set(r.user, (list = []));
    list.push(r);
  }
  for (const [user, list] of byUser) {
    const place = places.get(user);
    const at = (r: KeyRow): Pick<Finding, 'logicalId' | 'resourceType' | 'pointer' | 'source'> => {
      const field = `sshPublicKeys[${r.index}].expires`;
      const line = place?.lineOf(`sshPublicKeys[${r.index}]`);
      return {
        ...(place?.logicalId
          ? { logicalId: place.logicalId, resourceType: 'AWS::Transfer::User' }
          : {}),
        pointer: '',
        source: { file: r.file, field, ...(line !== undefined ? { line } : {}) },
      };
    };
    for (const r of list) {
      if (r.state === 'expired')
        findings.push({
          severity: 'warning',
          rule: 'users/key-expired',
          layer: 'semantic',
          ...at(r),
          message: `key ${keyName(r)} of ${user} expired: valid through ${r.expires}, the build's date is ${today}; it is left out of the template, so the next deploy removes it`,
          hint: `remove the key from ${r.file}; if its owner still needs access, ask for a new key (sftpgw users keys lists every key and its state)`,
        });
      else if (r.state === 'expiring')
        findings.push({
          severity: 'warning',
          rule: 'users/key-expiring',
          layer: 'semantic',
          ...at(r),
          message: `key ${keyName(r)} of ${user} expires ${r.daysLeft === 0 ? 'today' : `in ${count(r.daysLeft!, 'day')}`}: valid through ${r.expires}, left out of the template by builds after that (users.keyExpiryWarningDays: ${warningDays})`,
          hint: `add the owner's next key to ${r.file} beside this one before ${r.expires}, and deploy`,
        });
    }
    if (list.every((r) => r.state === 'expired')) {
      const first = list[0];
      findings.push({
        severity: 'warning',
        rule: 'users/all-keys-expired',
        layer: 'semantic',
        ...at(first),
        source: {
          file: first.file,
          field: 'sshPublicKeys',
          ...(place?.lineOf('sshPublicKeys') !== undefined
            ? { line: place.lineOf('sshPublicKeys') }
            : {}),
        },
        message: `every key of ${user} expired (${count(list.length, 'key')}, the last valid through ${list
          .map((r) => r.expires!)
          .sort()
          .at(
            -1,
          )}): the user stays in the template with no key, so the next deploy ends ${user}'s SFTP access`,
        hint: `if ${user} should keep access, add a new key (sftpgw users add ${user} --key new.pub --force); if not, remove the user (sftpgw users remove ${user})`,
      });
    }
  }
  return findings;
}
