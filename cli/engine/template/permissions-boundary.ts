// iam.permissionsBoundary in sftpgw.yaml: every IAM role the templates create
// gets it, in the root stack and in the child stacks of users, whichever
// library or customised template made the role. Set here, after rendering,
// so a role added later (or by a gateway repository's own templates) cannot
// miss it; a role that names a boundary of its own keeps it, and
// baseline/iam-permissions-boundary reports the difference.
import type { CfnResource } from './types.js';

export function applyPermissionsBoundary(
  resources: Record<string, CfnResource>,
  boundary: string | null,
): void {
  if (!boundary) return;
  for (const r of Object.values(resources)) {
    if (r?.Type !== 'AWS::IAM::Role') continue;
    const props = (r.Properties ??= {}) as Record<string, unknown>;
    if (props.PermissionsBoundary === undefined) props.PermissionsBoundary = boundary;
  }
}
