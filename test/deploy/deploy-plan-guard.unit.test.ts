// The deploy guard (cli/engine/deploy/guard.ts), rule by rule: pure functions
// over planned changes, so each rule is a row of a table; and the replacement
// guard over a change set against the deployed template (planFacts → guard).
// The guard's rules for the SFTP server endpoint and the Elastic IP quota are
// in deploy-plan-endpoint.unit.test.ts. How the engine acts on a refusal
// (nothing executed, its own change set deleted) is in
// deploy-engine.unit.test.ts and deploy-moto.test.ts. A deletion the
// deployed DeletionPolicy (Retain, RetainExceptOnCreate) turns into keeping
// the resource is allowed and listed; a replacement of such a resource is not.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { needsAllowance } from '../../cli/engine/deploy/guard.js';
import { creationPlan, plannedChange } from '../../cli/engine/deploy/plan.js';
import type { PlanFacts, PlannedChange, UserMove } from '../../cli/engine/deploy/types.js';
import { repoRoot } from '../helpers/project.js';
import { expect } from 'chai';
import type { ChangeSetInfo, ResourceChange } from '../../cli/adapters/aws/cloudformation.js';
import { guard, isRefused, refusal } from '../../cli/engine/deploy/guard.js';
import { planFacts, replacementReason } from '../../cli/engine/deploy/plan.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { change, replaced, planChanges } from '../helpers/planned-changes.js';
import { withRetainedIds } from '../../cli/engine/deploy/retained-ids.js';
import { formatPlan } from '../../cli/plan-text.js';
import { planDocument } from '../../cli/output-schemas/plan.js';

describe('deploy guard: what is refused, and how to allow it', function () {
  // [what, the change, allowReplace, refused?]
  const rows: Array<[string, PlannedChange, string[], boolean]> = [
    ['a bucket replaced', replaced('Data', 'AWS::S3::Bucket'), [], true],
    ['a bucket replaced, allowed by its id', replaced('Data', 'AWS::S3::Bucket'), ['Data'], false],
    ['a bucket replaced, another id allowed', replaced('Data', 'AWS::S3::Bucket'), ['Logs'], true],
    ['a bucket deleted', change('remove', 'Data', 'AWS::S3::Bucket'), [], true],
    [
      'a bucket deleted that its DeletionPolicy Retain keeps in the account: listed, not refused',
      change('remove', 'Data', 'AWS::S3::Bucket', { retained: { deletionPolicy: 'Retain' } }),
      [],
      false,
    ],
    [
      'a log group deleted that RetainExceptOnCreate keeps',
      change('remove', 'Logs', 'AWS::Logs::LogGroup', {
        retained: { deletionPolicy: 'RetainExceptOnCreate' },
      }),
      [],
      false,
    ],
    ['a KMS key replaced', replaced('Key', 'AWS::KMS::Key'), [], true],
    [
      'the Transfer server replaced (its endpoint is what partners use)',
      replaced('Server', 'AWS::Transfer::Server'),
      [],
      true,
    ],
    ['a log group deleted', change('remove', 'Logs', 'AWS::Logs::LogGroup'), [], true],
    ['a queue deleted', change('remove', 'Queue', 'AWS::SQS::Queue'), [], true],
    ['a queue deleted, allowed', change('remove', 'Queue', 'AWS::SQS::Queue'), ['Queue'], false],
    ['a queue updated in place', change('modify', 'Queue', 'AWS::SQS::Queue'), [], false],
    [
      'a bucket that CloudFormation may replace (conditional): listed, not refused',
      change('modify', 'Data', 'AWS::S3::Bucket', { conditional: true }),
      [],
      false,
    ],
    [
      'an SFTP user replaced (a create-only property changes)',
      replaced('UserBob', 'AWS::Transfer::User'),
      [],
      true,
    ],
    [
      'an SFTP user removed (its user file is gone): listed, not refused',
      change('remove', 'UserBob', 'AWS::Transfer::User'),
      [],
      false,
    ],
    ['a stateless role replaced', replaced('Role', 'AWS::IAM::Role'), [], false],
    ['a stateless topic deleted', change('remove', 'Topic', 'AWS::SNS::Topic'), [], false],
    ['a bucket added', change('add', 'Data', 'AWS::S3::Bucket'), [], false],
  ];
  for (const [what, c, allowReplace, refused] of rows) {
    it(`${refused ? 'refuses' : 'lets through'}: ${what}${allowReplace.length ? ` (--allow-replace ${allowReplace.join(' ')})` : ''}`, function () {
      const plan = guard({ changes: [c] }, { allowReplace });
      expect(plan.refused.map((r) => r.logicalId)).to.deep.equal(refused ? [c.logicalId] : []);
      expect(isRefused(plan)).to.equal(refused);
      expect(needsAllowance(c)).to.equal(refused || allowReplace.includes(c.logicalId));
    });
  }

  it('inside a child stack the id to allow is Child/Id, and only that', function () {
    const facts: PlanFacts = {
      changes: [],
      nested: [{ stack: 'Users0', changes: [replaced('UserBob', 'AWS::Transfer::User')] }],
      moves: [],
    };
    expect(guard(facts, { allowReplace: [] }).refused.map((c) => c.logicalId)).to.deep.equal([
      'Users0/UserBob',
    ]);
    expect(
      guard(facts, { allowReplace: ['UserBob'] }).refused.map((c) => c.logicalId),
      'the bare id does not allow it',
    ).to.deep.equal(['Users0/UserBob']);
    expect(guard(facts, { allowReplace: ['Users0/UserBob'] }).refused).to.deep.equal([]);
  });

  it('removed users are listed from the root and every child stack; a user that moves is not removed', function () {
    const facts: PlanFacts = {
      changes: [change('remove', 'UserAnn', 'AWS::Transfer::User', { userName: 'ann' })],
      nested: [
        {
          stack: 'Users0',
          changes: [
            change('remove', 'UserBob', 'AWS::Transfer::User', { userName: 'bob' }),
            change('remove', 'UserCid', 'AWS::Transfer::User', { userName: 'cid' }),
          ],
        },
        {
          stack: 'Users1',
          changes: [change('add', 'UserCid', 'AWS::Transfer::User', { userName: 'cid' })],
        },
      ],
      moves: [{ userName: 'cid', from: 'Users0', to: 'Users1' }],
    };
    const plan = guard(facts, { allowReplace: [], allowUserMoves: true });
    expect(plan.removedUsers.map((u) => `${u.logicalId} ${u.userName}`)).to.deep.equal([
      'UserAnn ann',
      'Users0/UserBob bob',
    ]);
    expect(isRefused(plan)).to.equal(false);
  });

  // [what, moves, userStacks change, allowUserMoves, refused?]
  const moveRows: Array<
    [string, UserMove[], { from: number; to: number } | undefined, boolean, boolean]
  > = [
    [
      'a user moving between stacks',
      [{ userName: 'a', from: 'Users0', to: 'Users1' }],
      undefined,
      false,
      true,
    ],
    [
      'a user moving, --allow-user-moves',
      [{ userName: 'a', from: 'Users0', to: 'Users1' }],
      undefined,
      true,
      false,
    ],
    ['userStacks changing while users are deployed', [], { from: 2, to: 3 }, false, true],
    ['userStacks changing, --allow-user-moves', [], { from: 2, to: 3 }, true, false],
    ['no move, no userStacks change', [], undefined, false, false],
  ];
  for (const [what, moves, placementChange, allowUserMoves, refused] of moveRows) {
    it(`${refused ? 'refuses' : 'lets through'}: ${what}`, function () {
      const plan = guard(
        { changes: [], nested: [], moves, placementChange },
        { allowReplace: [], allowUserMoves },
      );
      expect(isRefused(plan)).to.equal(refused);
      expect(plan.moves).to.deep.equal(allowUserMoves ? [] : moves);
      expect(plan.placementChange).to.deep.equal(allowUserMoves ? undefined : placementChange);
    });
  }

  it('a creation has nothing to judge: the plan has no nested, moves or userStacks fields', function () {
    const plan = creationPlan({
      Resources: {
        Data: { Type: 'AWS::S3::Bucket' },
        UserBob: { Type: 'AWS::Transfer::User', Properties: { UserName: 'bob' } },
      },
    });
    expect(Object.keys(plan)).to.deep.equal(['changes', 'refused', 'removedUsers', 'retained']);
    expect(plan.changes).to.deep.equal([
      {
        action: 'add',
        logicalId: 'Data',
        type: 'AWS::S3::Bucket',
        replacement: false,
        conditional: false,
        stateful: true,
      },
      {
        action: 'add',
        logicalId: 'UserBob',
        type: 'AWS::Transfer::User',
        replacement: false,
        conditional: false,
        stateful: true,
        userName: 'bob',
      },
    ]);
    expect(isRefused(plan)).to.equal(false);
  });
});

describe('deploy guard: the refusal says what would happen and which flags allow it', function () {
  it('stateful resources: each one, how it would be lost, and one --allow-replace per id', function () {
    const plan = guard(
      {
        changes: [
          replaced('Data', 'AWS::S3::Bucket'),
          change('remove', 'Queue', 'AWS::SQS::Queue'),
        ],
      },
      { allowReplace: [] },
    );
    const err = refusal(plan, 'gw');
    expect(err.kind).to.equal('failed');
    expect(err.message).to.equal(
      'refused: the change to gw would replace or delete 2 stateful resources',
    );
    expect(err.hint).to.equal(
      'nothing was changed. If this is intended, allow each one: --allow-replace Data --allow-replace Queue',
    );
    expect(err.problems).to.deep.equal([
      {
        field: 'Data',
        message: 'AWS::S3::Bucket would be replaced (X is create-only and changes)',
      },
      { field: 'Queue', message: 'AWS::SQS::Queue would be deleted' },
    ]);
  });

  it('user moves: the count, the userStacks change, the first ten moves and how many more', function () {
    const moves = Array.from({ length: 12 }, (_, i) => ({
      userName: `u${i}`,
      from: '(root stack)',
      to: 'Users0',
    }));
    const err = refusal(
      guard(
        { changes: [], nested: [], moves, placementChange: { from: 0, to: 1 } },
        { allowReplace: [] },
      ),
      'gw',
    );
    expect(err.message).to.equal(
      'refused: the change to gw would move 12 SFTP users between stacks (userStacks unset → 1)',
    );
    expect(err.hint).to.match(/--allow-user-moves$/);
    expect(err.problems).to.have.length(11);
    expect(err.problems[0]).to.deep.equal({ field: 'u0', message: '(root stack) → Users0' });
    expect(err.problems[10]).to.deep.equal({ field: '…', message: 'and 2 more' });
  });

  it('stateful resources and user moves together: the stateful resources are named first', function () {
    const plan = guard(
      {
        changes: [replaced('Data', 'AWS::S3::Bucket')],
        nested: [],
        moves: [{ userName: 'a', from: 'Users0', to: 'Users1' }],
      },
      { allowReplace: [] },
    );
    expect(refusal(plan, 'gw').message).to.equal(
      'refused: the change to gw would replace or delete 1 stateful resource',
    );
  });
});

describe('deploy guard: a deployed gateway bucket about to get the default name', function () {
  // The goldens: the same downstream gateway built for a new stack (the
  // default name) and for one deployed before it (keepGeneratedGatewayName).
  const bucketOf = (env: string) =>
    (
      JSON.parse(
        readFileSync(path.join(repoRoot, 'test', 'golden', 'downstream', `${env}.json`), 'utf8'),
      ) as CfnTemplate
    ).Resources.GatewayBucket;

  it('the refusal names buckets.keepGeneratedGatewayName, and the flag after it', function () {
    const c = plannedChange({
      action: 'modify',
      logicalId: 'GatewayBucket',
      before: bucketOf('deployed-generated'),
      after: bucketOf('default'),
    });
    expect(c).to.deep.include({ replacement: true, why: 'BucketName is create-only and changes' });
    const err = refusal(guard({ changes: [c] }, { allowReplace: [] }), 'gw');
    expect(err.hint).to.match(
      /^nothing was changed\. To keep GatewayBucket: its deployed name was generated by CloudFormation; keep it: set buckets\.keepGeneratedGatewayName: true in sftpgw\.yaml \(better: the deployed name, from the stack output BucketName, so the ingest topic policy names the bucket\), then build and deploy again\. If this is intended, allow each one: --allow-replace GatewayBucket$/,
    );
    expect(err.problems?.[0]?.field).to.equal('GatewayBucket');
    expect(err.problems?.[0]?.message).to.include('buckets.keepGeneratedGatewayName: true');
  });

  it('kept (true or the name), the bucket is unchanged: nothing to refuse', function () {
    for (const env of ['deployed-generated', 'deployed-kept-name'])
      expect(
        plannedChange({
          action: 'modify',
          logicalId: 'GatewayBucket',
          before: bucketOf('deployed-generated'),
          after: bucketOf(env),
        }).replacement,
        env,
      ).to.equal(false);
  });

  it('a bucket renamed from one name to another gets no such advice: the config named it', function () {
    const named = (n: string) => ({ Type: 'AWS::S3::Bucket', Properties: { BucketName: n } });
    const c = plannedChange({
      action: 'modify',
      logicalId: 'GatewayBucket',
      before: named('a'),
      after: named('b'),
    });
    expect(c.replacement).to.equal(true);
    expect(c).to.not.have.property('keep');
  });
});

describe('plannedChange: every planned change is made the same way', function () {
  const bucket = (name: string) => ({ Type: 'AWS::S3::Bucket', Properties: { BucketName: name } });
  it("replacement from create-only properties, from CloudFormation's True, and its Conditional", function () {
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('b'),
      }),
    ).to.deep.equal({
      action: 'modify',
      logicalId: 'Data',
      type: 'AWS::S3::Bucket',
      replacement: true,
      conditional: false,
      why: 'BucketName is create-only and changes',
      stateful: true,
    });
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('a'),
        replacement: 'True',
      }),
    ).to.deep.include({ replacement: true, why: 'CloudFormation says it will be replaced' });
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('a'),
        replacement: 'Conditional',
      }),
    ).to.deep.include({ replacement: false, conditional: true });
    expect(
      plannedChange({
        action: 'modify',
        logicalId: 'Data',
        before: bucket('a'),
        after: bucket('b'),
        replacement: 'Conditional',
      }),
      'a known replacement is not conditional',
    ).to.deep.include({ replacement: true, conditional: false });
  });

  it('SFTP users by their name, from the template after (before, when removed)', function () {
    const user = (n: string) => ({ Type: 'AWS::Transfer::User', Properties: { UserName: n } });
    expect(
      plannedChange({ action: 'remove', logicalId: 'U', before: user('gone') }).userName,
    ).to.equal('gone');
    expect(plannedChange({ action: 'add', logicalId: 'U', after: user('new') }).userName).to.equal(
      'new',
    );
    expect(
      plannedChange({ action: 'add', logicalId: 'Q', resourceType: 'AWS::SQS::Queue' }),
    ).to.deep.equal({
      action: 'add',
      logicalId: 'Q',
      type: 'AWS::SQS::Queue',
      replacement: false,
      conditional: false,
      stateful: true,
    });
  });
});

describe('replacement guard (plan)', function () {
  const cs = (changes: ResourceChange[]): ChangeSetInfo => ({
    id: 'c',
    name: 'c',
    status: 'CREATE_COMPLETE',
    changes,
  });

  it('works out replacement from create-only properties and type changes', function () {
    expect(
      replacementReason(
        { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'a' } },
        { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'b' } },
      ),
    ).to.equal('BucketName is create-only and changes');
    expect(
      replacementReason(
        { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'a', Tags: [] } },
        { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'a' } },
      ),
    ).to.equal(undefined);
    expect(
      replacementReason(
        { Type: 'AWS::Transfer::Server', Properties: { Domain: 'S3' } },
        { Type: 'AWS::Transfer::Server', Properties: { Domain: 'EFS' } },
      ),
    ).to.equal('Domain is create-only and changes');
    expect(replacementReason({ Type: 'AWS::SQS::Queue' }, { Type: 'AWS::SNS::Topic' })).to.equal(
      'type changes from AWS::SQS::Queue to AWS::SNS::Topic',
    );
  });

  it('refuses replacing or deleting stateful resources unless allowed; removed users are listed, not refused', function () {
    const deployed: CfnTemplate = {
      Resources: {
        Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'a' } },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/x' } },
        Server: { Type: 'AWS::Transfer::Server', Properties: { Domain: 'S3' } },
        UserBob: { Type: 'AWS::Transfer::User', Properties: { UserName: 'bob' } },
        Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r' } },
      },
    };
    const next: CfnTemplate = {
      Resources: {
        Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'b' } },
        Server: { Type: 'AWS::Transfer::Server', Properties: { Domain: 'S3' } },
        Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r2' } },
      },
    };
    const changes: ResourceChange[] = [
      { action: 'Modify', logicalId: 'Data', resourceType: 'AWS::S3::Bucket' },
      { action: 'Remove', logicalId: 'Logs', resourceType: 'AWS::Logs::LogGroup' },
      { action: 'Remove', logicalId: 'UserBob', resourceType: 'AWS::Transfer::User' },
      { action: 'Modify', logicalId: 'Role', resourceType: 'AWS::IAM::Role' },
    ];
    const plan = planChanges(cs(changes), deployed, next);
    expect(plan.refused.map((c) => c.logicalId)).to.deep.equal(['Data', 'Logs']);
    expect(plan.removedUsers.map((c) => c.userName)).to.deep.equal(['bob']);
    expect(
      plan.changes.find((c) => c.logicalId === 'Role')?.replacement,
      'replacing a stateless role is allowed',
    ).to.equal(true);
    const allowed = planChanges(cs(changes), deployed, next, ['Data', 'Logs']);
    expect(allowed.refused).to.deep.equal([]);
  });

  it('looks inside child stacks: removed users listed, moves and a userStacks change refused, create-only changes guarded', function () {
    const user = (name: string, server = 's-1') => ({
      Type: 'AWS::Transfer::User',
      Properties: { UserName: name, ServerId: server },
    });
    const root = (n: number): CfnTemplate => ({
      Metadata: { sftpgw: { userStacks: n } },
      Resources: {
        Users0: { Type: 'AWS::CloudFormation::Stack' },
        Users1: { Type: 'AWS::CloudFormation::Stack' },
      },
    });
    const deployedChildren = {
      Users0: { Resources: { UserA: user('a'), UserB: user('b') } },
      Users1: { Resources: { UserC: user('c') } },
    };
    const changeSet = cs([
      { action: 'Modify', logicalId: 'Users0', resourceType: 'AWS::CloudFormation::Stack' },
    ]);
    const planned = (
      nextRoot: CfnTemplate,
      children: Record<string, CfnTemplate>,
      allowUserMoves: boolean,
    ) =>
      guard(
        planFacts({
          changeSet,
          deployed: { root: root(2), children: deployedChildren },
          next: { root: nextRoot, children },
        }),
        { allowReplace: [], allowUserMoves },
      );
    // b removed, c's ServerId changes (create-only: the user would be replaced).
    const next = {
      Users0: { Resources: { UserA: user('a') } },
      Users1: { Resources: { UserC: user('c', 's-2') } },
    };
    const plan = planned(root(2), next, false);
    expect(
      plan.nested?.map(
        (n) => `${n.stack}: ${n.changes.map((c) => `${c.action} ${c.logicalId}`).join(', ')}`,
      ),
    ).to.deep.equal(['Users0: remove UserB', 'Users1: modify UserC']);
    expect(plan.removedUsers.map((u) => u.userName)).to.deep.equal(['b']);
    expect(plan.refused.map((c) => `${c.logicalId}: ${c.why}`)).to.deep.equal([
      'Users1/UserC: ServerId is create-only and changes',
    ]);
    expect(isRefused(plan)).to.equal(true);

    // a moves from Users0 to Users1 as userStacks goes 2 → 3.
    const moved = planned(
      root(3),
      {
        Users0: { Resources: { UserB: user('b') } },
        Users1: { Resources: { UserA: user('a'), UserC: user('c') } },
      },
      false,
    );
    expect(moved.moves).to.deep.equal([{ userName: 'a', from: 'Users0', to: 'Users1' }]);
    expect(moved.placementChange).to.deep.equal({ from: 2, to: 3 });
    expect(moved.removedUsers, 'a move is not a removal').to.deep.equal([]);
    expect(refusal(moved, 'gw').message).to.equal(
      'refused: the change to gw would move 1 SFTP user between stacks (userStacks 2 → 3)',
    );
    const allowed = planned(
      root(3),
      {
        Users0: { Resources: { UserB: user('b') } },
        Users1: { Resources: { UserA: user('a'), UserC: user('c') } },
      },
      true,
    );
    expect(isRefused(allowed)).to.equal(false);
  });

  it('catches a replacement the change set does not list', function () {
    const deployed: CfnTemplate = {
      Resources: { Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'a' } } },
    };
    const next: CfnTemplate = {
      Resources: { Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'b' } } },
    };
    expect(planChanges(cs([]), deployed, next).refused.map((c) => c.logicalId)).to.deep.equal([
      'Data',
    ]);
  });
});

describe('deploy guard: a deletion the deployed DeletionPolicy turns into keeping the resource', function () {
  const cs = (changes: ResourceChange[]): ChangeSetInfo => ({
    id: 'c',
    name: 'c',
    status: 'CREATE_COMPLETE',
    changes,
  });
  const bucket = (policy?: unknown, name = 'a') => ({
    Type: 'AWS::S3::Bucket',
    Properties: { BucketName: name },
    ...(policy !== undefined ? { DeletionPolicy: policy, UpdateReplacePolicy: policy } : {}),
  });
  const remove = (logicalId: string, physicalId?: string): ResourceChange => ({
    action: 'Remove',
    logicalId,
    resourceType: 'AWS::S3::Bucket',
    ...(physicalId ? { physicalId } : {}),
  });

  it('Retain and RetainExceptOnCreate: allowed, listed as kept with the physical id; Delete, Snapshot, none and an intrinsic: refused', function () {
    const deployed: CfnTemplate = {
      Resources: {
        Kept: bucket('Retain'),
        KeptExceptOnCreate: bucket('RetainExceptOnCreate'),
        Deleted: bucket('Delete'),
        Snapshot: bucket('Snapshot'),
        NoPolicy: bucket(),
        Conditional: bucket({ 'Fn::If': ['Prod', 'Retain', 'Delete'] }),
      },
    };
    const ids = Object.keys(deployed.Resources);
    const plan = planChanges(
      cs(ids.map((id) => remove(id, `phys-${id.toLowerCase()}`))),
      deployed,
      { Resources: {} },
    );
    expect(plan.refused.map((c) => c.logicalId)).to.deep.equal([
      'Deleted',
      'Snapshot',
      'NoPolicy',
      'Conditional',
    ]);
    expect(plan.retained.map((c) => [c.logicalId, c.retained])).to.deep.equal([
      ['Kept', { deletionPolicy: 'Retain', physicalId: 'phys-kept' }],
      [
        'KeptExceptOnCreate',
        { deletionPolicy: 'RetainExceptOnCreate', physicalId: 'phys-keptexceptoncreate' },
      ],
    ]);
    const err = refusal(plan, 'gw');
    expect(err.message).to.equal(
      'refused: the change to gw would replace or delete 4 stateful resources',
    );
    expect(err.hint).to.not.include('--allow-replace Kept');
    // Only the kept ones: nothing left to refuse.
    const kept = planChanges(cs([remove('Kept'), remove('KeptExceptOnCreate')]), deployed, {
      Resources: {},
    });
    expect(kept.refused).to.deep.equal([]);
    expect(isRefused(kept)).to.equal(false);
    expect(
      kept.retained[0].retained,
      'no physical id from the change set: unknown here',
    ).to.deep.equal({
      deletionPolicy: 'Retain',
    });
  });

  it('a Retain bucket replaced is still refused: the policy does not apply, the stack would get a new, empty bucket', function () {
    const plan = planChanges(
      cs([{ action: 'Modify', logicalId: 'Data', resourceType: 'AWS::S3::Bucket' }]),
      { Resources: { Data: bucket('Retain', 'a') } },
      { Resources: { Data: bucket('Retain', 'b') } },
    );
    expect(plan.refused.map((c) => `${c.logicalId}: ${c.why}`)).to.deep.equal([
      'Data: BucketName is create-only and changes',
    ]);
    expect(plan.refused[0]).to.not.have.property('retained');
    expect(plan.retained).to.deep.equal([]);
    expect(refusal(plan, 'gw').hint).to.match(/--allow-replace Data$/);
  });

  it('the policy read is the deployed one: Retain added only in the new template does not keep a resource it removes', function () {
    // (The resource is gone from the new template: only the deployed one can say.)
    const plan = planChanges(
      cs([remove('Data')]),
      { Resources: { Data: bucket('Delete') } },
      {
        Resources: {},
      },
    );
    expect(plan.refused.map((c) => c.logicalId)).to.deep.equal(['Data']);
    expect(
      plannedChange({ action: 'add', logicalId: 'D', after: bucket('Retain') }),
    ).to.not.have.property('retained');
  });

  it('inside a child stack: kept by the child template’s policy, listed as Child/Id', function () {
    const logs = (policy?: string) => ({
      Type: 'AWS::Logs::LogGroup',
      Properties: {},
      ...(policy ? { DeletionPolicy: policy } : {}),
    });
    const root: CfnTemplate = { Resources: { Part: { Type: 'AWS::CloudFormation::Stack' } } };
    const plan = guard(
      planFacts({
        changeSet: cs([
          { action: 'Modify', logicalId: 'Part', resourceType: 'AWS::CloudFormation::Stack' },
        ]),
        deployed: {
          root,
          children: { Part: { Resources: { Kept: logs('Retain'), Gone: logs() } } },
        },
        next: { root, children: { Part: { Resources: {} } } },
      }),
      { allowReplace: [] },
    );
    expect(plan.retained.map((c) => c.logicalId)).to.deep.equal(['Part/Kept']);
    expect(plan.refused.map((c) => c.logicalId)).to.deep.equal(['Part/Gone']);
  });

  it('plan text and JSON: the kept resource on its line with where it stays; retained in the document', function () {
    const plan = planChanges(
      cs([remove('DirectoryBucket', 'gw-directorybucket-1x2y')]),
      { Resources: { DirectoryBucket: bucket('Retain') } },
      { Resources: {} },
    );
    const text = formatPlan('Changes to gw:', plan, false);
    expect(text).to.match(
      /- DirectoryBucket +AWS::S3::Bucket {2}KEPT \(DeletionPolicy Retain\): retained in the account, no longer managed by the stack: gw-directorybucket-1x2y$/m,
    );
    expect(text).to.not.include('REFUSED');
    const doc = planDocument(plan);
    expect(doc.retained.map((c) => [c.logicalId, c.retained])).to.deep.equal([
      ['DirectoryBucket', { deletionPolicy: 'Retain', physicalId: 'gw-directorybucket-1x2y' }],
    ]);
    expect(doc.refused).to.deep.equal([]);
    expect(doc.changes[0].retained).to.deep.equal({
      deletionPolicy: 'Retain',
      physicalId: 'gw-directorybucket-1x2y',
    });
    const unknown = planChanges(
      cs([remove('DirectoryBucket')]),
      {
        Resources: { DirectoryBucket: bucket('Retain') },
      },
      { Resources: {} },
    );
    expect(formatPlan('Changes to gw:', unknown, false)).to.include(
      'no longer managed by the stack: (physical id not known)',
    );
    expect(planDocument(unknown).retained[0].retained).to.deep.equal({
      deletionPolicy: 'Retain',
      physicalId: null,
    });
  });
});

describe('withRetainedIds: the physical ids the change set did not give', function () {
  const kept = (logicalId: string, physicalId?: string) =>
    change('remove', logicalId, 'AWS::S3::Bucket', {
      retained: { deletionPolicy: 'Retain', ...(physicalId ? { physicalId } : {}) },
    });
  // In-memory stacks (no AWS): DescribeStackResource answered from `table`,
  // DescribeStackResources from `listed` (what moto answers when the former fails).
  const cfn = (
    table: Record<string, string>,
    asked: string[] = [],
    listed: Record<string, Record<string, string>> = {},
  ) => ({
    async physicalId(stack: string, id: string) {
      asked.push(`${stack}/${id}`);
      if (stack === 'broken') throw new Error('throttled');
      return table[`${stack}/${id}`];
    },
    async stackResources(stack: string) {
      return Object.entries(listed[stack] ?? {}).map(([logicalId, physicalId]) => ({
        logicalId,
        type: 'AWS::S3::Bucket',
        physicalId,
        status: 'UPDATE_COMPLETE',
      }));
    },
  });

  it('asks the root stack, and a child stack found by its logical id; keeps ids already known; asks nothing when none is missing', async function () {
    const asked: string[] = [];
    const facts: PlanFacts = {
      changes: [
        kept('Root'),
        kept('Known', 'known-id'),
        change('remove', 'Topic', 'AWS::SNS::Topic'),
      ],
      nested: [{ stack: 'Part', changes: [kept('Inner')] }],
    };
    const out = await withRetainedIds(
      facts,
      cfn(
        { 'gw/Root': 'root-bucket', 'gw/Part': 'arn:part', 'arn:part/Inner': 'inner-bucket' },
        asked,
      ),
      'gw',
    );
    expect(out.changes.map((c) => c.retained?.physicalId)).to.deep.equal([
      'root-bucket',
      'known-id',
      undefined,
    ]);
    expect(out.nested?.[0].changes[0].retained?.physicalId).to.equal('inner-bucket');
    expect(asked.sort()).to.deep.equal(['arn:part/Inner', 'gw/Part', 'gw/Root']);
    const none: string[] = [];
    const same = { changes: [kept('Known', 'known-id')] };
    expect(await withRetainedIds(same, cfn({}, none), 'gw')).to.equal(same);
    expect(none).to.deep.equal([]);
  });

  it('DescribeStackResource without an answer: DescribeStackResources of the same stack', async function () {
    const out = await withRetainedIds(
      { changes: [kept('Root')] },
      cfn({}, [], { gw: { Root: 'listed-bucket' } }),
      'gw',
    );
    expect(out.changes[0].retained?.physicalId).to.equal('listed-bucket');
  });

  it('a lookup that fails leaves the id unknown: the plan names the resource, it decides nothing', async function () {
    const out = await withRetainedIds({ changes: [kept('Root')] }, cfn({}), 'broken');
    expect(out.changes[0].retained).to.deep.equal({ deletionPolicy: 'Retain' });
  });
});
