// docs/deploy.md's permission tables: what a deploy role needs per resource
// type (the registry schemas' handler permissions, schemas/permissions.json)
// and what sftpgw itself calls (the SDK commands of
// cli/adapters/aws/). The tables are what scripts/docs-permissions.ts
// renders, and they cover every resource type of the built gateways: the
// goldens of the example, VPC-endpoint, downstream, malware-scan and host-keys
// gateways (test/template/golden.unit.test.ts keeps the goldens equal to the builds).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  actionsOf,
  BEGIN,
  DEPLOY_DOC,
  END,
  readPermissionsFile,
  renderPermissionTables,
  resourceTypes,
  sftpgwCalls,
  splicePermissionTables,
} from '../../scripts/docs-permissions.js';
import { handlerPermissions, readPermissions } from '../../scripts/refresh-permissions.js';
import { RESOURCE_TYPES } from '../../scripts/resource-schemas.js';
import { repoRoot, tempDir, cleanTempDirs } from '../helpers/project.js';

const GATEWAYS = [
  'example',
  'vpc-endpoint',
  'downstream',
  'downstream-malware',
  'host-keys',
] as const;

/** Every built template (root and child templates) of a gateway, from its goldens. */
function builtTemplates(gateway: string) {
  const dir = path.join(repoRoot, 'test', 'golden', gateway);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
}

const doc = () => readFileSync(path.join(repoRoot, DEPLOY_DOC), 'utf8');

describe('deploy role permissions (docs/deploy.md, generated)', function () {
  after(cleanTempDirs);

  it('the tables are what npm run docs:permissions renders', function () {
    const text = doc();
    expect(text, 'run npm run docs:permissions').to.equal(
      splicePermissionTables(text, renderPermissionTables()),
    );
  });

  it('refuses a doc without exactly one pair of markers, naming the file', function () {
    expect(() => splicePermissionTables('no markers', 'x')).to.throw(
      /docs\/deploy\.md: needs exactly one "<!-- permissions:begin/,
    );
    expect(() => splicePermissionTables(`${END}\n${BEGIN}`, 'x')).to.throw(/exactly one/);
  });

  it('every resource type sftpgw knows has create and delete permissions', function () {
    const file = readPermissionsFile();
    expect(Object.keys(file.types).sort()).to.deep.equal([...RESOURCE_TYPES].sort());
    for (const t of RESOURCE_TYPES) {
      expect(file.types[t].handlers.create, `${t} create`).to.not.be.empty;
      expect(file.types[t].handlers.delete, `${t} delete`).to.not.be.empty;
    }
  });

  for (const gateway of GATEWAYS) {
    it(`covers every resource type of the built ${gateway} gateway`, function () {
      const types = resourceTypes(builtTemplates(gateway));
      expect(types).to.not.be.empty;
      const file = readPermissionsFile();
      const table = doc();
      for (const t of types) {
        expect(actionsOf(file, t), `${t}: no permissions`).to.not.equal(undefined);
        expect(table, `${t}: no row in ${DEPLOY_DOC}`).to.include(`| \`${t}\` |`);
      }
    });
  }

  it('the VPC gateway: the endpoint, its addresses, the structured logs and the roles it passes', function () {
    const file = readPermissionsFile();
    const actions = new Set(
      resourceTypes(builtTemplates('vpc-endpoint')).flatMap((t) => actionsOf(file, t) ?? []),
    );
    for (const a of [
      'ec2:CreateVpcEndpoint',
      'ec2:ModifyVpcEndpoint',
      'ec2:DeleteVpcEndpoints',
      'ec2:AssociateAddress',
      'ec2:DisassociateAddress',
      'ec2:DescribeNetworkInterfaces',
      'iam:PassRole',
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'ec2:AllocateAddress',
      'ec2:CreateSecurityGroup',
    ])
      expect(actions, a).to.include(a);
  });

  it("sftpgw's own calls: change sets, artifact upload, STS, EC2 for the endpoint, host keys", function () {
    const actions = new Set(sftpgwCalls().map((c) => c.action));
    for (const a of [
      'cloudformation:CreateChangeSet',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:DescribeChangeSet',
      's3:PutObject',
      's3:GetObject',
      'sts:GetCallerIdentity',
      'ec2:DescribeAddresses',
      'servicequotas:GetServiceQuota',
      'transfer:ListHostKeys',
    ])
      expect(actions, a).to.include(a);
  });

  it('refresh: reads either name of a registry schema; a type without handlers and not kept by hand is refused, naming it', function () {
    expect(
      handlerPermissions({
        handlers: {
          create: { permissions: ['S3:CreateBucket', 's3:CreateBucket'] },
          list: { permissions: ['s3:ListAllMyBuckets'] },
        },
      }),
      'prefixes lower-cased, duplicates merged, list left out',
    ).to.deep.equal({ create: ['s3:CreateBucket'] });
    expect(handlerPermissions({})).to.equal(undefined);
    const dir = tempDir();
    expect(() => readPermissions(dir, 'empty')).to.throw(
      /has no registry schema with handlers for AWS::CloudFormation::Stack, .*keep its actions by hand in BY_HAND/,
    );
  });
});
