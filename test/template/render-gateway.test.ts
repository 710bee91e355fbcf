// What libsonnet/render.libsonnet and the gateway object guarantee the
// engine, whatever a gateway repository patches: every IAM role leaves the
// render with iam.permissionsBoundary (root, child stacks, users, roles the
// repository adds); `components` are named fields a repository patches by
// name, and the older array form still builds with a deprecation warning;
// the root template's Metadata.sftpgw names the logical ids TypeScript reads.
// Real jsonnet (libjsonnet), no servers.
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { synthesize } from '../../cli/engine/synthesize.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { gatewayIds } from '../../cli/engine/template/gateway-metadata.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { cleanTempDirs, copyFixture, repoRoot, tempDir } from '../helpers/project.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'projects');

async function render(dir: string, env?: string) {
  const reporter = new RecordingReporter();
  const out = await synthesize(
    { configFile: path.join(dir, 'sftpgw.yaml'), env, cwd: dir, environment: {} },
    { jsonnet: libjsonnet, reporter },
  );
  return { ...out, reporter };
}

/** A copy of a fixture whose templates/gateway.jsonnet returns `gateway.new(config) + <patch>`. */
function patched(fixture: string, patch: string): string {
  const dir = tempDir();
  copyFixture(path.join(fixtures, fixture), dir);
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  writeFileSync(
    path.join(dir, 'templates', 'gateway.jsonnet'),
    `local sftpgw = import 'sftpgw.libsonnet';\nfunction(config) sftpgw.gateway.new(config) + ${patch}\n`,
  );
  return dir;
}

const lambdaRole = (id: string) =>
  `{ ${id}: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } } }`;

const rolesOf = (t: CfnTemplate) =>
  Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([id, r]) => ({ id, boundary: r.Properties?.PermissionsBoundary }));

const warningsOf = (r: { reporter: RecordingReporter }) => r.reporter.warnings.join('\n');

describe('rendering the gateway', function () {
  this.timeout(60_000);
  afterEach(cleanTempDirs);

  describe('iam.permissionsBoundary is on every role render.libsonnet returns', () => {
    // user-stacks: boundary arn:aws:iam::aws:policy/PowerUserAccess, users in 4 child stacks.
    const boundary = 'arn:aws:iam::aws:policy/PowerUserAccess';

    it('roles a repository adds as a named component, to every child stack template, and per user', async () => {
      const dir = patched(
        'user-stacks',
        `{
  components+:: { auditRole: { resources: ${lambdaRole('AuditRole')} } },
  userStackTemplate(id):: super.userStackTemplate(id) + { Resources+: ${lambdaRole('ChildStackRole')} },
  user+:: { new(id, name, spec, shared):: super.new(id, name, spec, shared) + { resources+: ${lambdaRole("[id + 'Role']")} } },
}`,
      );
      const { template, children } = await render(dir);
      const root = rolesOf(template);
      expect(root.map((r) => r.id)).to.include.members([
        'AuditRole',
        'UserRole',
        'PushFunctionRole',
      ]);
      expect(children.length).to.be.greaterThan(1);
      for (const c of children) {
        const ids = rolesOf(c.template).map((r) => r.id);
        expect(ids, c.id).to.include('ChildStackRole');
        expect(
          ids.filter((id) => id !== 'ChildStackRole').length,
          `${c.id}: user roles`,
        ).to.be.greaterThan(0);
      }
      const all = [template, ...children.map((c) => c.template)].flatMap(rolesOf);
      expect(all.filter((r) => r.boundary !== boundary)).to.deep.equal([]);
    });

    it('a role a repository appends in the older array form, and a role patched into the template, get it too', async () => {
      const dir = patched(
        'user-stacks',
        `{ components+:: [{ resources: ${lambdaRole('ArrayRole')} }], template+:: { Resources+: ${lambdaRole('TemplateRole')} } }`,
      );
      const { template } = await render(dir);
      const roles = rolesOf(template);
      expect(roles.map((r) => r.id)).to.include.members(['ArrayRole', 'TemplateRole']);
      expect(roles.filter((r) => r.boundary !== boundary)).to.deep.equal([]);
    });

    it('a role that names a boundary of its own keeps it (validation reports the difference)', async () => {
      const own = 'arn:aws:iam::123456789012:policy/Other';
      const dir = patched(
        'user-stacks',
        `{ components+:: { ownRole: { resources: ${lambdaRole('OwnRole')} + { OwnRole+: { Properties+: { PermissionsBoundary: '${own}' } } } } } }`,
      );
      const { template } = await render(dir);
      expect(template.Resources.OwnRole.Properties?.PermissionsBoundary).to.equal(own);
    });
  });

  describe('components are named fields', () => {
    it('a repository patches an entry by name and adds one under its own name, without a warning', async () => {
      const dir = patched(
        'patched-gateway',
        `{
  local gw = self,
  components+:: {
    bucket+: sftpgw.component.patch('GatewayBucket', { Metadata: { patchedByName: true } }),
    extraLogs: sftpgw.logs.new('ExtraLogGroup', name='/sftp/extra', key=gw.key, retentionDays=30),
  },
}`,
      );
      const r = await render(dir);
      expect(r.template.Resources.GatewayBucket.Metadata).to.deep.equal({ patchedByName: true });
      // The bucket's downstream-free parts are still there: the patch merged, it did not replace.
      expect(r.template.Resources.GatewayBucket.Properties?.BucketEncryption).to.not.equal(
        undefined,
      );
      expect(r.template.Resources.ExtraLogGroup.Type).to.equal('AWS::Logs::LogGroup');
      expect(warningsOf(r)).to.not.match(/deprecated/);
    });

    it('the older array form (components+:: [...], docs/customizing.md before) still builds the same resources, with a deprecation warning', async () => {
      const named = await render(path.join(fixtures, 'patched-gateway'));
      const dir = tempDir();
      copyFixture(path.join(fixtures, 'patched-gateway'), dir);
      const file = path.join(dir, 'templates', 'gateway.jsonnet');
      const text = readFileSync(file, 'utf8');
      const old = text.replace(
        'components+:: { auditLogs: gw.auditLogs },',
        'components+:: [gw.auditLogs],',
      );
      expect(old).to.not.equal(text);
      writeFileSync(file, old);
      const r = await render(dir);
      expect(r.template).to.deep.equal(named.template);
      expect(warningsOf(r)).to.match(
        /templates\/gateway\.jsonnet extends components as an array \(components\+:: \[\.\.\.\]\), which is deprecated.*components\+:: \{ auditLogs: gw\.auditLogs \}.*docs\/customizing\.md/,
      );
      expect(warningsOf(named)).to.not.match(/deprecated/);
    });

    it('a type error the array form does not explain is reported as it is, naming the file', async () => {
      const dir = patched('patched-gateway', `{ outputs+:: [1] }`);
      const err = await render(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(SftpgwError);
      const text = JSON.stringify((err as SftpgwError & { problems?: unknown }).problems ?? []);
      expect(text)
        .to.match(/gateway\.jsonnet/)
        .and.match(/matching types/);
    });
  });

  describe('Metadata.sftpgw names the logical ids TypeScript reads', () => {
    const cases: [string, string | undefined, string[]][] = [
      [
        'downstream',
        undefined,
        ['server', 'bucket', 'key', 'userRole', 'ingestFunction', 'ingestTopic', 'snowflakeRole'],
      ],
      [
        'vpc-endpoint',
        undefined,
        ['server', 'bucket', 'key', 'userRole', 'serverAddresses', 'addressPrefix'],
      ],
    ];
    for (const [fixture, env, keys] of cases) {
      it(`${fixture}: each id names a resource of the root template`, async () => {
        const { template } = await render(path.join(fixtures, fixture), env);
        const ids = gatewayIds(template);
        expect(Object.keys(template.Metadata as object)).to.deep.equal(['sftpgw']);
        for (const k of keys) expect(ids, k).to.have.property(k);
        const single = Object.entries(ids).filter(
          ([k, v]) => typeof v === 'string' && k !== 'addressPrefix',
        ) as [string, string][];
        for (const [k, id] of single)
          expect(template.Resources, `${k}: ${id}`).to.have.property(id);
        for (const id of ids.serverAddresses ?? [])
          expect(template.Resources[id].Type).to.equal('AWS::EC2::EIP');
      });
    }
  });
});
