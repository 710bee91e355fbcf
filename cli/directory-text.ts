// A lambda gateway's directory change as text (deploy and diff): users added
// and removed, per user the keys added, removed or with a new expiry (by type
// and fingerprint), networks, password set/changed/cleared, policy, home and
// read-only. Never a key body, a hash or a policy's text: the diff
// (cli/engine/identity/directory-diff.ts) does not carry them.
import type { DirectoryPlan } from './engine/deploy/types.js';
import type { DirectoryUserChange, KeyRef } from './engine/identity/directory-diff.js';
import { palette } from './style.js';

const expiry = (e: string | null) => (e === null ? 'no expiry' : `expires ${e}`);
const keyText = (k: KeyRef) => `${k.type} ${k.fingerprint} (${expiry(k.expires)})`;
const nets = (n: string[] | null) => (n === null ? 'any the endpoint admits' : n.join(', '));

function userLines(c: DirectoryUserChange, color: boolean): string[] {
  const { added, removed } = palette(color);
  const out = [`  ~ user ${c.user}`];
  for (const k of c.keysAdded) out.push(added(`      + key ${keyText(k)}`));
  for (const k of c.keysRemoved) out.push(removed(`      - key ${keyText(k)}`));
  for (const k of c.expiryChanged)
    out.push(`      ~ key ${k.type} ${k.fingerprint}: ${expiry(k.from)} → ${expiry(k.to)}`);
  if (c.networks)
    out.push(`      ~ networks: ${nets(c.networks.before)} → ${nets(c.networks.after)}`);
  if (c.password) out.push(`      ~ password ${c.password}`);
  if (c.readOnly) out.push(`      ~ readOnly: ${c.readOnly.before} → ${c.readOnly.after}`);
  if (c.policy) out.push('      ~ session policy changes');
  if (c.home) out.push('      ~ home directory mappings change');
  return out;
}

/** The directory part of a plan, under its own heading. */
export function formatDirectoryPlan(d: DirectoryPlan, color: boolean): string {
  const { added, removed, bold, warning } = palette(color);
  const where = d.location ?? 'DirectoryBucket (created by this deploy)';
  const head = bold(
    `Identity directory ${where}${d.currentVersion ? ` (current version ${d.currentVersion})` : ' (none yet)'}:`,
  );
  if (d.unchanged) return `${head}\n  unchanged (same bytes as the current version; not uploaded)`;
  const { diff } = d;
  const lines = [head];
  if (diff.passwords)
    lines.push(
      warning(
        `  password logins ${diff.passwords.after ? 'switched on' : 'switched off'} for the gateway`,
      ),
    );
  for (const u of diff.usersAdded)
    lines.push(
      added(
        `  + user ${u.user} (${u.keys} key${u.keys === 1 ? '' : 's'}${u.password ? ', a password' : ''})`,
      ),
    );
  for (const u of diff.usersRemoved) lines.push(removed(`  - user ${u}`));
  for (const c of diff.usersChanged) lines.push(...userLines(c, color));
  lines.push(
    `  ${diff.usersAdded.length} user${diff.usersAdded.length === 1 ? '' : 's'} to add, ${diff.usersChanged.length} to change, ${diff.usersRemoved.length} to remove; a new version of ${d.bytes} bytes, ${d.users} user${d.users === 1 ? '' : 's'}${
      diff.usersAdded.length + diff.usersChanged.length + diff.usersRemoved.length === 0 &&
      !diff.passwords
        ? ' (the same users; the document’s bytes differ)'
        : ''
    }`,
  );
  return lines.join('\n');
}
