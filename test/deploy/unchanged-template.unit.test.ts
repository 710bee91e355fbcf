// What counts as "the change set would carry nothing new"
// (cli/engine/deploy/unchanged-template.ts): the deployed template compared
// as parsed JSON (whitespace and key order of CloudFormation's answer do not
// matter, array order does), the parameters with the template's defaults,
// the tags as a set, the role when one is sent, the capabilities the
// template needs; only a stable, successful stack; never child stacks or a
// Transform. Pure: no AWS.
import { expect } from 'chai';
import type { StackInfo } from '../../cli/adapters/aws/cloudformation.js';
import {
  canonicalJson,
  unchangedTemplate,
  type UnchangedInput,
} from '../../cli/engine/deploy/unchanged-template.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';

const template: CfnTemplate = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {
    ArtifactBucket: { Type: 'String', MinLength: 3 },
    Retention: { Type: 'Number', Default: 30 },
    Mode: { Type: 'String', Default: 'strict' },
  },
  Resources: {
    Server: {
      Type: 'AWS::Transfer::Server',
      Properties: { IdentityProviderType: 'AWS_LAMBDA', Protocols: ['SFTP'] },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
    },
  },
};

const stack: StackInfo = {
  id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/gw/1',
  status: 'UPDATE_COMPLETE',
  outputs: {},
  terminationProtection: false,
  parameters: { ArtifactBucket: 'artifacts', Retention: '30', Mode: 'strict' },
  tags: { team: 'data', env: 'prod' },
};

/** The deployed text as CloudFormation might answer it: other key order, other layout. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

function input(over: Partial<UnchangedInput> = {}): UnchangedInput {
  return {
    template,
    deployedText: JSON.stringify(reordered(template), null, 4),
    stack,
    parameters: { ArtifactBucket: 'artifacts' },
    tags: { env: 'prod', team: 'data' },
    capabilities: ['CAPABILITY_IAM'],
    ...over,
  };
}

const why = (i: UnchangedInput) => {
  const d = unchangedTemplate(i);
  return d.unchanged ? 'unchanged' : d.why;
};

describe('unchangedTemplate: when a lambda gateway deploy needs no change set', function () {
  it('the deployed template in another layout and key order, the same parameters (defaults included) and tags: unchanged', function () {
    const d = unchangedTemplate(input());
    expect(d).to.deep.equal({
      unchanged: true,
      skipped: {
        reason: 'template-unchanged',
        detail:
          'the template, parameters and tags are the deployed ones; the stack is UPDATE_COMPLETE',
      },
    });
  });

  it('CREATE_COMPLETE and IMPORT_COMPLETE are stable too', function () {
    for (const status of ['CREATE_COMPLETE', 'IMPORT_COMPLETE'])
      expect(why(input({ stack: { ...stack, status } })), status).to.equal('unchanged');
  });

  it('any other state goes through the change set path (waiting, review, rolled back, failed)', function () {
    for (const status of [
      'UPDATE_IN_PROGRESS',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'REVIEW_IN_PROGRESS',
      'ROLLBACK_COMPLETE',
      'UPDATE_ROLLBACK_COMPLETE',
      'UPDATE_ROLLBACK_FAILED',
      'IMPORT_ROLLBACK_COMPLETE',
    ])
      expect(why(input({ stack: { ...stack, status } })), status).to.equal(
        `the stack is ${status}`,
      );
  });

  it('a property changed, or an array reordered: a change set', function () {
    const changed = structuredClone(template);
    changed.Resources.Server.Properties!.Protocols = ['SFTP', 'FTPS'];
    expect(why(input({ template: changed }))).to.equal(
      'the template differs from the deployed one',
    );
    const arrays = {
      ...template,
      Resources: {
        ...template.Resources,
        Server: {
          Type: 'AWS::Transfer::Server',
          Properties: { IdentityProviderType: 'AWS_LAMBDA', Protocols: ['SFTP', 'FTPS'] },
        },
      },
    } as CfnTemplate;
    const swapped = structuredClone(arrays);
    swapped.Resources.Server.Properties!.Protocols = ['FTPS', 'SFTP'];
    expect(why(input({ template: arrays, deployedText: JSON.stringify(swapped) }))).to.equal(
      'the template differs from the deployed one',
    );
  });

  it('a value that only JSON.stringify drops (undefined) is no difference: both sides are compared as sent', function () {
    const withUndefined = structuredClone(template);
    (withUndefined.Resources.Server.Properties as Record<string, unknown>).Domain = undefined;
    expect(why(input({ template: withUndefined }))).to.equal('unchanged');
  });

  it('no deployed template, or one that is not JSON (a YAML stack made by hand): a change set', function () {
    expect(why(input({ deployedText: undefined }))).to.equal(
      'the deployed template could not be read',
    );
    expect(
      why(input({ deployedText: 'Resources:\n  Server:\n    Type: AWS::Transfer::Server\n' })),
    ).to.equal('the deployed template is not JSON');
  });

  it('child stacks or a Transform: always a change set (CloudFormation re-reads children, re-runs macros)', function () {
    const nested = {
      ...template,
      Resources: {
        ...template.Resources,
        Users1: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://x' } },
      },
    } as CfnTemplate;
    expect(why(input({ template: nested, deployedText: JSON.stringify(nested) }))).to.equal(
      'the template has child stacks (Users1)',
    );
    const transformed = { ...template, Transform: 'AWS::LanguageExtensions' } as CfnTemplate;
    expect(
      why(input({ template: transformed, deployedText: JSON.stringify(transformed) })),
    ).to.equal('the template has a Transform');
  });

  describe('parameters', function () {
    it('a value sent that differs from the stack’s, or a default that changed: a change set', function () {
      expect(why(input({ parameters: { ArtifactBucket: 'other-artifacts' } }))).to.equal(
        'parameter ArtifactBucket changes',
      );
      expect(why(input({ parameters: { ArtifactBucket: 'artifacts', Retention: '90' } }))).to.equal(
        'parameter Retention changes',
      );
      expect(
        why(input({ stack: { ...stack, parameters: { ...stack.parameters, Mode: 'lenient' } } })),
      ).to.equal('parameter Mode changes');
    });

    it('a value sent equal to the default, and a number default as CloudFormation answers it (a string): unchanged', function () {
      expect(why(input({ parameters: { ArtifactBucket: 'artifacts', Retention: '30' } }))).to.equal(
        'unchanged',
      );
    });

    it('a parameter the template does not declare, or no longer declares, or one without a value: a change set (CloudFormation judges)', function () {
      expect(why(input({ parameters: { ArtifactBucket: 'artifacts', Extra: 'x' } }))).to.equal(
        'parameter Extra is not declared by the template',
      );
      expect(
        why(input({ stack: { ...stack, parameters: { ...stack.parameters, Old: 'x' } } })),
      ).to.equal('parameter Old is no longer declared');
      expect(why(input({ parameters: {} }))).to.equal(
        'parameter ArtifactBucket has no value to compare',
      );
    });

    it('NoEcho (masked by DescribeStacks) and Systems Manager parameter types (resolved on every update): a change set', function () {
      const noEcho = structuredClone(template);
      (noEcho.Parameters!.Mode as Record<string, unknown>).NoEcho = true;
      expect(why(input({ template: noEcho, deployedText: JSON.stringify(noEcho) }))).to.equal(
        'parameter Mode is NoEcho (its deployed value is masked)',
      );
      const ssm = structuredClone(template);
      ssm.Parameters!.Ami = {
        Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
        Default: '/aws/service/ami',
      };
      expect(
        why(
          input({
            template: ssm,
            deployedText: JSON.stringify(ssm),
            stack: { ...stack, parameters: { ...stack.parameters, Ami: '/aws/service/ami' } },
          }),
        ),
      ).to.equal('parameter Ami is a Systems Manager parameter type (resolved again on an update)');
    });

    it("the stack's parameters not known (an answer without them): a change set", function () {
      const { parameters: _, ...withoutParameters } = stack;
      expect(why(input({ stack: withoutParameters }))).to.equal(
        "the stack's parameters are not known",
      );
    });
  });

  describe('tags, role, capabilities', function () {
    it('tags compared as a set: another order is unchanged; a value changed, one added or removed is a change set', function () {
      expect(why(input({ tags: { team: 'data', env: 'prod' } }))).to.equal('unchanged');
      expect(why(input({ tags: { team: 'data', env: 'test' } }))).to.equal('the stack tags change');
      expect(why(input({ tags: { team: 'data' } }))).to.equal('the stack tags change');
      expect(why(input({ tags: { ...stack.tags, owner: 'ops' } }))).to.equal(
        'the stack tags change',
      );
      const { tags: _, ...withoutTags } = stack;
      expect(why(input({ stack: withoutTags }))).to.equal("the stack's tags are not known");
    });

    it('a role sent must be the stack’s; none sent keeps the stack’s', function () {
      const withRole = { ...stack, roleArn: 'arn:aws:iam::123456789012:role/cfn' };
      expect(why(input({ stack: withRole }))).to.equal('unchanged');
      expect(why(input({ stack: withRole, roleArn: withRole.roleArn }))).to.equal('unchanged');
      expect(
        why(input({ stack: withRole, roleArn: 'arn:aws:iam::123456789012:role/other' })),
      ).to.equal('the stack role (RoleARN) changes');
      expect(why(input({ roleArn: 'arn:aws:iam::123456789012:role/cfn' }))).to.equal(
        'the stack role (RoleARN) changes',
      );
    });

    it('capabilities that would not acknowledge the template’s IAM resources: a change set, for CloudFormation to refuse', function () {
      expect(why(input({ capabilities: [] }))).to.match(/would not carry CAPABILITY_IAM/);
      expect(why(input({ capabilities: ['CAPABILITY_NAMED_IAM'] }))).to.equal('unchanged');
      const named = structuredClone(template);
      named.Resources.Role.Properties!.RoleName = 'gw-snowflake';
      expect(
        why(
          input({
            template: named,
            deployedText: JSON.stringify(named),
            capabilities: ['CAPABILITY_IAM'],
          }),
        ),
      ).to.match(/names IAM resources .* CAPABILITY_NAMED_IAM/);
    });
  });
});

describe('canonicalJson', function () {
  it('is the same for the same value whatever the key order, and differs with array order', function () {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).to.equal(
      canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }),
    );
    expect(canonicalJson({ a: [1, 2] })).not.to.equal(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson(JSON.parse('{ "x" : 1.0 }'))).to.equal(canonicalJson({ x: 1 }));
  });
});
