// The guard's rule for a switch of the SFTP server's identity provider
// (IdentityProviderType SERVICE_MANAGED ⇄ AWS_LAMBDA, docs/identity-provider.md
// "What the guard says"): planFacts finds the switch from the deployed and
// the new templates, the guard refuses it without
// --allow-identity-provider-change with the plan text, both directions, and
// the plan text summarises the user resources (count and stacks) instead of
// listing each. A replacement of the server is still the stateful rule's.
// DirectoryBucket (DeletionPolicy Retain) deleted by the reverse switch is
// kept in the account, not refused; replaced, it is.
import { expect } from 'chai';
import type { ChangeSetInfo } from '../../cli/adapters/aws/cloudformation.js';
import { guard, isRefused, refusal } from '../../cli/engine/deploy/guard.js';
import { planFacts } from '../../cli/engine/deploy/plan.js';
import type { StackTemplates } from '../../cli/engine/deploy/types.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { formatPlan } from '../../cli/plan-text.js';
import { planDocument } from '../../cli/output-schemas/plan.js';

const server = (type?: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Transfer::Server',
  Properties: {
    Protocols: ['SFTP'],
    ...(type ? { IdentityProviderType: type } : {}),
    ...extra,
  },
});
const user = (name: string) => ({
  Type: 'AWS::Transfer::User',
  Properties: { UserName: name, ServerId: { 'Fn::GetAtt': ['Server', 'ServerId'] } },
});
const childStack = {
  Type: 'AWS::CloudFormation::Stack',
  Properties: { TemplateURL: 'https://x/c.json' },
};
// As the lambda template has it (test/golden/identity-lambda): kept in the account when deleted.
const bucket = {
  Type: 'AWS::S3::Bucket',
  Properties: {},
  DeletionPolicy: 'Retain',
  UpdateReplacePolicy: 'Retain',
};
const fn = { Type: 'AWS::Lambda::Function', Properties: {} };

/** A service-managed gateway: 1 user in the root, 2 in each of two child stacks. */
function serviceManaged(): StackTemplates {
  return {
    root: {
      Resources: {
        Server: server(),
        UserAlice: user('alice'),
        Users0: childStack,
        Users1: childStack,
      },
    } as CfnTemplate,
    children: {
      Users0: { Resources: { UserBob: user('bob'), UserCarol: user('carol') } } as CfnTemplate,
      Users1: { Resources: { UserDave: user('dave'), UserErin: user('erin') } } as CfnTemplate,
    },
  };
}

/** The same gateway in lambda mode: no users, the function and its bucket. */
function lambda(): StackTemplates {
  return {
    root: {
      Metadata: { sftpgw: { identityProvider: 'lambda' } },
      Resources: {
        Server: server('AWS_LAMBDA', {
          IdentityProviderDetails: {
            Function: { 'Fn::GetAtt': ['IdentityFunction', 'Arn'] },
            SftpAuthenticationMethods: 'PUBLIC_KEY',
          },
        }),
        DirectoryBucket: bucket,
        IdentityFunction: fn,
      },
    } as CfnTemplate,
    children: {},
  };
}

const changeSet = (changes: Array<[string, string, string]>): Pick<ChangeSetInfo, 'changes'> => ({
  changes: changes.map(([action, logicalId, resourceType]) => ({
    action,
    logicalId,
    resourceType,
  })),
});

function forwardFacts() {
  return planFacts({
    deployed: serviceManaged(),
    next: lambda(),
    changeSet: changeSet([
      ['Modify', 'Server', 'AWS::Transfer::Server'],
      ['Add', 'DirectoryBucket', 'AWS::S3::Bucket'],
      ['Add', 'IdentityFunction', 'AWS::Lambda::Function'],
      ['Remove', 'UserAlice', 'AWS::Transfer::User'],
      ['Remove', 'Users0', 'AWS::CloudFormation::Stack'],
      ['Remove', 'Users1', 'AWS::CloudFormation::Stack'],
    ]),
  });
}

function reverseFacts() {
  return planFacts({
    deployed: lambda(),
    next: serviceManaged(),
    changeSet: changeSet([
      ['Modify', 'Server', 'AWS::Transfer::Server'],
      ['Remove', 'IdentityFunction', 'AWS::Lambda::Function'],
      ['Add', 'UserAlice', 'AWS::Transfer::User'],
      ['Add', 'Users0', 'AWS::CloudFormation::Stack'],
      ['Add', 'Users1', 'AWS::CloudFormation::Stack'],
    ]),
  });
}

describe('deploy guard: a switch of the identity provider', function () {
  it('finds the forward switch with the users it removes, counted per stack', function () {
    expect(forwardFacts().identityProvider).to.deep.equal({
      server: 'Server',
      from: 'SERVICE_MANAGED',
      to: 'AWS_LAMBDA',
      users: 5,
      stacks: ['(root stack)', 'Users0', 'Users1'],
    });
  });

  it('refuses the forward switch without the flag, with the plan of the switch', function () {
    const plan = guard(forwardFacts(), { allowReplace: [] });
    expect(isRefused(plan)).to.equal(true);
    const err = refusal(plan, 'sftpgw-example');
    expect(err.message).to.equal(
      "refused: the change to sftpgw-example switches the SFTP server's identity provider",
    );
    expect(err.problems[0]).to.deep.equal({
      field: 'Server',
      message:
        'IdentityProviderType SERVICE_MANAGED → AWS_LAMBDA (updated in place: same server, endpoint and host keys)',
    });
    expect(err.problems[1].field).to.equal('plan');
    expect(err.problems[1].message).to.match(
      /^1\. stage the function, its permission and the directory/,
    );
    expect(err.problems[1].message).to.contain('2. switch the server to the function');
    expect(err.problems[1].message).to.contain(
      '3. remove 5 AWS::Transfer::User resources in the root stack and 2 child stacks after the function answers',
    );
    expect(err.hint).to.match(
      /^nothing was changed\. If this is intended: --allow-identity-provider-change/,
    );
  });

  it('lets the forward switch through with --allow-identity-provider-change; users removed are not refused', function () {
    const plan = guard(forwardFacts(), { allowReplace: [], allowIdentityProviderChange: true });
    expect(isRefused(plan)).to.equal(false);
    expect(plan.identityProvider?.allowed).to.equal(true);
    expect(plan.removedUsers).to.have.length(5);
  });

  it('refuses the reverse switch without the flag, saying who is unavailable', function () {
    const facts = reverseFacts();
    expect(facts.identityProvider).to.include({
      from: 'AWS_LAMBDA',
      to: 'SERVICE_MANAGED',
      users: 5,
    });
    const plan = guard(facts, { allowReplace: [] });
    expect(isRefused(plan)).to.equal(true);
    const err = refusal(plan, 'sftpgw-example');
    expect(err.problems).to.deep.equal([
      {
        field: 'Server',
        message: 'IdentityProviderType AWS_LAMBDA → SERVICE_MANAGED (updated in place)',
      },
      {
        field: 'unavailable',
        message:
          'every user from the switch until their AWS::Transfer::User is created (5 users, the root stack and 2 child stacks)',
      },
    ]);
    expect(err.hint).to.match(
      /If this is intended \(schedule it\): --allow-identity-provider-change/,
    );
    expect(
      isRefused(guard(facts, { allowReplace: [], allowIdentityProviderChange: true })),
    ).to.equal(false);
  });

  it('a userStacks change that comes with the switch moves no one (not refused as a placement change)', function () {
    const deployed = serviceManaged();
    deployed.root.Metadata = { sftpgw: { userStacks: 2 } };
    const facts = planFacts({ deployed, next: lambda(), changeSet: changeSet([]) });
    expect(facts.placementChange).to.equal(undefined);
  });

  it('no switch: the same type on both sides, or a server without the property (SERVICE_MANAGED)', function () {
    const facts = planFacts({
      deployed: serviceManaged(),
      next: {
        ...serviceManaged(),
        root: {
          Resources: { ...serviceManaged().root.Resources, Server: server('SERVICE_MANAGED') },
        } as CfnTemplate,
      },
      changeSet: changeSet([['Modify', 'Server', 'AWS::Transfer::Server']]),
    });
    expect(facts.identityProvider).to.equal(undefined);
    expect(
      planFacts({ deployed: lambda(), next: lambda(), changeSet: changeSet([]) }).identityProvider,
    ).to.equal(undefined);
  });

  it('a replacement of the server is still refused by the stateful rule, flag or not', function () {
    const next = lambda();
    (next.root.Resources.Server.Properties as Record<string, unknown>).Domain = 'EFS';
    const facts = planFacts({
      deployed: serviceManaged(),
      next,
      changeSet: changeSet([['Modify', 'Server', 'AWS::Transfer::Server']]),
    });
    const plan = guard(facts, { allowReplace: [], allowIdentityProviderChange: true });
    expect(plan.refused.map((c) => c.logicalId)).to.deep.equal(['Server']);
    expect(refusal(plan, 'gw').message).to.match(/would replace or delete 1 stateful resource/);
  });

  it('DirectoryBucket deleted by the reverse switch is kept (DeletionPolicy Retain): no --allow-replace; replaced, it is refused', function () {
    const facts = planFacts({
      deployed: lambda(),
      next: serviceManaged(),
      changeSet: {
        changes: [
          {
            action: 'Remove',
            logicalId: 'DirectoryBucket',
            resourceType: 'AWS::S3::Bucket',
            physicalId: 'gw-directorybucket-1x2y',
          },
        ],
      },
    });
    const plan = guard(facts, { allowReplace: [], allowIdentityProviderChange: true });
    expect(plan.refused).to.deep.equal([]);
    expect(isRefused(plan)).to.equal(false);
    expect(plan.retained.map((c) => [c.logicalId, c.retained?.physicalId])).to.deep.equal([
      ['DirectoryBucket', 'gw-directorybucket-1x2y'],
    ]);
    // Without the flag only the switch itself is refused, and the refusal says only that.
    const err = refusal(guard(facts, { allowReplace: [] }), 'gw');
    expect(err.message).to.equal(
      "refused: the change to gw switches the SFTP server's identity provider",
    );
    expect(err.hint).to.not.include('--allow-replace');

    const renamed = lambda();
    renamed.root.Resources.DirectoryBucket = {
      ...bucket,
      Properties: { BucketName: 'another-name' },
    };
    const replaced = guard(
      planFacts({
        deployed: lambda(),
        next: renamed,
        changeSet: changeSet([['Modify', 'DirectoryBucket', 'AWS::S3::Bucket']]),
      }),
      { allowReplace: [] },
    );
    expect(replaced.refused.map((c) => c.logicalId)).to.deep.equal(['DirectoryBucket']);
    expect(refusal(replaced, 'gw').hint).to.match(/--allow-replace DirectoryBucket$/);
  });

  it('plan text: the switch and its plan, the user resources summarised (not listed one by one)', function () {
    const text = formatPlan('Changes to gw:', guard(forwardFacts(), { allowReplace: [] }), false);
    expect(text).to.contain(
      "the SFTP server's identity provider switches (REFUSED without --allow-identity-provider-change)",
    );
    expect(text).to.contain('Server: IdentityProviderType SERVICE_MANAGED → AWS_LAMBDA');
    expect(text).to.contain(
      'SFTP users removed with the switch: 5 AWS::Transfer::User resources in the root stack and 2 child stacks',
    );
    expect(text).not.to.match(/user (alice|bob|carol)/);
    const allowed = formatPlan(
      'Changes to gw:',
      guard(reverseFacts(), { allowReplace: [], allowIdentityProviderChange: true }),
      false,
    );
    expect(allowed).to.contain('(allowed by --allow-identity-provider-change)');
    expect(allowed).to.contain('unavailable: every user from the switch');
  });

  it('JSON: identityProvider in the plan document; null without a switch', function () {
    const doc = planDocument(guard(forwardFacts(), { allowReplace: [] }));
    expect(doc.identityProvider).to.deep.equal({
      server: 'Server',
      from: 'SERVICE_MANAGED',
      to: 'AWS_LAMBDA',
      users: 5,
      stacks: ['(root stack)', 'Users0', 'Users1'],
      allowed: false,
    });
    expect(planDocument(guard({ changes: [] }, { allowReplace: [] })).identityProvider).to.equal(
      null,
    );
  });
});
