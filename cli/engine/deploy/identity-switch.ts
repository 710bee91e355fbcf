// A change of the SFTP server's IdentityProviderType (service-managed users ⇄
// the custom identity function, docs/identity-provider.md#switching-modes):
// found by comparing the deployed and the new templates' server, with the
// user resources the switch removes (forward) or creates (reverse), counted
// per stack so the plan summarises them instead of listing 10,000 lines.
// CloudFormation updates the type in place: the registry schema's only
// create-only property of AWS::Transfer::Server is Domain
// (schemas/registry/aws-transfer-server.json), and the Transfer guide says the
// type can change from any type to any other
// (https://docs.aws.amazon.com/transfer/latest/userguide/configuring-servers-edit-custom-idp.html).
import { SERVER_TYPE } from '../endpoint/server-endpoint.js';
import type { CfnTemplate } from '../template/types.js';
import type { IdentityProviderSwitch, StackTemplates } from './types.js';

/** A server without the property is SERVICE_MANAGED (CloudFormation's default). */
export const DEFAULT_IDENTITY_PROVIDER_TYPE = 'SERVICE_MANAGED';

/** The server's logical id and IdentityProviderType in a root template; undefined: no server. */
export function serverIdentityType(
  root: CfnTemplate | undefined,
): { server: string; type: string } | undefined {
  for (const [id, r] of Object.entries(root?.Resources ?? {})) {
    if (r.Type !== SERVER_TYPE) continue;
    const t = (r.Properties as { IdentityProviderType?: unknown } | undefined)
      ?.IdentityProviderType;
    return { server: id, type: typeof t === 'string' ? t : DEFAULT_IDENTITY_PROVIDER_TYPE };
  }
  return undefined;
}

/**
 * The switch a change makes, if it makes one. `usersBefore`/`usersAfter`:
 * username → the stack that holds it (plan.ts usersByStack).
 */
export function identityProviderSwitch(
  deployed: StackTemplates,
  next: StackTemplates,
  usersBefore: ReadonlyMap<string, string>,
  usersAfter: ReadonlyMap<string, string>,
): IdentityProviderSwitch | undefined {
  const before = serverIdentityType(deployed.root);
  const after = serverIdentityType(next.root);
  if (!before || !after || before.server !== after.server || before.type === after.type)
    return undefined;
  // Forward: the users that go; reverse (or any other): the users that come.
  const forward = after.type !== DEFAULT_IDENTITY_PROVIDER_TYPE;
  const [from, to] = forward ? [usersBefore, usersAfter] : [usersAfter, usersBefore];
  const moving = [...from].filter(([name]) => !to.has(name));
  return {
    server: after.server,
    from: before.type,
    to: after.type,
    users: moving.length,
    stacks: [...new Set(moving.map(([, stack]) => stack))].sort(),
  };
}
