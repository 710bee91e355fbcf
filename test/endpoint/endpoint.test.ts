// Gateways with a VPC endpoint (docs/endpoint.md) built through every
// validation layer (the real libjsonnet and cfn-lint, run as the CLI
// process). The allow-list itself, networks merged and placed into security
// groups stably and within the EC2 quotas: endpoint-allow-list.unit.test.ts.
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_QUOTAS } from '../../cli/engine/endpoint/allow-list.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { CFN_LINT_RANGE, checkCfnLintVersion, withCfnLintNote } from '../helpers/cfn-lint.js';
import { ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { buildProject, cleanTempDirs, copyFixture, repoRoot, tempDir } from '../helpers/project.js';

/** A finding line of the build's report. */
const FINDING = /^\s*(error|warning)\s/m;
const ofType = (t: CfnTemplate, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe(`gateways with a VPC endpoint build clean in every layer (${CFN_LINT_RANGE}, -c I)`, function () {
  this.timeout(120_000);
  before(() => checkCfnLintVersion());
  afterEach(cleanTempDirs);

  for (const [project, envs] of [
    ['vpc-endpoint', ['', 'prod', 'sharded']],
    ['vpc-endpoint-given-addresses', ['']],
  ] as const) {
    for (const env of envs) {
      it(`${project}${env ? ` / ${env}` : ''}`, () => {
        const dir = tempDir();
        copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', project), dir);
        const b = buildProject(dir, env ? ['--env', env] : []);
        expect(b.status, withCfnLintNote(b.output)).to.equal(0);
        expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
        const server = b.template.Resources.Server.Properties as Record<string, unknown>;
        expect(server.EndpointType).to.equal('VPC');
        expect(b.template.Outputs?.ServerEndpointType).to.deep.include({ Value: 'VPC' });
        const eips = ofType(b.template, 'AWS::EC2::EIP');
        if (project === 'vpc-endpoint') {
          expect(eips.map(([id]) => id)).to.deep.equal(
            env === 'prod'
              ? ['ServerAddress1', 'ServerAddress2', 'ServerAddress3']
              : ['ServerAddress1', 'ServerAddress2'],
          );
          expect(b.template.Outputs).to.have.property('ServerAddresses');
        } else {
          expect(eips).to.deep.equal([]);
          expect(b.template.Outputs).to.not.have.property('ServerAddresses');
          expect(
            (server.EndpointDetails as { AddressAllocationIds: unknown }).AddressAllocationIds,
          ).to.deep.equal(['eipalloc-0123456789abcdef0', 'eipalloc-0fedcba9876543210']);
        }
        expect(b.template.Outputs).to.have.property('ServerAddressAllocationIds');
      });
    }
  }

  it('150 partners, each with its own network: builds, validates, stays within the rule quotas', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'users'));
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      [
        'stackName: partners-150',
        'outbound:',
        '  enabled: false',
        'server:',
        '  endpoint:',
        '    type: vpc',
        '    vpcId: vpc-0123456789abcdef0',
        '    subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210, subnet-0a1b2c3d4e5f60718]',
        '  allowedSourceCidrs: [203.0.113.0/24]',
        '',
      ].join('\n'),
    );
    // Each partner its own key (one shared key would warn: users/shared-key).
    for (let i = 0; i < 150; i++)
      writeFileSync(
        path.join(dir, 'users', `partner${String(i).padStart(3, '0')}.libsonnet`),
        `{ sshPublicKeys: [${JSON.stringify(ed25519PublicKey(`partner${i}@test`))}], allowedSourceCidrs: ['100.${64 + (i >> 8)}.${i & 255}.0/28'] }\n`,
      );
    const b = buildProject(dir);
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output, withCfnLintNote(b.output)).to.not.match(FINDING);
    expect(b.output).to.include('(0 errors, 0 warnings, 1 informational)'); // the template size: deployed from S3
    const groups = ofType(b.template, 'AWS::EC2::SecurityGroup');
    expect(groups).to.have.length(5);
    const rules = groups.map(
      ([, g]) =>
        ((g.Properties as { SecurityGroupIngress?: unknown[] }).SecurityGroupIngress ?? []).length,
    );
    expect(Math.max(...rules)).to.be.at.most(DEFAULT_QUOTAS.rulesPerGroup);
    expect(rules.reduce((a, b) => a + b, 0)).to.equal(151);
    expect(ofType(b.template, 'AWS::Transfer::User')).to.have.length(150);
  });

  it('0.0.0.0/0 at the server level builds, with a warning that the server is open to the internet', () => {
    const dir = tempDir();
    copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', 'vpc-endpoint'), dir);
    const file = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('[203.0.113.0/24]', '[203.0.113.0/24, 0.0.0.0/0]'),
    );
    const b = buildProject(dir);
    expect(b.status, withCfnLintNote(b.output)).to.equal(0);
    expect(b.output).to.match(
      /server\.allowedSourceCidrs holds 0\.0\.0\.0\/0: the server is open to the whole internet/,
    );
    expect(b.output).to.match(
      /warning .*admits 0\.0\.0\.0\/0.*\[baseline\/endpoint-open-ingress\]/,
    );
    const cidrs = ofType(b.template, 'AWS::EC2::SecurityGroup').flatMap(([, g]) =>
      (
        (g.Properties as { SecurityGroupIngress?: Array<{ CidrIp: string }> })
          .SecurityGroupIngress ?? []
      ).map((r) => r.CidrIp),
    );
    expect(cidrs).to.deep.equal(['0.0.0.0/0']);
  });
});
