// A deployed stack's resources by logical id, with their physical ids
// (DescribeStackResources). Stack outputs are not used: moto returns none for
// stacks made through change sets, and the physical ids carry the same facts
// (an SNS topic's is its ARN, a bucket's its name, a role's its name).
import {
  type CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { isMissingStack } from './cloudformation.js';

export interface DeployedResource {
  type: string;
  physicalId: string;
}

export interface StackResources {
  /** undefined when the stack does not exist. */
  resources(stackName: string): Promise<Record<string, DeployedResource> | undefined>;
  /**
   * The deployed template's text (GetTemplate), where its Metadata.sftpgw
   * names the logical ids; undefined when the stack does not exist. Optional:
   * without it the ids a template without Metadata has are used.
   */
  template?(stackName: string): Promise<string | undefined>;
}

export function sdkStackResources(
  client: CloudFormationClient,
): StackResources & Required<Pick<StackResources, 'template'>> {
  return {
    async resources(stackName) {
      try {
        const out = await client.send(new DescribeStackResourcesCommand({ StackName: stackName }));
        const found: Record<string, DeployedResource> = {};
        for (const r of out.StackResources ?? []) {
          if (r.LogicalResourceId && r.PhysicalResourceId)
            found[r.LogicalResourceId] = {
              type: r.ResourceType ?? '',
              physicalId: r.PhysicalResourceId,
            };
        }
        return found;
      } catch (err) {
        if (isMissingStack(err)) return undefined;
        throw err;
      }
    },
    async template(stackName) {
      try {
        const out = await client.send(
          new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }),
        );
        return out.TemplateBody;
      } catch (err) {
        if (isMissingStack(err)) return undefined;
        throw err;
      }
    },
  };
}
