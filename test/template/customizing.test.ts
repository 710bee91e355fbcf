// A gateway repository patches the gateway object once in its
// templates/gateway.jsonnet, and the patch reaches the root stack, every SFTP
// user and every child stack of users. The patches are the recipes of
// docs/customizing.md (each recipe block there is checked to be in the
// fixture), applied by test/fixtures/projects/patched-gateway; its golden
// files are in test/golden/patched-gateway.
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { synthesize } from '../../cli/engine/synthesize.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import type { CfnResource, CfnTemplate } from '../../cli/engine/template/types.js';
import { cleanTempDirs, copyFixture, repoRoot, runCli, tempDir } from '../helpers/project.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'projects');
const patchedDir = path.join(fixtures, 'patched-gateway');

async function render(dir: string, env?: string) {
  const reporter = new RecordingReporter();
  const out = await synthesize(
    { configFile: path.join(dir, 'sftpgw.yaml'), env, cwd: dir, environment: {} },
    { jsonnet: libjsonnet, reporter },
  );
  return { ...out, reporter };
}

const ofType = (t: CfnTemplate, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type) as [string, CfnResource][];
/** The fields these tests read, typed loosely: templates are JSON. */
interface Props {
  LogGroupName?: string;
  Tags?: { Key: string; Value: string }[];
  Policy: { 'Fn::Sub': [string, unknown] };
  HomeDirectoryMappings: { Target: { 'Fn::Sub': [string, unknown] } }[];
  Parameters: Record<string, unknown>;
  MemorySize: number;
  EvaluationPeriods: number;
  PolicyDocument: { Statement: { Sid: string }[] };
}
const props = (r: CfnResource) => r.Properties as unknown as Props;
const userTags = (r: CfnResource) => props(r).Tags ?? [];
const policyText = (r: CfnResource) => props(r).Policy['Fn::Sub'][0];

/** What the fixture's patches do, as seen in one stack's template. */
function patchesSeen(t: CfnTemplate) {
  const users = ofType(t, 'AWS::Transfer::User');
  return {
    users: users.length,
    tagged: users.filter(([, r]) =>
      userTags(r).some((x) => x.Key === 'data-classification' && x.Value === 'confidential'),
    ).length,
    keepArchive: users.filter(([, r]) => {
      const policy = JSON.parse(policyText(r)) as {
        Statement: { Sid: string; Resource: string }[];
      };
      const home = props(r).HomeDirectoryMappings[0].Target['Fn::Sub'][0].replace(
        '/${Bucket}/',
        '',
      );
      return policy.Statement.some(
        (s) =>
          s.Sid === 'KeepArchive' &&
          s.Resource === `arn:\${AWS::Partition}:s3:::\${Bucket}/${home}/archive/*`,
      );
    }).length,
  };
}

describe('customizing: one patch of the gateway object reaches every stack', function () {
  this.timeout(60_000);
  afterEach(cleanTempDirs);

  it('users in the root stack get the patched user constructor and session policy', async () => {
    const { template, children } = await render(patchedDir);
    expect(children).to.deep.equal([]);
    expect(patchesSeen(template)).to.deep.equal({ users: 3, tagged: 3, keepArchive: 3 });
  });

  it('users in every child stack get them too, and every child stack gets the child-stack patch', async () => {
    const { template, children } = await render(patchedDir, 'nested');
    expect(children.length, 'the fixture spreads its users over both child stacks').to.equal(2);
    expect(ofType(template, 'AWS::Transfer::User')).to.deep.equal([]);
    for (const c of children) {
      const seen = patchesSeen(c.template);
      expect(seen.users, c.id).to.be.greaterThan(0);
      expect(seen, c.id).to.deep.equal({
        users: seen.users,
        tagged: seen.users,
        keepArchive: seen.users,
      });
      expect(c.template.Metadata, c.id).to.deep.equal({ contact: 'sftp-team@example.com' });
      // The parameters are derived from gateway.userRefs, and the root passes each one.
      const stack = template.Resources[c.id];
      expect(Object.keys(c.template.Parameters ?? {}).sort()).to.deep.equal(
        Object.keys(props(stack).Parameters).sort(),
      );
    }
  });

  it('the outbound function, its alarms and the bucket policy are patched by field name', async () => {
    const { template } = await render(patchedDir);
    expect(props(template.Resources.PushFunction).MemorySize).to.equal(1024);
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id).sort()).to.deep.equal([
      'FailureQueueDepthAlarm',
      'PushErrorsAlarm',
      'RejectedFilesAlarm',
    ]);
    expect(alarms.map(([, a]) => props(a).EvaluationPeriods)).to.deep.equal([3, 3, 3]);
    const statements = props(template.Resources.GatewayBucketPolicy).PolicyDocument.Statement;
    expect(statements.map((s) => s.Sid)).to.deep.equal([
      'DenyInsecureTransport',
      'DenyUnencryptedUploads',
    ]);
    const roleStatements = (
      props(template.Resources.PushFunctionRole) as unknown as { Policies: Props[] }
    ).Policies[0].PolicyDocument.Statement;
    expect(roleStatements.map((s) => s.Sid))
      .to.include('ReadDeliverySettings')
      .and.include('Trace');
  });

  it("a component of the repository's own joins the root stack, and the key policy names its log group", async () => {
    const { template } = await render(patchedDir);
    expect(props(template.Resources.AuditLogGroup)).to.deep.include({
      LogGroupName: '/sftp/audit',
      KmsKeyId: { 'Fn::GetAtt': ['GatewayKey', 'Arn'] },
    });
    const keyPolicy = (
      props(template.Resources.GatewayKey) as unknown as {
        KeyPolicy: {
          Statement: { Sid: string; Condition?: { ArnEquals: Record<string, unknown[]> } }[];
        };
      }
    ).KeyPolicy;
    const logs = keyPolicy.Statement.find(
      (s) => s.Sid === 'CloudWatchLogsEncryptsThisStacksLogGroups',
    );
    expect(JSON.stringify(logs?.Condition?.ArnEquals)).to.include(':log-group:/sftp/audit');
  });

  it("a patch of the hidden config reaches every part that reads it: users in child stacks and the root's resources", async () => {
    const dir = tempDir();
    copyFixture(patchedDir, dir);
    writeFileSync(
      path.join(dir, 'templates', 'gateway.jsonnet'),
      "local sftpgw = import 'sftpgw.libsonnet';\nfunction(config) sftpgw.gateway.new(config) + { config+:: { tags+: { team: 'edi' } } }\n",
    );
    const { template, children } = await render(dir, 'nested');
    const tagged = (t: CfnTemplate) =>
      Object.values(t.Resources).filter((r) =>
        userTags(r).some((x) => x.Key === 'team' && x.Value === 'edi'),
      ).length;
    const withTags = (t: CfnTemplate) =>
      Object.values(t.Resources).filter((r) => userTags(r).length > 0).length;
    for (const t of [template, ...children.map((c) => c.template)])
      expect(tagged(t)).to.equal(withTags(t)).and.to.be.greaterThan(0);
  });

  it('with outbound off the guarded outbound patch is skipped; users are still patched', async () => {
    const { template } = await render(patchedDir, 'inbound-only');
    expect(template.Resources.PushFunction).to.equal(undefined);
    expect(patchesSeen(template)).to.deep.equal({ users: 3, tagged: 3, keepArchive: 3 });
  });

  it('without the patches none of it is there (the checks above can fail)', async () => {
    const dir = tempDir();
    copyFixture(patchedDir, dir);
    writeFileSync(
      path.join(dir, 'templates', 'gateway.jsonnet'),
      "local sftpgw = import 'sftpgw.libsonnet';\nfunction(config) sftpgw.gateway.new(config)\n",
    );
    const { template, children } = await render(dir, 'nested');
    for (const c of children)
      expect(patchesSeen(c.template)).to.include({ tagged: 0, keepArchive: 0 });
    expect(children.map((c) => c.template.Metadata)).to.deep.equal([undefined, undefined]);
    expect(props(template.Resources.PushFunction).MemorySize).to.equal(1769);
  });

  it('a templates/gateway.jsonnet returning the root template (the older form) still renders it, with a warning', async () => {
    const dir = tempDir();
    copyFixture(patchedDir, dir);
    writeFileSync(
      path.join(dir, 'templates', 'gateway.jsonnet'),
      "local sftpgw = import 'sftpgw.libsonnet';\nfunction(config) (sftpgw.gateway.new(config) + { outbound+:: sftpgw.outbound.withFunctionProperties({ MemorySize: 2048 }) }).template\n",
    );
    const { template, reporter } = await render(dir);
    expect(props(template.Resources.PushFunction).MemorySize).to.equal(2048);
    expect(patchesSeen(template)).to.deep.equal({ users: 3, tagged: 0, keepArchive: 0 });
    expect(reporter.warnings.join('\n')).to.match(
      /templates\/gateway\.jsonnet returns a template, not the gateway object.*docs\/customizing\.md/,
    );
  });

  it("a repository's own templates/users.jsonnet (no longer read) is refused, naming the file and what to do; nothing is written", () => {
    const dir = tempDir();
    copyFixture(patchedDir, dir);
    writeFileSync(
      path.join(dir, 'templates', 'users.jsonnet'),
      'function(config, users, placement) []\n',
    );
    const r = runCli(['build', '--no-lint', '--out', 'out'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr)
      .to.include('templates/users.jsonnet')
      .and.include('is no longer read')
      .and.include('docs/customizing.md');
    expect(existsSync(path.join(dir, 'out'))).to.equal(false);
  });

  describe('a broken templates/gateway.jsonnet is refused, naming the file and line; nothing is written', () => {
    const cases: { name: string; text: string; expect: RegExp[] }[] = [
      {
        name: 'a runtime error in a patch',
        text: "local sftpgw = import 'sftpgw.libsonnet';\nfunction(config) sftpgw.gateway.new(config) + {\n  user+:: { new(id, name, spec, shared):: error 'no users here' },\n}\n",
        expect: [/templates\/gateway\.jsonnet:3/, /no users here/],
      },
      {
        name: 'an import that does not exist',
        text: "local mine = import 'mine.libsonnet';\nfunction(config) mine.new(config)\n",
        expect: [/templates\/gateway\.jsonnet:1/, /couldn't open import "mine\.libsonnet"/],
      },
      {
        name: 'a user resource reusing a logical id of the root',
        text: "local sftpgw = import 'sftpgw.libsonnet';\nfunction(config) sftpgw.gateway.new(config) + {\n  user+:: { new(id, name, spec, shared):: super.new(id, name, spec, shared) + { resources+: { GatewayKey: { Type: 'AWS::SNS::Topic' } } } },\n}\n",
        expect: [/Resources\.GatewayKey/, /logical id is used twice/],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const dir = tempDir();
        copyFixture(patchedDir, dir);
        writeFileSync(path.join(dir, 'templates', 'gateway.jsonnet'), c.text);
        const r = runCli(['build', '--no-lint', '--out', 'out'], { cwd: dir });
        expect(r.status, r.stderr).to.equal(1);
        for (const e of c.expect) expect(r.stderr).to.match(e);
        expect(existsSync(path.join(dir, 'out'))).to.equal(false);
      });
    }
  });

  it('the patched gateway passes our validation layers in every environment (the recipes keep the baseline)', () => {
    for (const env of [[], ['--env', 'nested'], ['--env', 'inbound-only']]) {
      const r = runCli(['validate', '--no-lint', ...env], { cwd: patchedDir });
      expect(r.status, `${env.join(' ')}: ${r.stderr}`).to.equal(0);
      expect(r.stdout + r.stderr).to.match(/0 errors, 0 warnings/);
    }
  });

  it('every recipe in docs/customizing.md is applied by the fixture', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'customizing.md'), 'utf8');
    const fixture = readFileSync(path.join(patchedDir, 'templates', 'gateway.jsonnet'), 'utf8');
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    const recipes = [...doc.matchAll(/<!-- recipe -->\n```jsonnet\n([\s\S]*?)```/g)].map(
      (m) => m[1],
    );
    expect(recipes.length).to.be.greaterThan(4);
    for (const r of recipes)
      expect(squash(fixture), `recipe not in the fixture:\n${r}`).to.include(squash(r));
  });
});
