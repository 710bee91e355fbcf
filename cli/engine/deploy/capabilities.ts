// The capabilities a change set is created with: the configured ones
// (deploy.capabilities in sftpgw.yaml, default CAPABILITY_IAM), plus
// CAPABILITY_NAMED_IAM when a template names an IAM resource itself.
// CloudFormation refuses such a change set without it (InsufficientCapabilities);
// sftpgw names the Snowflake role (<stack>-snowflake, docs/downstream.md) so
// the storage integration can name it before the stack exists.
import type { CfnTemplate } from '../template/types.js';

export const NAMED_IAM = 'CAPABILITY_NAMED_IAM';

/** The property that gives each IAM resource type a custom name. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

/** The logical ids of named IAM resources in these templates. */
export function namedIamResources(templates: readonly CfnTemplate[]): string[] {
  const ids: string[] = [];
  for (const t of templates)
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      const name = NAME_PROPERTY[r.Type];
      const props = r.Properties as Record<string, unknown> | undefined;
      if (name && props?.[name] !== undefined) ids.push(id);
    }
  return ids;
}

export function changeSetCapabilities(
  configured: readonly string[],
  templates: readonly CfnTemplate[],
): string[] {
  if (configured.includes(NAMED_IAM) || namedIamResources(templates).length === 0)
    return [...configured];
  return [...configured, NAMED_IAM];
}
