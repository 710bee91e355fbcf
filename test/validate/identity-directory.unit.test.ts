// The identity provider's size findings (cli/engine/validate/rules/identity/
// directory.ts): the directory's bytes and gzipped bytes, and the identity
// function role's inline policy size. They read a directory and the
// root template only, so a small template made here stands in for the
// lambda template (the build's wiring: 27d's goldens): the unit tier.
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { Directory } from '../../shared/identity/directory.js';
import {
  DIRECTORY_WARN_BYTES,
  directoryFindings,
  IDENTITY_RULES,
  identityFunctionRole,
} from '../../cli/engine/validate/rules/identity/directory.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';

const policyOf = (home: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:\${AWS::Partition}:s3:::\${Bucket}/${home}/*`,
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '${KeyArn}' },
    ],
  });

function directory(users: Record<string, string>): Directory {
  return {
    format: 'sftpgw-directory/1',
    gateway: 'gw',
    passwords: false,
    users: Object.fromEntries(
      Object.entries(users).map(([name, home]) => [
        name,
        {
          policy: policyOf(home),
          home: [{ Entry: '/', Target: `/\${Bucket}/${home}` }],
          keys: [],
          readOnly: false,
        },
      ]),
    ),
  };
}

function template(rolePolicyStatements = 3): CfnTemplate {
  return {
    Metadata: { sftpgw: { ids: { bucket: 'GatewayBucket', key: 'GatewayKey' } } },
    Resources: {
      GatewayBucket: { Type: 'AWS::S3::Bucket' },
      GatewayKey: { Type: 'AWS::KMS::Key' },
      DirectoryBucket: { Type: 'AWS::S3::Bucket' },
      IdentityFunctionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            {
              PolicyName: 'directory',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: Array.from({ length: rolePolicyStatements }, (_, i) => ({
                  Effect: 'Allow',
                  Action: ['s3:GetObject', 's3:GetObjectVersion'],
                  Resource: { 'Fn::Sub': `\${DirectoryBucket.Arn}/directory-${i}.json` },
                })),
              },
            },
          ],
        },
      },
      IdentityFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: { 'Fn::GetAtt': ['IdentityFunctionRole', 'Arn'] } },
      },
    },
  } as unknown as CfnTemplate;
}

describe('identity/directory-size, identity/function-policy-size', () => {
  it('reports the directory in bytes and gzipped with its users, as info', () => {
    const d = directory({ alice: 'alice', bob: 'bob' });
    const text = JSON.stringify(d);
    const found = directoryFindings({ text, directory: d, template: template() });
    const size = found.find((f) => f.rule === 'identity/directory-size');
    expect(size).to.include({ severity: 'info', layer: 'semantic', pointer: '' });
    expect(size?.message).to.equal(
      `the directory (directory.json, uploaded to DirectoryBucket by deploy) is ${Buffer.byteLength(text)} bytes, ${gzipSync(text).length} gzipped, for 2 users: the identity function fetches and parses it whole at each cold start`,
    );
  });

  it('warns from 45,000,000 bytes (5× the measured 10,000-user directory), with what to do', () => {
    const d = directory({ alice: 'alice' });
    const text = ' '.repeat(DIRECTORY_WARN_BYTES);
    const size = directoryFindings({ text, directory: d, template: template() }).find(
      (f) => f.rule === 'identity/directory-size',
    );
    expect(size?.severity).to.equal('warning');
    expect(size?.message).to.include(`is ${DIRECTORY_WARN_BYTES} bytes`);
    expect(size?.hint).to.include('SFTPGW_BENCH_IDENTITY');
  });

  it("reports the function role's inline policies against IAM's 10,240, pointing at the role", () => {
    const d = directory({ alice: 'alice' });
    expect(identityFunctionRole(template())).to.equal('IdentityFunctionRole');
    const f = directoryFindings({ text: '{}', directory: d, template: template() }).find(
      (x) => x.rule === 'identity/function-policy-size',
    );
    expect(f).to.include({
      severity: 'info',
      logicalId: 'IdentityFunctionRole',
      resourceType: 'AWS::IAM::Role',
      pointer: '/Resources/IdentityFunctionRole',
    });
    expect(f?.message).to.match(
      /^the identity function's role IdentityFunctionRole has inline policies of \d+ characters as IAM counts them \(intrinsic functions at their longest\), of IAM's 10240 for one role/,
    );
  });

  it('leaves a role at 90 % or more to iam/role-policy-size (no second finding)', () => {
    const d = directory({ alice: 'alice' });
    const found = directoryFindings({ text: '{}', directory: d, template: template(80) });
    expect(found.map((f) => f.rule)).to.not.include('identity/function-policy-size');
  });

  it('a template without the function (or its role): the directory size only', () => {
    const d = directory({ alice: 'alice' });
    const found = directoryFindings({
      text: '{}',
      directory: d,
      template: { Resources: {} } as unknown as CfnTemplate,
    });
    expect(found.map((f) => f.rule)).to.deep.equal(['identity/directory-size']);
  });

  it('every rule it makes is in IDENTITY_RULES (docs/validation.md)', () => {
    expect(IDENTITY_RULES.map((r) => r.id)).to.deep.equal([
      'identity/directory-size',
      'identity/function-policy-size',
    ]);
  });
});
