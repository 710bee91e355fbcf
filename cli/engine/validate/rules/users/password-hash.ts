// users/password-needs-identity-provider (./rules.ts): a user file's
// passwordHash does nothing on a gateway with service-managed users, which
// Transfer Family lets in by SSH key only (docs/users.md#passwords). A
// warning, not an error: the hash may be written ahead of the switch to the
// custom identity provider (server.identityProvider, a later round), and the
// build is the same with or without it (the hash never reaches a template).
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
      ...(place ? { logicalId: place.logicalId, resourceType: 'AWS::Transfer::User' } : {}),
      pointer: '',
      source: { file, field: 'passwordHash', ...(line !== undefined ? { line } : {}) },
      message: `${u.name} has a passwordHash, but this gateway's users are service-managed: Transfer Family lets them in by SSH key only, so the password is not used`,
      hint: 'passwords need the custom identity provider (server.identityProvider.type: lambda with passwords: true; see docs/users.md#passwords); until then the hash is left out of the template',
    });
  }
  return findings;
}
