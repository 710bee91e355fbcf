// The deploy engine against a FAKE CloudFormation client (same interface as
// the SDK adapter). moto never produces failed or rollback states, never sets
// Replacement, and ignores ChangeSetName in GetTemplate (it
// answers the stack's current template, so a change set's own templates can
// only be read back from a CloudFormation that behaves like AWS): these paths
// are tested here with a fake that plays CloudFormation's part; everything
// moto can do is tested against moto in deploy-moto.test.ts; throttling,
// which the SDK client retries (cli/adapters/aws/retry.ts), is tested there
// too, with a throttling proxy in front of moto. The guard's rules, table by
// table, and the replacement guard over a change set are in
// deploy-plan-guard.unit.test.ts and deploy-plan-endpoint.unit.test.ts; the
// template diff in deploy-template-diff.unit.test.ts.
import { expect } from 'chai';
import type {
  ChangeSetInfo,
  ChangeSetSummary,
  CloudFormationApi,
  CreateChangeSetInput,
  ResourceChange,
  StackEvent,
  StackInfo,
  StackResource,
} from '../../cli/adapters/aws/cloudformation.js';
import {
  deploy,
  type DeployRequest,
  type Preview,
  type TemplateReader,
} from '../../cli/engine/deploy/deploy.js';
import type { Clock } from '../../cli/engine/deploy/watch.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { formatPlan } from '../../cli/plan-text.js';

interface Script {
  /** Status sequence describeStack returns, one per call; the last repeats. */
  statuses: Array<string | undefined>;
  changes?: ResourceChange[];
  changeSetStatus?: { status: string; reason?: string };
  /** Events the stack operation produces (oldest first). */
  events?: Array<Omit<StackEvent, 'id' | 'timestamp'>>;
  deployed?: CfnTemplate;
  /** listChangeSets also returns a change set someone else made, waiting for review (default false). */
  foreign?: boolean;
  /** What sftpgw's own earlier change set `sftpgw-old` is (default: FAILED, stale). */
  old?: Pick<ChangeSetSummary, 'status' | 'executionStatus' | 'creationTime'>;
  /** Deployed child stacks' templates by logical id (physical id `child:<id>`). */
  deployedChildren?: Record<string, CfnTemplate>;
  /** What GetTemplate answers for a change set (AWS: the change set's template; moto cannot). */
  changeSetTemplate?: CfnTemplate;
  /** What DescribeStackResources lists (the deployed physical ids). */
  resources?: StackResource[];
}

class FakeCloudFormation implements CloudFormationApi {
  calls: string[] = [];
  created: CreateChangeSetInput[] = [];
  private statusIndex = 0;
  private eventLog: StackEvent[] = [];
  constructor(private readonly s: Script) {}
  async describeStack(): Promise<StackInfo | undefined> {
    this.calls.push('describeStack');
    const status = this.s.statuses[Math.min(this.statusIndex++, this.s.statuses.length - 1)];
    return status === undefined
      ? undefined
      : { id: 'arn:stack', status, outputs: { Out: 'v' }, terminationProtection: false };
  }
  async getTemplate(stackName: string, changeSetName?: string): Promise<string | undefined> {
    this.calls.push(changeSetName ? 'getTemplate:changeSet' : 'getTemplate');
    if (stackName.startsWith('child:'))
      return JSON.stringify(this.s.deployedChildren?.[stackName.slice('child:'.length)]);
    const t = changeSetName ? this.s.changeSetTemplate : this.s.deployed;
    return t ? JSON.stringify(t) : undefined;
  }
  async createChangeSet(i: CreateChangeSetInput): Promise<{ id: string }> {
    this.calls.push(`createChangeSet:${i.changeSetType}`);
    this.created.push(i);
    return { id: i.changeSetName };
  }
  async describeChangeSet(_stack: string, name: string): Promise<ChangeSetInfo> {
    this.calls.push('describeChangeSet');
    const st = this.s.changeSetStatus ?? { status: 'CREATE_COMPLETE' };
    return {
      id: name,
      name,
      status: st.status,
      statusReason: st.reason,
      executionStatus: 'AVAILABLE',
      changes: this.s.changes ?? [],
    };
  }
  async listChangeSets(): Promise<ChangeSetSummary[]> {
    this.calls.push('listChangeSets');
    const ours: ChangeSetSummary = {
      name: 'sftpgw-old',
      stackName: 'gw',
      status: 'FAILED',
      executionStatus: 'UNAVAILABLE',
      ...this.s.old,
      description: 'sftpgw deploy',
    };
    const list = this.calls.includes('deleteChangeSet:stale') ? [] : [ours];
    if (this.s.foreign === true)
      list.push({
        name: 'someone-elses',
        stackName: 'gw',
        status: 'CREATE_COMPLETE',
        executionStatus: 'AVAILABLE',
        description: 'manual',
      });
    return list;
  }
  async executeChangeSet(): Promise<void> {
    this.calls.push('executeChangeSet');
    const t = Date.now();
    this.eventLog = (this.s.events ?? []).map((e, i) => ({
      ...e,
      id: `e${i}`,
      timestamp: new Date(t + i),
    }));
  }
  async deleteChangeSet(_stack: string, name: string): Promise<void> {
    this.calls.push(
      `deleteChangeSet:${name.startsWith('sftpgw-old') ? 'stale' : name === 'someone-elses' ? 'foreign' : 'ours'}`,
    );
  }
  async stackEvents(): Promise<StackEvent[]> {
    this.calls.push('stackEvents');
    return [...this.eventLog].reverse();
  }
  async physicalId(_stack: string, logicalId: string): Promise<string | undefined> {
    this.calls.push('physicalId');
    return this.s.deployedChildren?.[logicalId] ? `child:${logicalId}` : undefined;
  }
  async deleteStack(): Promise<void> {
    this.calls.push('deleteStack');
  }
  async setTerminationProtection(): Promise<void> {
    this.calls.push('setTerminationProtection');
  }
  async stackResources(): Promise<StackResource[]> {
    this.calls.push('stackResources');
    return this.s.resources ?? [];
  }
}

const clock: Clock = { now: () => Date.now(), sleep: async () => {}, pollMs: 1, timeoutMs: 60_000 };

const bucketTemplate = (name: string): CfnTemplate => ({
  Resources: {
    Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: name } },
    UserBob: {
      Type: 'AWS::Transfer::User',
      Properties: { UserName: 'bob', ServerId: 's-1', Role: 'r' },
    },
  },
});

function request(template: CfnTemplate, over: Partial<DeployRequest> = {}): DeployRequest {
  return {
    stackName: 'gw',
    template,
    parameters: {},
    tags: { 'sftpgw:gateway': 'gw' },
    capabilities: ['CAPABILITY_IAM'],
    allowReplace: [],
    recreateFailed: 'no',
    templatePrefix: 'p',
    execute: 'yes',
    ...over,
  };
}

async function run(
  script: Script,
  req: DeployRequest,
  confirm = async (_question: string) => false,
  templates?: TemplateReader,
) {
  const cfn = new FakeCloudFormation(script);
  const reporter = new RecordingReporter();
  const shown: Preview[] = [];
  let error: SftpgwError | undefined;
  let result;
  try {
    result = await deploy(req, { cfn, reporter, clock, confirm, templates }, (p) => shown.push(p));
  } catch (err) {
    if (!(err instanceof SftpgwError)) throw err;
    error = err;
  }
  return { cfn, reporter, shown, error, result };
}

describe('deploy engine (fake CloudFormation: failure and rollback paths)', function () {
  it('prints the root causes of a failed update, not the cascade of cancellations', async function () {
    const { error, cfn } = await run(
      {
        statuses: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'],
        changes: [{ action: 'Modify', logicalId: 'Queue', resourceType: 'AWS::SQS::Queue' }],
        events: [
          {
            logicalId: 'gw',
            resourceType: 'AWS::CloudFormation::Stack',
            status: 'UPDATE_IN_PROGRESS',
          },
          {
            logicalId: 'Queue',
            resourceType: 'AWS::SQS::Queue',
            status: 'UPDATE_FAILED',
            reason: 'Value for MessageRetentionPeriod is out of range',
          },
          {
            logicalId: 'Fn',
            resourceType: 'AWS::Lambda::Function',
            status: 'UPDATE_FAILED',
            reason: 'Resource update cancelled',
          },
          {
            logicalId: 'gw',
            resourceType: 'AWS::CloudFormation::Stack',
            status: 'UPDATE_ROLLBACK_IN_PROGRESS',
            reason: 'The following resource(s) failed to update: [Queue]',
          },
          {
            logicalId: 'gw',
            resourceType: 'AWS::CloudFormation::Stack',
            status: 'UPDATE_ROLLBACK_COMPLETE',
          },
        ],
        deployed: { Resources: { Queue: { Type: 'AWS::SQS::Queue' } } },
      },
      request({
        Resources: {
          Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 9 } },
        },
      }),
    );
    expect(error?.message).to.equal('deploying gw failed: the stack is UPDATE_ROLLBACK_COMPLETE');
    expect(error?.problems).to.deep.equal([
      {
        field: 'Queue',
        message: 'UPDATE_FAILED: Value for MessageRetentionPeriod is out of range',
      },
    ]);
    expect(cfn.calls).to.include('executeChangeSet');
  });

  it('a failed creation (ROLLBACK_COMPLETE) is explained and left alone without --recreate-failed', async function () {
    const { error, cfn } = await run(
      { statuses: ['ROLLBACK_COMPLETE'] },
      request(bucketTemplate('a')),
    );
    expect(error?.message).to.match(
      /stack gw is ROLLBACK_COMPLETE: its creation failed and CloudFormation can only delete it/,
    );
    expect(error?.hint).to.match(/--recreate-failed/);
    expect(cfn.calls).not.to.include('deleteStack');
    expect(cfn.calls.some((c) => c.startsWith('createChangeSet'))).to.equal(false);
  });

  it('with --recreate-failed (or a yes at the prompt) deletes the failed stack and creates it again', async function () {
    for (const [recreateFailed, answer] of [
      ['yes', false],
      ['ask', true],
    ] as const) {
      const { result, cfn } = await run(
        {
          statuses: [
            'ROLLBACK_COMPLETE',
            'DELETE_IN_PROGRESS',
            undefined,
            undefined,
            'CREATE_COMPLETE',
          ],
          changes: [{ action: 'Add', logicalId: 'Data', resourceType: 'AWS::S3::Bucket' }],
        },
        request(bucketTemplate('a'), { recreateFailed }),
        async () => answer,
      );
      expect(result?.kind, recreateFailed).to.equal('executed');
      expect(
        cfn.calls.filter((c) => c === 'deleteStack' || c.startsWith('createChangeSet')),
      ).to.deep.equal(['deleteStack', 'createChangeSet:CREATE']);
    }
  });

  it('an empty REVIEW_IN_PROGRESS stack left by an earlier change set is removed, then created', async function () {
    const { cfn, result } = await run(
      {
        statuses: ['REVIEW_IN_PROGRESS', 'DELETE_COMPLETE', undefined, 'CREATE_COMPLETE'],
        foreign: false,
      },
      request(bucketTemplate('a')),
    );
    const steps = cfn.calls.filter(
      (c) =>
        c.startsWith('deleteChangeSet') || c === 'deleteStack' || c.startsWith('createChangeSet'),
    );
    expect(steps).to.deep.equal(['deleteChangeSet:stale', 'deleteStack', 'createChangeSet:CREATE']);
    expect(result?.kind).to.equal('executed');
  });

  it("a REVIEW_IN_PROGRESS stack with someone else's change set waiting is left alone", async function () {
    const { cfn, error } = await run(
      { statuses: ['REVIEW_IN_PROGRESS'], foreign: true },
      request(bucketTemplate('a')),
    );
    expect(error?.message).to.equal(
      'stack gw has a change set waiting for review: someone-elses (creation time not known, not made by sftpgw)',
    );
    expect(cfn.calls).not.to.include('deleteStack');
    expect(cfn.calls).not.to.include('deleteChangeSet:foreign');
  });

  it('waits for another operation on the stack to finish, saying so', async function () {
    const { cfn, reporter, result } = await run(
      {
        statuses: [
          'UPDATE_IN_PROGRESS',
          'UPDATE_IN_PROGRESS',
          'UPDATE_COMPLETE',
          'UPDATE_COMPLETE',
          'UPDATE_COMPLETE',
        ],
        deployed: bucketTemplate('a'),
      },
      request(bucketTemplate('a')),
    );
    expect(reporter.messages.map((m) => m.message)).to.include(
      'stack gw is UPDATE_IN_PROGRESS (another operation); waiting for it to finish',
    );
    expect(cfn.calls).to.include('createChangeSet:UPDATE');
    expect(result?.kind).to.equal('executed');
  });

  it('says what to do with a stack stuck in UPDATE_ROLLBACK_FAILED', async function () {
    const { error } = await run(
      { statuses: ['UPDATE_ROLLBACK_FAILED'] },
      request(bucketTemplate('a')),
    );
    expect(error?.message).to.equal('stack gw is UPDATE_ROLLBACK_FAILED');
    expect(error?.hint).to.match(/continue-update-rollback/);
  });

  it('returns the stack outputs of a deploy', async function () {
    const { result } = await run(
      { statuses: [undefined, 'CREATE_COMPLETE'] },
      request(bucketTemplate('a')),
    );
    expect(result).to.deep.include({
      kind: 'executed',
      status: 'CREATE_COMPLETE',
      outputs: { Out: 'v' },
    });
  });

  it('no changes: success, the empty change set deleted, nothing executed', async function () {
    const { result, cfn } = await run(
      {
        statuses: ['UPDATE_COMPLETE'],
        changeSetStatus: {
          status: 'FAILED',
          reason:
            "The submitted information didn't contain changes. Submit different information to create a change set.",
        },
      },
      request(bucketTemplate('a')),
    );
    expect(result).to.deep.equal({ kind: 'no-changes', stackName: 'gw' });
    expect(cfn.calls).to.include('deleteChangeSet:ours');
    expect(cfn.calls).not.to.include('executeChangeSet');
  });

  it("deletes its own stale change sets, never anyone else's", async function () {
    const { cfn } = await run(
      {
        statuses: ['UPDATE_COMPLETE'],
        changeSetStatus: { status: 'FAILED', reason: 'No updates are to be performed.' },
      },
      request(bucketTemplate('a')),
    );
    expect(cfn.calls).to.include('deleteChangeSet:stale');
    expect(cfn.calls).not.to.include('deleteChangeSet:foreign');
  });

  // States moto cannot produce: it answers a change set complete at once and
  // never marks one OBSOLETE or EXECUTE_FAILED.
  it('stale means nobody can execute it: OBSOLETE and EXECUTE_FAILED go; one CloudFormation is still creating counts as in review', async function () {
    for (const executionStatus of ['OBSOLETE', 'EXECUTE_FAILED']) {
      const { cfn, error } = await run(
        { statuses: ['UPDATE_COMPLETE'], old: { status: 'CREATE_COMPLETE', executionStatus } },
        request(bucketTemplate('a')),
      );
      expect(error, executionStatus).to.equal(undefined);
      expect(cfn.calls, executionStatus).to.include('deleteChangeSet:stale');
    }
    const { cfn, error } = await run(
      {
        statuses: ['UPDATE_COMPLETE'],
        old: { status: 'CREATE_IN_PROGRESS', executionStatus: 'UNAVAILABLE' },
      },
      request(bucketTemplate('a')),
    );
    expect(error?.message).to.equal(
      'stack gw has a change set waiting for review: sftpgw-old (creation time not known, made by sftpgw deploy, CREATE_IN_PROGRESS)',
    );
    expect(cfn.calls).not.to.include('deleteChangeSet:stale');
    expect(cfn.calls).not.to.include('createChangeSet:UPDATE');
  });

  it('change sets in review: refused (two named), asked about on a terminal, replaced with --replace-pending', async function () {
    const inReview = {
      statuses: ['UPDATE_COMPLETE'],
      foreign: true,
      old: {
        status: 'CREATE_COMPLETE',
        executionStatus: 'AVAILABLE',
        creationTime: new Date('2026-01-02T03:04:05Z'),
      },
      deployed: bucketTemplate('a'),
    };
    const refused = await run(inReview, request(bucketTemplate('a')));
    expect(refused.error?.message).to.equal('stack gw has 2 change sets waiting for review');
    expect(refused.error?.problems.map((p) => `${p.field}: ${p.message}`)).to.deep.equal([
      'sftpgw-old: created 2026-01-02 03:04:05 UTC, made by sftpgw deploy',
      'someone-elses: creation time not known, not made by sftpgw',
    ]);
    expect(refused.error?.hint).to.include('--replace-pending');
    expect(refused.cfn.calls.filter((c) => c.startsWith('deleteChangeSet'))).to.deep.equal([]);

    const questions: string[] = [];
    const declined = await run(
      inReview,
      request(bucketTemplate('a'), { replacePending: 'ask' }),
      async (q) => {
        questions.push(q);
        return false;
      },
    );
    expect(questions[0]).to.match(
      /^Stack gw has change sets waiting for review: sftpgw-old \(created 2026-01-02 03:04:05 UTC, made by sftpgw deploy\), someone-elses \(.*\)\. Delete them and create a new one\?/,
    );
    expect(declined.error?.message).to.equal('stack gw has 2 change sets waiting for review');

    const replaced = await run(inReview, request(bucketTemplate('a'), { replacePending: 'yes' }));
    expect(replaced.error).to.equal(undefined);
    expect(
      replaced.cfn.calls.filter((c) => c.startsWith('deleteChangeSet') || c.startsWith('create')),
    ).to.deep.equal(['deleteChangeSet:stale', 'deleteChangeSet:foreign', 'createChangeSet:UPDATE']);
  });

  it('reports its phases through the reporter: what an interruption would leave', async function () {
    const { reporter } = await run(
      { statuses: ['UPDATE_COMPLETE'], deployed: bucketTemplate('a') },
      request(bucketTemplate('a')),
    );
    expect(
      reporter.phases.map((p) => `${p.kind}${'state' in p ? `:${p.state}` : ''}`),
    ).to.deep.equal(['change-set:creating', 'change-set:review', 'executing', 'settled']);
  });

  it('a change set CloudFormation refuses for another reason is an error with that reason', async function () {
    const { error } = await run(
      {
        statuses: ['UPDATE_COMPLETE'],
        changeSetStatus: {
          status: 'FAILED',
          reason: 'Template format error: Unresolved resource dependencies [X]',
        },
      },
      request(bucketTemplate('a')),
    );
    expect(error?.message).to.equal(
      'CloudFormation refused the change set for gw: Template format error: Unresolved resource dependencies [X]',
    );
  });

  it("honours CloudFormation's Replacement: True on a stateful resource (moto never sets it)", async function () {
    const { error, cfn } = await run(
      {
        statuses: ['UPDATE_COMPLETE'],
        changes: [
          {
            action: 'Modify',
            logicalId: 'Data',
            resourceType: 'AWS::S3::Bucket',
            replacement: 'True',
          },
        ],
        deployed: bucketTemplate('a'),
      },
      request(bucketTemplate('a')),
    );
    expect(error?.message).to.equal(
      'refused: the change to gw would replace or delete 1 stateful resource',
    );
    expect(error?.problems[0]).to.deep.equal({
      field: 'Data',
      message: 'AWS::S3::Bucket would be replaced (CloudFormation says it will be replaced)',
    });
    expect(cfn.calls).not.to.include('executeChangeSet');
    expect(cfn.calls).to.include('deleteChangeSet:ours');
  });

  it('--no-execute leaves the change set; a declined prompt deletes it', async function () {
    const pending = await run(
      {
        statuses: ['UPDATE_COMPLETE'],
        changes: [{ action: 'Add', logicalId: 'Q', resourceType: 'AWS::SQS::Queue' }],
        deployed: bucketTemplate('a'),
      },
      request(bucketTemplate('a'), { execute: 'no' }),
    );
    expect(pending.result?.kind).to.equal('pending');
    expect(pending.cfn.calls).not.to.include('deleteChangeSet:ours');
    const declined = await run(
      {
        statuses: ['UPDATE_COMPLETE'],
        changes: [{ action: 'Add', logicalId: 'Q', resourceType: 'AWS::SQS::Queue' }],
        deployed: bucketTemplate('a'),
      },
      request(bucketTemplate('a'), { execute: 'ask' }),
      async () => false,
    );
    expect(declined.result?.kind).to.equal('declined');
    expect(declined.cfn.calls).to.include('deleteChangeSet:ours');
    expect(declined.cfn.calls).not.to.include('executeChangeSet');
  });
});

describe('deploy --execute NAME: one path with deploy (fake CloudFormation: moto ignores ChangeSetName in GetTemplate)', function () {
  const user = (name: string, server = 's-1') => ({
    Type: 'AWS::Transfer::User',
    Properties: { UserName: name, ServerId: server },
  });
  const url = (id: string, v: string) =>
    `https://s3.us-east-1.amazonaws.com/artifacts/p/templates/${id}-${v}.json`;
  const root = (userStacks: number, v: string): CfnTemplate => ({
    Metadata: { sftpgw: { userStacks } },
    Resources: {
      Users0: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: url('Users0', v) } },
      Users1: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: url('Users1', v) } },
    },
  });
  const deployedChildren = {
    Users0: { Resources: { UserA: user('a'), UserB: user('b') } },
    Users1: { Resources: { UserC: user('c') } },
  };
  // userStacks 2 → 3: a moves to Users1; b is removed; c's ServerId changes (create-only: c would be replaced).
  const nextChildren = {
    Users0: { Resources: {} },
    Users1: { Resources: { UserA: user('a'), UserC: user('c', 's-2') } },
  };
  const script = (): Script => ({
    statuses: ['UPDATE_COMPLETE'],
    changes: [
      { action: 'Modify', logicalId: 'Users0', resourceType: 'AWS::CloudFormation::Stack' },
      { action: 'Modify', logicalId: 'Users1', resourceType: 'AWS::CloudFormation::Stack' },
    ],
    deployed: root(2, 'old'),
    deployedChildren,
    changeSetTemplate: root(3, 'new'),
  });
  /** The change set's child templates, as S3 holds them under their TemplateURLs. */
  const reader = (): TemplateReader & { urls: string[] } => {
    const urls: string[] = [];
    const byUrl = new Map(
      Object.entries(nextChildren).map(([id, t]) => [url(id, 'new'), JSON.stringify(t)]),
    );
    return {
      urls,
      read: async (u) => {
        urls.push(u);
        const t = byUrl.get(u);
        if (!t) throw new Error(`no object at ${u}`);
        return t;
      },
    };
  };
  const existing = (over: Partial<DeployRequest> = {}): DeployRequest =>
    ({
      stackName: 'gw',
      changeSetName: 'sftpgw-review',
      allowReplace: [],
      execute: 'yes',
      ...over,
    }) as DeployRequest;
  const fromTemplate = (over: Partial<DeployRequest> = {}): DeployRequest =>
    request(root(3, 'new'), { children: nextChildren, ...over });

  it('plans the child stacks as a deploy does: the same plan, the same refusal', async function () {
    const applied = await run(script(), existing(), async () => false, reader());
    const created = await run(script(), fromTemplate(), async () => false, reader());
    for (const r of [applied, created]) {
      expect(r.cfn.calls, 'refused: nothing executed').not.to.include('executeChangeSet');
      expect(r.shown).to.have.length(1);
    }
    expect(applied.shown[0].plan).to.deep.equal(created.shown[0].plan);
    expect(applied.error?.message).to.equal(created.error?.message);
    const plan = applied.shown[0].plan;
    expect(plan.moves).to.deep.equal([{ userName: 'a', from: 'Users0', to: 'Users1' }]);
    expect(plan.placementChange).to.deep.equal({ from: 2, to: 3 });
    expect(
      plan.removedUsers.map((u) => u.userName),
      'a user removed inside a child stack is listed',
    ).to.deep.equal(['b']);
    expect(plan.refused.map((c) => c.logicalId)).to.deep.equal(['Users1/UserC']);
    expect(applied.error?.message).to.equal(
      'refused: the change to gw would replace or delete 1 stateful resource',
    );
    expect(applied.error?.hint).to.include('--allow-replace Users1/UserC');
  });

  it("reads the change set's own templates: the root from CloudFormation, the children from S3 by their URLs", async function () {
    const templates = reader();
    const { cfn } = await run(script(), existing(), async () => false, templates);
    expect(cfn.calls).to.include('getTemplate:changeSet');
    expect(templates.urls.sort()).to.deep.equal([url('Users0', 'new'), url('Users1', 'new')]);
  });

  it('--allow-user-moves and --allow-replace are honoured there too; the user move alone is refused without them', async function () {
    const moveOnly = { ...script(), changeSetTemplate: root(3, 'new') };
    const onlyMoves = {
      Users0: { Resources: { UserB: user('b') } },
      Users1: { Resources: { UserA: user('a'), UserC: user('c') } },
    };
    const templates: TemplateReader = {
      read: async (u) =>
        JSON.stringify(u === url('Users0', 'new') ? onlyMoves.Users0 : onlyMoves.Users1),
    };
    const refused = await run(moveOnly, existing(), async () => false, templates);
    expect(refused.error?.message).to.equal(
      'refused: the change to gw would move 1 SFTP user between stacks (userStacks 2 → 3)',
    );
    expect(refused.cfn.calls).not.to.include('executeChangeSet');
    expect(
      refused.cfn.calls.filter((c) => c.startsWith('deleteChangeSet')),
      'a change set an earlier run left stays for its owner',
    ).to.deep.equal([]);
    const allowed = await run(
      moveOnly,
      existing({ allowUserMoves: true }),
      async () => false,
      templates,
    );
    expect(allowed.error).to.equal(undefined);
    expect(allowed.result?.kind).to.equal('executed');
    const all = await run(
      script(),
      existing({ allowUserMoves: true, allowReplace: ['Users1/UserC'] }),
      async () => false,
      reader(),
    );
    expect(all.result?.kind).to.equal('executed');
  });

  it('the endpoint guard too: refused without --allow-endpoint-change, the old and new addresses in the plan', async function () {
    const vpcServer = (subnets: string[]) => ({
      Type: 'AWS::Transfer::Server',
      Properties: {
        EndpointType: 'VPC',
        EndpointDetails: {
          VpcId: 'vpc-1',
          SubnetIds: subnets,
          AddressAllocationIds: subnets.map((_, i) => ({
            'Fn::GetAtt': [`ServerAddress${i + 1}`, 'AllocationId'],
          })),
        },
      },
    });
    const eip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
    const endpointScript = (): Script => ({
      statuses: ['UPDATE_COMPLETE'],
      changes: [
        { action: 'Modify', logicalId: 'Server', resourceType: 'AWS::Transfer::Server' },
        { action: 'Remove', logicalId: 'ServerAddress2', resourceType: 'AWS::EC2::EIP' },
      ],
      deployed: {
        Resources: {
          Server: vpcServer(['subnet-a', 'subnet-b']),
          ServerAddress1: eip,
          ServerAddress2: eip,
        },
      },
      changeSetTemplate: {
        Resources: { Server: vpcServer(['subnet-a']), ServerAddress1: eip },
      },
      resources: [
        {
          logicalId: 'ServerAddress1',
          type: 'AWS::EC2::EIP',
          physicalId: '192.0.2.10',
          status: 'x',
        },
        {
          logicalId: 'ServerAddress2',
          type: 'AWS::EC2::EIP',
          physicalId: '192.0.2.11',
          status: 'x',
        },
      ],
    });
    const applied = await run(endpointScript(), existing());
    const created = await run(endpointScript(), request(endpointScript().changeSetTemplate!));
    expect(applied.shown[0].plan).to.deep.equal(created.shown[0].plan);
    expect(applied.error?.message).to.equal(
      'refused: the change to gw would stop the SFTP server and change its endpoint or addresses',
    );
    expect(applied.cfn.calls).not.to.include('executeChangeSet');
    expect(applied.shown[0].plan.endpoint?.notice).to.deep.equal({
      before: {
        endpointType: 'VPC',
        addresses: ['192.0.2.10', '192.0.2.11'],
        pending: [],
        unknown: [],
      },
      after: { endpointType: 'VPC', addresses: ['192.0.2.10'], pending: [], unknown: [] },
    });
    const text = formatPlan('Changes:', applied.shown[0].plan, false);
    expect(text).to.include('before: 192.0.2.10, 192.0.2.11 (VPC)');
    expect(text).to.include('after:  192.0.2.10 (VPC)');
    const allowed = await run(endpointScript(), existing({ allowEndpointChange: true }));
    expect(allowed.error).to.equal(undefined);
    expect(allowed.result?.kind).to.equal('executed');
  });

  it('a child template it cannot read is an error, never a child left unchecked', async function () {
    const { error, cfn } = await run(script(), existing(), async () => false, {
      read: async (u) => {
        throw new SftpgwError('failed', `cannot read ${u}`);
      },
    });
    expect(error?.message).to.equal(`cannot read ${url('Users0', 'new')}`);
    expect(cfn.calls).not.to.include('executeChangeSet');
    const noReader = await run(script(), existing());
    expect(noReader.error?.message).to.equal(
      `Users0: cannot read its template ${url('Users0', 'new')}`,
    );
  });
});
