// IAM's policy size quotas at build (validate/rules/iam/policy-size.ts): a role's
// inline policies together ≤ 10,240 characters, a managed policy ≤ 6,144,
// white space not counted ("IAM and AWS STS quotas",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html),
// measured with intrinsic functions at their longest (template/worst-case.ts,
// shared with the session-policy check). The counting and the resolution in
// units; then generated gateways built by the real engine, where
// downstream.snowflake.users grows the Snowflake role's policy per user.
// Fixtures: bad-templates/iam-role-policy-size*, iam-managed-policy-size.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { build } from '../../cli/engine/build.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { displayPath } from '../../cli/engine/paths.js';
import { silentReporter } from '../../cli/engine/reporter.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { LONGEST, worstCase } from '../../cli/engine/template/worst-case.js';
import { worstCaseLength } from '../../cli/engine/users/session-policy.js';
import type { Finding } from '../../cli/engine/validate/finding.js';
import {
  iamPolicyLength,
  iamPolicySizeFindings,
  roleInlinePolicies,
} from '../../cli/engine/validate/rules/iam/policy-size.js';
import { snowflakeProject } from '../../bench/snowflake-users.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const DOC = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:x' }],
};

describe('IAM policy size: counting as IAM counts', () => {
  it('does not count white space between tokens, in an object or in JSON text', () => {
    const minified = JSON.stringify(DOC);
    expect(iamPolicyLength(DOC)).to.equal(minified.length);
    expect(iamPolicyLength(JSON.stringify(DOC, null, 4))).to.equal(minified.length);
    expect(iamPolicyLength(` \n\t${minified}\r\n`)).to.equal(minified.length);
  });

  it('counts white space inside a string value (it is part of the value)', () => {
    const spaced = { ...DOC, Statement: [{ ...DOC.Statement[0], Sid: 'Read Objects' }] };
    expect(iamPolicyLength(JSON.stringify(spaced, null, 2))).to.equal(
      JSON.stringify(DOC).length + ' Objects'.length,
    );
    // An escaped quote does not end the string.
    expect(iamPolicyLength('{"a": "x\\" y"}')).to.equal('{"a":"x\\" y"}'.length);
  });
});

describe('IAM policy size: intrinsic functions at their longest', () => {
  const template: CfnTemplate = {
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket' },
      Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'short-name' } },
      ByStack: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketName: { 'Fn::Sub': '${AWS::StackName}-data' } },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/sftpgw/' } },
      Key: { Type: 'AWS::KMS::Key' },
    },
  };
  const resolve = (v: unknown, stackName?: string) => worstCase(v, { template, stackName });

  it('pseudo parameters take the longest partition, region, URL suffix and account id', () => {
    expect(
      resolve({
        'Fn::Sub': '${AWS::Partition}|${AWS::Region}|${AWS::URLSuffix}|${AWS::AccountId}',
      }),
    ).to.equal('aws-us-gov|us-isof-south-1|csp.hci.ic.gov|123456789012');
  });

  it('a bucket without a name is 63 characters; one with a name is that name', () => {
    expect(resolve({ Ref: 'Bucket' })).to.have.length(63);
    expect(resolve({ 'Fn::GetAtt': ['Bucket', 'Arn'] })).to.have.length(
      'arn:aws-us-gov:s3:::'.length + 63,
    );
    expect(resolve({ 'Fn::GetAtt': ['Named', 'Arn'] })).to.equal('arn:aws-us-gov:s3:::short-name');
    expect(resolve({ 'Fn::Sub': '${Named.Arn}/ingest/*' })).to.equal(
      'arn:aws-us-gov:s3:::short-name/ingest/*',
    );
  });

  it('the stack name is the configured one when known, else 128 characters', () => {
    expect(resolve({ Ref: 'ByStack' }, 'gw')).to.equal('gw-data');
    expect(resolve({ Ref: 'ByStack' })).to.equal(`${LONGEST.stackName}-data`);
    expect(LONGEST.stackName).to.have.length(128);
  });

  it('role and key ARNs at their longest (role name 64, the path as set)', () => {
    expect(resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).to.equal(
      `arn:aws-us-gov:iam::123456789012:role/sftpgw/${'n'.repeat(64)}`,
    );
    expect(resolve({ 'Fn::GetAtt': ['Key', 'Arn'] })).to.equal(
      `arn:aws-us-gov:kms:us-isof-south-1:123456789012:key/mrk-${'0'.repeat(32)}`,
    );
  });

  it('Fn::If takes the longer branch, AWS::NoValue drops, Fn::Join and Fn::Select resolve', () => {
    expect(resolve({ 'Fn::If': ['C', 'a', { Ref: 'AWS::Region' }] })).to.equal(LONGEST.region);
    expect(
      resolve({ A: 1, B: { Ref: 'AWS::NoValue' }, C: ['x', { Ref: 'AWS::NoValue' }] }),
    ).to.deep.equal({
      A: 1,
      C: ['x'],
    });
    expect(resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Named' }]] })).to.equal('a/short-name');
    expect(resolve({ 'Fn::Select': [1, ['a', 'bb']] })).to.equal('bb');
  });

  it('the session-policy check uses the same resolution', () => {
    const policy = { 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${B}', { B: { Ref: 'Named' } }] };
    expect(worstCaseLength(policy, { template })).to.equal('arn:aws-us-gov:s3:::short-name'.length);
    // Without the template (or for a parameter the root fills) a bucket is 63 characters.
    expect(worstCaseLength(policy)).to.equal('arn:aws-us-gov:s3:::'.length + 63);
  });

  it("sums a role's own policies and the AWS::IAM::Policy and RolePolicy resources naming it", () => {
    const t: CfnTemplate = {
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: { RoleName: 'r', Policies: [{ PolicyName: 'Own', PolicyDocument: DOC }] },
        },
        P: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyName: 'Extra', Roles: [{ Ref: 'R' }], PolicyDocument: DOC },
        },
        Q: {
          Type: 'AWS::IAM::RolePolicy',
          Properties: { PolicyName: 'ByName', RoleName: 'r', PolicyDocument: DOC },
        },
      },
    };
    const got = roleInlinePolicies(t).get('R')!;
    expect(got.map((p) => p.name)).to.deep.equal(['Own', 'Extra (P)', 'ByName (Q)']);
    expect(got.every((p) => p.length === JSON.stringify(DOC).length)).to.equal(true);
  });
});

describe("IAM policy size: today's goldens are clean", () => {
  it('no role or managed policy of any golden template is near its quota', () => {
    const dir = path.join(repoRoot, 'test', 'golden');
    const found: string[] = [];
    for (const sub of readdirSync(dir))
      for (const f of readdirSync(path.join(dir, sub)).filter((x) => x.endsWith('.json'))) {
        const t = JSON.parse(readFileSync(path.join(dir, sub, f), 'utf8')) as CfnTemplate;
        for (const x of iamPolicySizeFindings(t)) found.push(`${sub}/${f}: ${x.message}`);
      }
    expect(found).to.deep.equal([]);
  });
});

describe('IAM policy size: generated gateways built by the real engine', function () {
  this.timeout(120_000);
  afterEach(cleanTempDirs);

  const buildIn = (dir: string) =>
    build({ cwd: dir }, { jsonnet: libjsonnet, reporter: silentReporter });
  async function refused(dir: string): Promise<Finding[]> {
    try {
      await buildIn(dir);
    } catch (err) {
      expect(err).to.be.instanceOf(SftpgwError);
      return (err as SftpgwError).findings ?? [];
    }
    throw new Error('the build passed');
  }
  const usersLine = (dir: string) =>
    readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8')
      .split('\n')
      .findIndex((l) => /^\s+users:/.test(l)) + 1;

  it('1,000 users, 150 named for Snowflake: refused, naming downstream.snowflake.users and its line', async () => {
    const dir = snowflakeProject(1000, 150, tempDir());
    const findings = await refused(dir);
    const errors = findings.filter((f) => f.severity === 'error' && !f.waived);
    expect(errors.map((f) => `${f.rule} @ ${f.logicalId}`)).to.deep.equal([
      'iam/role-policy-size @ SnowflakeRole',
    ]);
    const [f] = errors;
    expect(f.message).to.match(/ReadCompletedUploads\) can be \d{5} characters/);
    expect(f.message).to.include('IAM allows 10240');
    expect(f.message).to.include('downstream.snowflake.users drives it');
    expect(f.hint).to.match(
      /^leave downstream\.snowflake\.users unset: the role then reads all of ingest\//,
    );
    expect(f.hint).to.include('list fewer users');
    expect(f.source).to.deep.equal({
      file: displayPath(path.join(dir, 'sftpgw.yaml')),
      field: 'downstream.snowflake.users',
      line: usersLine(dir),
    });
    // 150 of 1,000: not every user, so no "names every user" warning.
    expect(findings.map((x) => x.rule)).to.not.include('downstream/snowflake-users-all');
  });

  it('150 users, all named: refused, and warned that unset means all of ingest/', async () => {
    const dir = snowflakeProject(150, 150, tempDir());
    const findings = await refused(dir);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.rule)).to.deep.equal([
      'iam/role-policy-size',
    ]);
    const all = findings.find((f) => f.rule === 'downstream/snowflake-users-all');
    expect(all?.severity).to.equal('warning');
    expect(all?.message).to.match(/^names every user of the gateway \(150\)/);
    expect(all?.source).to.deep.equal({
      file: displayPath(path.join(dir, 'sftpgw.yaml')),
      field: 'downstream.snowflake.users',
      line: usersLine(dir),
    });
  });

  it('100 users, 80 named: builds, with a warning that the role is near the quota', async () => {
    const dir = snowflakeProject(100, 80, tempDir());
    const r = await buildIn(dir);
    const near = r.findings.filter((f) => f.rule === 'iam/role-policy-size');
    expect(near.map((f) => `${f.severity} ${f.logicalId}`)).to.deep.equal([
      'warning SnowflakeRole',
    ]);
    expect(near[0].message).to.match(/over 90 % of it; downstream\.snowflake\.users drives it/);
    expect(near[0].source?.line).to.equal(usersLine(dir));
  });

  it('users unset: the Snowflake role stays small and nothing is said', async () => {
    const dir = snowflakeProject(150, null, tempDir());
    const r = await buildIn(dir);
    const rules = r.findings.map((f) => f.rule);
    expect(rules).to.not.include('iam/role-policy-size');
    expect(rules).to.not.include('downstream/snowflake-users-all');
  });
});
