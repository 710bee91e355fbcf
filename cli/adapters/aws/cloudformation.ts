// The CloudFormation calls deploy and diff make, behind one small interface:
// the SDK implementation here, and in tests a fake for what moto cannot
// produce (failed and rollback states, throttling).
import {
  type CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  UpdateTerminationProtectionCommand,
  type Change,
} from '@aws-sdk/client-cloudformation';

export interface StackInfo {
  id: string;
  status: string;
  statusReason?: string;
  outputs: Record<string, string>;
  terminationProtection: boolean;
  /**
   * The stack's parameter values by key (NoEcho ones masked as CloudFormation
   * answers them, `****`). Absent: not known (a fake that does not say);
   * then nothing is judged unchanged on them (unchanged-template.ts).
   */
  parameters?: Record<string, string>;
  /** The stack's tags; absent: not known. */
  tags?: Record<string, string>;
  /** The service role CloudFormation uses for the stack (RoleARN), when it has one. */
  roleArn?: string;
}

export interface ResourceChange {
  action: 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic' | string;
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  /** 'True' | 'False' | 'Conditional' when AWS says (moto never does). */
  replacement?: string;
}

export interface ChangeSetInfo {
  id: string;
  name: string;
  status: string;
  statusReason?: string;
  executionStatus?: string;
  changes: ResourceChange[];
}

export interface ChangeSetSummary {
  name: string;
  stackName?: string;
  status: string;
  executionStatus?: string;
  description?: string;
  creationTime?: Date;
}

export interface StackEvent {
  id: string;
  timestamp: Date;
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
}

/** A resource of a deployed stack, as DescribeStackResources lists it. */
export interface StackResource {
  logicalId: string;
  type: string;
  /** Absent while it is being created. For an Elastic IP, its public address. */
  physicalId?: string;
  status: string;
}

export interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  changeSetType: 'CREATE' | 'UPDATE';
  templateBody?: string;
  templateUrl?: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  roleArn?: string;
  clientToken: string;
  description: string;
}

export interface CloudFormationApi {
  describeStack(stackName: string): Promise<StackInfo | undefined>;
  /** The deployed template (or a change set's), as text. */
  getTemplate(stackName: string, changeSetName?: string): Promise<string | undefined>;
  createChangeSet(input: CreateChangeSetInput): Promise<{ id: string }>;
  describeChangeSet(stackName: string, changeSetName: string): Promise<ChangeSetInfo>;
  listChangeSets(stackName: string): Promise<ChangeSetSummary[]>;
  executeChangeSet(stackName: string, changeSetName: string, clientToken: string): Promise<void>;
  deleteChangeSet(stackName: string, changeSetName: string): Promise<void>;
  /** Newest first, as CloudFormation returns them; stops paging at `since`. */
  stackEvents(stackName: string, since: Date): Promise<StackEvent[]>;
  deleteStack(stackName: string, roleArn?: string): Promise<void>;
  /** Physical id of a resource (for a nested stack: its stack ARN), or undefined. */
  physicalId(stackName: string, logicalId: string): Promise<string | undefined>;
  setTerminationProtection(stackName: string, enabled: boolean): Promise<void>;
  /**
   * Every resource of the stack (physical ids): what info and the endpoint
   * guard read, since stacks made through change sets have no Outputs in moto.
   * [] when the stack does not exist.
   */
  stackResources(stackName: string): Promise<StackResource[]>;
}

/** CloudFormation's answer for a stack that does not exist. */
export function isMissingStack(err: unknown): boolean {
  return (
    /does not exist/i.test((err as Error).message ?? '') &&
    (err as { name?: string }).name === 'ValidationError'
  );
}

export function sdkCloudFormation(client: CloudFormationClient): CloudFormationApi {
  return {
    async describeStack(stackName) {
      try {
        const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
        const s = out.Stacks?.[0];
        if (!s) return undefined;
        return {
          id: s.StackId ?? stackName,
          status: s.StackStatus ?? 'UNKNOWN',
          statusReason: s.StackStatusReason,
          outputs: Object.fromEntries(
            (s.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
          ),
          terminationProtection: s.EnableTerminationProtection ?? false,
          parameters: Object.fromEntries(
            (s.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']),
          ),
          tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          ...(s.RoleARN ? { roleArn: s.RoleARN } : {}),
        };
      } catch (err) {
        if (isMissingStack(err)) return undefined;
        throw err;
      }
    },
    async getTemplate(stackName, changeSetName) {
      try {
        const out = await client.send(
          new GetTemplateCommand({
            StackName: stackName,
            ChangeSetName: changeSetName,
            TemplateStage: 'Original',
          }),
        );
        return out.TemplateBody;
      } catch (err) {
        if (isMissingStack(err)) return undefined;
        throw err;
      }
    },
    async createChangeSet(i) {
      const out = await client.send(
        new CreateChangeSetCommand({
          StackName: i.stackName,
          ChangeSetName: i.changeSetName,
          ChangeSetType: i.changeSetType,
          TemplateBody: i.templateBody,
          TemplateURL: i.templateUrl,
          Parameters: Object.entries(i.parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
          Capabilities: i.capabilities as never,
          RoleARN: i.roleArn,
          ClientToken: i.clientToken,
          Description: i.description,
        }),
      );
      return { id: out.Id ?? i.changeSetName };
    },
    async describeChangeSet(stackName, changeSetName) {
      const changes: ResourceChange[] = [];
      let next: string | undefined;
      let info: Omit<ChangeSetInfo, 'changes'> | undefined;
      do {
        const out = await client.send(
          new DescribeChangeSetCommand({
            StackName: stackName,
            ChangeSetName: changeSetName,
            NextToken: next,
          }),
        );
        info ??= {
          id: out.ChangeSetId ?? changeSetName,
          name: out.ChangeSetName ?? changeSetName,
          status: out.Status ?? 'UNKNOWN',
          statusReason: out.StatusReason,
          executionStatus: out.ExecutionStatus,
        };
        for (const c of out.Changes ?? []) changes.push(resourceChange(c));
        next = out.NextToken;
      } while (next);
      return { ...info!, changes };
    },
    async listChangeSets(stackName) {
      const out: ChangeSetSummary[] = [];
      let next: string | undefined;
      do {
        const page = await client.send(
          new ListChangeSetsCommand({ StackName: stackName, NextToken: next }),
        );
        for (const s of page.Summaries ?? [])
          out.push({
            name: s.ChangeSetName ?? '',
            stackName: s.StackName,
            status: s.Status ?? '',
            executionStatus: s.ExecutionStatus,
            description: s.Description,
            ...(s.CreationTime ? { creationTime: s.CreationTime } : {}),
          });
        next = page.NextToken;
      } while (next);
      return out;
    },
    async executeChangeSet(stackName, changeSetName, clientToken) {
      await client.send(
        new ExecuteChangeSetCommand({
          StackName: stackName,
          ChangeSetName: changeSetName,
          ClientRequestToken: clientToken,
        }),
      );
    },
    async deleteChangeSet(stackName, changeSetName) {
      await client.send(
        new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }),
      );
    },
    async stackEvents(stackName, since) {
      const out: StackEvent[] = [];
      let next: string | undefined;
      do {
        const page = await client.send(
          new DescribeStackEventsCommand({ StackName: stackName, NextToken: next }),
        );
        for (const e of page.StackEvents ?? []) {
          const timestamp = e.Timestamp ?? new Date(0);
          if (timestamp < since) return out;
          out.push({
            id: e.EventId ?? '',
            timestamp,
            logicalId: e.LogicalResourceId ?? '',
            resourceType: e.ResourceType ?? '',
            status: e.ResourceStatus ?? '',
            reason: e.ResourceStatusReason,
          });
        }
        next = page.NextToken;
      } while (next);
      return out;
    },
    async physicalId(stackName, logicalId) {
      try {
        const out = await client.send(
          new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }),
        );
        return out.StackResourceDetail?.PhysicalResourceId;
      } catch (err) {
        if (/does not exist/i.test((err as Error).message ?? '')) return undefined;
        if (
          !(err as { $response?: unknown }).$response &&
          !/deserializ|parse/i.test((err as Error).message ?? '')
        )
          throw err;
      }
      // moto answers DescribeStackResource with a server error when the stack
      // holds resources it skipped (Transfer Family): find the nested stack
      // by its parent and CloudFormation's naming, <parent>-<logicalId>-<suffix>.
      const parent = (await client.send(new DescribeStacksCommand({ StackName: stackName })))
        .Stacks?.[0]?.StackId;
      let next: string | undefined;
      do {
        const page = await client.send(new DescribeStacksCommand({ NextToken: next }));
        // (moto leaves ParentId unset.)
        const hit = (page.Stacks ?? []).find(
          (s) =>
            (s.ParentId === undefined || s.ParentId === parent) &&
            s.StackName?.startsWith(`${stackName}-${logicalId}-`),
        );
        if (hit) return hit.StackId;
        next = page.NextToken;
      } while (next);
      return undefined;
    },
    async deleteStack(stackName, roleArn) {
      await client.send(new DeleteStackCommand({ StackName: stackName, RoleARN: roleArn }));
    },
    async stackResources(stackName) {
      try {
        const out = await client.send(new DescribeStackResourcesCommand({ StackName: stackName }));
        return (out.StackResources ?? []).map((r) => ({
          logicalId: r.LogicalResourceId ?? '',
          type: r.ResourceType ?? '',
          ...(r.PhysicalResourceId ? { physicalId: r.PhysicalResourceId } : {}),
          status: r.ResourceStatus ?? '',
        }));
      } catch (err) {
        if (isMissingStack(err)) return [];
        throw err;
      }
    },
    async setTerminationProtection(stackName, enabled) {
      await client.send(
        new UpdateTerminationProtectionCommand({
          StackName: stackName,
          EnableTerminationProtection: enabled,
        }),
      );
    },
  };
}

function resourceChange(c: Change): ResourceChange {
  const r = c.ResourceChange ?? {};
  return {
    action: r.Action ?? 'Modify',
    logicalId: r.LogicalResourceId ?? '',
    resourceType: r.ResourceType ?? '',
    physicalId: r.PhysicalResourceId,
    replacement: r.Replacement,
  };
}
