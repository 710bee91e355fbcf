// users/password-needs-identity-provider (./rules.ts): a user file's
// passwordHash does nothing on a gateway with service-managed users, which
// Transfer Family lets in by SSH key only (docs/users.md#passwords). A
// warning, not an error: the hash may be written ahead of the switch to the
// custom identity provider (server.identityProvider.type: lambda), and the
// build is the same with or without it (the hash never reaches a template).
// With the identity provider on (passwordSettingFindings): passwords: true
// and no user with a hash (no one can use it), or a hash while passwords is
// false (the function never checks it) — warnings too.
import type { RenderUser } from '../../../template/evaluate-gateway.js';
import type { Finding } from '../../finding.js';
import type { UserPlace } from './key-lifetimes.js';

export function passwordHashFindings(
  users: readonly RenderUser[],
  places: ReadonlyMap<string, UserPlace>,
  shownByName: ReadonlyMap<string, string>,
): Finding[] {
  const findings: Finding[] = [];
  for (const u of users) {
    if (u.spec.passwordHash === undefined) continue;
    const place = places.get(u.name);
    const file = shownByName.get(u.name) ?? u.name;
    const line = place?.lineOf('passwordHash');
    findings.push({
      severity: 'warning',
      rule: 'users/password-needs-identity-provider',
      layer: 'semantic',
      ...(place?.logicalId
        ? { logicalId: place.logicalId, resourceType: 'AWS::Transfer::User' }
        : {}),
      pointer: '',
      source: { file, field: 'passwordHash', ...(line !== undefined ? { line } : {}) },
      message: `${u.name} has a passwordHash, but this gateway's users are service-managed: Transfer Family lets them in by SSH key only, so the password is not used`,
      hint: 'passwords need the custom identity provider (server.identityProvider.type: lambda with passwords: true; see docs/users.md#passwords); until then the hash is left out of the template',
    });
  }
  return findings;
}

/** The lambda mode's password findings: server.identityProvider.passwords against the users' hashes. */
export function passwordSettingFindings(
  users: readonly RenderUser[],
  passwords: boolean,
  ctx: {
    places: ReadonlyMap<string, UserPlace>;
    shownByName: ReadonlyMap<string, string>;
    configFile: string;
    configLine?: number;
  },
): Finding[] {
  const withHash = users.filter((u) => u.spec.passwordHash !== undefined);
  if (passwords && withHash.length === 0)
    return [
      {
        severity: 'warning',
        rule: 'users/passwords-without-hash',
        layer: 'semantic',
        pointer: '',
        source: {
          file: ctx.configFile,
          field: 'server.identityProvider.passwords',
          ...(ctx.configLine !== undefined ? { line: ctx.configLine } : {}),
        },
        message:
          'server.identityProvider.passwords is true, but no user file has a passwordHash: the server asks for passwords that no user can give',
        hint: 'set a password with sftpgw users passwd NAME, or set passwords: false (key logins only: the server never asks for one)',
      },
    ];
  if (passwords) return [];
  return withHash.map((u) => {
    const place = ctx.places.get(u.name);
    const line = place?.lineOf('passwordHash');
    return {
      severity: 'warning',
      rule: 'users/password-hash-unused',
      layer: 'semantic',
      pointer: '',
      source: {
        file: ctx.shownByName.get(u.name) ?? u.name,
        field: 'passwordHash',
        ...(line !== undefined ? { line } : {}),
      },
      message: `${u.name} has a passwordHash, but server.identityProvider.passwords is false: the server asks for keys only and the identity function never checks the password`,
      hint: 'set server.identityProvider.passwords: true to let users log in by password, or remove the passwordHash',
    } satisfies Finding;
  });
}
