// Puts the user resources the jsonnet rendered (in chunks) into the stack
// each user belongs to: the root, or the child stack placement names. Pure:
// no jsonnet, no files. (iam.permissionsBoundary is already on every role:
// libsonnet/render.libsonnet applies it to each part it returns.)
import type { TemplateConfig } from '../config/types.js';
import { invalidInput } from '../errors.js';
import type { EvaluatedGateway } from './evaluate-gateway.js';
import type { CfnResource, CfnTemplate } from './types.js';

/** A child stack of users (userStacks in sftpgw.yaml). */
export interface ChildTemplate {
  /** Logical id of its AWS::CloudFormation::Stack in the root. */
  id: string;
  /** File name beside the root template (its TemplateURL before packaging). */
  file: string;
  template: CfnTemplate;
}

export interface Rendered {
  template: CfnTemplate;
  children: ChildTemplate[];
}

/** Which child stack each user goes to; undefined when users stay in the root. */
export type Placement = Map<string, { id: string; file: string }>;

export function mergeUsers(
  evaluated: EvaluatedGateway,
  config: TemplateConfig,
  placement?: Placement,
): Rendered {
  const { template, userStacks } = evaluated;
  // Each stack the users go to, by logical id ('' is the root).
  const stacks = new Map<string, Record<string, CfnResource>>([['', template.Resources]]);
  for (const [id, t] of Object.entries(userStacks)) stacks.set(id, t.Resources);
  // Logical ids stay unique across the root and all child stacks, as if
  // everything were one template.
  const taken = new Set(Object.keys(template.Resources));
  const clash = (stack: Record<string, CfnResource>, id: string) => id in stack || taken.has(id);
  for (const chunk of evaluated.chunks) {
    for (const [j, fragment] of chunk.fragments.entries()) {
      const stackId = placement ? placement.get(chunk.names[j])?.id : '';
      const stack = stackId === undefined ? undefined : stacks.get(stackId);
      if (!stack) throw new Error(`internal: user ${chunk.names[j]} has no stack`);
      for (const [id, r] of Object.entries(fragment)) {
        if (clash(stack, id))
          throw invalidInput('user resources clash with the gateway template', [
            {
              field: `Resources.${id}`,
              message: 'logical id is used twice',
              hint: 'rename the user or the resource',
            },
          ]);
        stack[id] = r;
        taken.add(id);
      }
    }
  }
  // Sorted, so output is canonical whatever the chunking (jsonnet already sorts the fields inside).
  template.Resources = sortedResources(template.Resources);
  const files = new Map(config.userStacks?.stacks.map((s) => [s.id, s.file]) ?? []);
  const children = Object.keys(userStacks)
    .sort()
    .map((id) => ({
      id,
      file: files.get(id)!,
      template: { ...userStacks[id], Resources: sortedResources(userStacks[id].Resources) },
    }));
  return { template, children };
}

function sortedResources(resources: Record<string, CfnResource>): Record<string, CfnResource> {
  return Object.fromEntries(
    Object.keys(resources)
      .sort()
      .map((k) => [k, resources[k]]),
  );
}
