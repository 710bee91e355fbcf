// A deployed stack's resources by logical id, with their physical ids
// (DescribeStackResources). Stack outputs are not used: moto returns none for
// stacks made through change sets, and the physical ids carry the same facts
// (an SNS topic's is its ARN, a bucket's its name, a role's its name).
import {
  type CloudFormationClient,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { isMissingStack } from './cloudformation.js';

export interface DeployedResource {
  type: string;
  physicalId: string;
}

export interface StackResources {
  /** undefined when the stack does not exist. */
  resources(stackName: string): Promise<Record<string, DeployedResource> | undefined>;
}

export function sdkStackResources(client: CloudFormationClient): StackResources {
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
  };
}
