// `sftpgw info` as text: what a platform team pastes into a message to a
// partner, then what is not known yet.
import type { HostKeyState } from './engine/endpoint/active-host-keys.js';
import type { GatewayInfo } from './engine/endpoint/info.js';
import { palette } from './style.js';
import { count } from './engine/plural.js';
import { directoryUrl, versionText } from './engine/identity/deployed-directory.js';

export function formatInfo(info: GatewayInfo, color: boolean): string {
  const { bold, warning } = palette(color);
  const rows: Array<[string, string]> = [];
  if (info.hostName)
    rows.push([
      'Host name',
      info.endpointHostName && info.endpointHostName !== info.hostName
        ? `${info.hostName} (CNAME to ${info.endpointHostName})`
        : info.hostName,
    ]);
  rows.push(['Port', '22 (SFTP)']);
  if (info.endpointType) rows.push(['Endpoint', info.endpointType]);
  if (info.addresses.length > 0)
    rows.push([
      'Addresses',
      `${info.addresses.map((a) => a.publicIp).join(', ')} (static: allow-list them for connections to this server)`,
    ]);
  else if (info.endpointType === 'PUBLIC')
    rows.push(['Addresses', 'none fixed (PUBLIC endpoint: AWS assigns them and may change them)']);
  // Grouped by key type, oldest first: the first of each type is the one
  // partners see (cli/engine/endpoint/active-host-keys.ts).
  const keys = [...(info.hostKeys ?? [])].sort(
    (a, b) =>
      a.family.localeCompare(b.family) ||
      Number(b.active) - Number(a.active) ||
      (a.dateImported?.getTime() ?? 0) - (b.dateImported?.getTime() ?? 0),
  );
  for (const [i, k] of keys.entries()) rows.push([i === 0 ? 'Host keys' : '', hostKeyRow(k)]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines = [
    bold(
      `${info.stackName}${info.region ? ` (${info.region})` : ''}: ${info.stackStatus ?? 'not deployed'}`,
    ),
    ...rows.map(([k, v]) => `  ${(k ? `${k}:` : '').padEnd(width)}${v}`),
    // After the aligned rows, not among them: the rows read as before.
    ...identityLines(info),
  ];
  const perUser = info.usersFrom === 'directory';
  lines.push(
    perUser
      ? '  Allowed networks (the endpoint admits them all; the identity function admits each user only from its own, as the deployed directory says):'
      : "  Allowed networks (server-wide: any admitted network may try any user's key):",
  );
  if (info.serverNetworks.length > 0)
    lines.push(`    every user: ${info.serverNetworks.join(', ')}`);
  for (const u of info.users)
    lines.push(
      `    ${u.name}: ${u.allowedSourceCidrs.length > 0 ? u.allowedSourceCidrs.join(', ') : perUser ? '(any network the endpoint admits)' : info.serverNetworks.length > 0 ? '(server-level networks only)' : '(none of its own)'}`,
    );
  if (
    info.serverNetworks.length === 0 &&
    info.users.every((u) => u.allowedSourceCidrs.length === 0)
  )
    lines.push(
      info.endpointType === 'PUBLIC' || info.endpointType === undefined
        ? '    none configured (a PUBLIC endpoint admits every network)'
        : '    none configured in sftpgw.yaml or the user files',
    );
  if (info.addressQuota)
    lines.push(
      `  Elastic IPs in the region: ${info.addressQuota.held} held, quota ${info.addressQuota.limit} (${info.addressQuota.source})`,
    );
  if (info.missing.length > 0)
    lines.push(warning('  Not known:'), ...info.missing.map((m) => warning(`    - ${m}`)));
  return lines.join('\n') + '\n';
}

/** Who answers logins, and (lambda) the deployed directory's version: what an operator checks after a deploy. */
function identityLines(info: GatewayInfo): string[] {
  const ip = info.identityProvider;
  if (!ip) return [];
  if (!ip.deployed)
    return [`  Identity provider: ${ip.type} (as configured: the stack does not exist yet)`];
  if (ip.type === 'service-managed')
    return ["  Identity provider: service-managed (Transfer Family's users, from the stack)"];
  const fn = ip.functionName ? `function ${ip.functionName}` : 'function not in the stack';
  const d = ip.directory;
  const passwords = !d
    ? ''
    : d.passwords
      ? `, passwords on (${d.usersWithPassword} of ${count(d.users, 'user')} with one)`
      : ', passwords off';
  const lines = [
    `  Identity provider: ${
      ip.type === 'lambda'
        ? `lambda: ${fn}${passwords}`
        : `staging: the server still answers from its Transfer users; ${fn} and the directory are staged for the switch`
    }`,
  ];
  if (d)
    lines.push(
      `    directory: ${directoryUrl(d)} ${versionText(d)}: ${count(d.users, 'user')}, ${count(d.bytes, 'byte')}`,
    );
  return lines;
}

/** One host key: what partners pin, then whether it is the one they see, and which it is. */
function hostKeyRow(k: HostKeyState): string {
  const state = k.active
    ? `ACTIVE (${k.family})`
    : `standby (${k.family}: an older key of this type is presented)`;
  const about = [
    k.description ? JSON.stringify(k.description) : undefined,
    k.id,
    k.dateImported ? `imported ${k.dateImported.toISOString()}` : undefined,
  ].filter((x) => x !== undefined);
  return `${k.type} ${k.fingerprint}  ${state}${about.length > 0 ? `  ${about.join(', ')}` : ''}`;
}
