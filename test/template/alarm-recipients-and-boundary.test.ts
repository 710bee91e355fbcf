// Alarm recipients and the permissions boundary as a gateway sees them through the CLI: who the
// alarms notify (alarms, and outbound.alarms merged into it; the deprecated
// alarmEmail) and the
// permissions boundary (iam.permissionsBoundary) on every role the templates
// create, child stacks and a gateway repository's own templates included.
// The template rules themselves are covered by fixtures/bad-templates
// (test/validate/validate-rules.unit.test.ts); cfn-lint by
// test/validate/cfn-lint.test.ts on the goldens.
import { expect } from 'chai';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import {
  cleanTempDirs,
  copyFixture,
  exampleProject,
  repoRoot,
  runCli,
  tempDir,
} from '../helpers/project.js';

interface Json {
  ok: boolean;
  counts: Record<string, number>;
  findings: Array<{ rule: string; severity: string; logicalId?: string; message: string }>;
}
interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

const validateJson = (cwd: string, ...args: string[]) => {
  const r = runCli(['validate', '--no-lint', '--output', 'json', ...args], { cwd });
  return { r, out: JSON.parse(r.stdout) as Json };
};

/** Rewrites sftpgw.yaml with one key path set (undefined deletes it). */
function setConfig(dir: string, keyPath: string[], value: unknown) {
  const file = path.join(dir, 'sftpgw.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (value === undefined) doc.deleteIn(keyPath);
  else doc.setIn(keyPath, value);
  writeFileSync(file, doc.toString());
}

const readTemplate = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Template;
const roles = (t: Template) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');

describe('alarm recipients (alarms, outbound.alarms)', function () {
  this.timeout(60_000);
  afterEach(cleanTempDirs);

  it('the shipped example and the init scaffold name a recipient: no warning', () => {
    expect(validateJson(repoRoot).out.counts).to.include({ error: 0, warning: 0 });
    const parent = tempDir();
    // From this source checkout init needs --package (test/cli/init-installed.test.ts: the default).
    expect(
      runCli(['init', 'gw', '--package', '@acme/sftpgw@^0.2.0'], { cwd: parent }).status,
    ).to.equal(0);
    const { r, out } = validateJson(path.join(parent, 'gw'));
    expect(out.counts, r.stdout).to.include({ error: 0, warning: 0 });
  });

  it('without a recipient, a warning that every output counts (text, JSON, Code Quality), and the build still succeeds', () => {
    const dir = exampleProject();
    setConfig(dir, ['outbound', 'alarms'], undefined);
    const { r, out } = validateJson(dir, '--report', 'codequality=cq.json');
    expect(r.status, r.stderr).to.equal(0);
    expect(out.counts).to.include({ error: 0, warning: 1 });
    const f = out.findings.find((x) => x.rule === 'baseline/alarm-recipients');
    expect(f, r.stdout).to.deep.include({ severity: 'warning', logicalId: 'AlarmTopic' });
    expect(f!.message).to.match(/PushErrorsAlarm.*notify no one/);
    expect(readFileSync(path.join(dir, 'cq.json'), 'utf8')).to.include('baseline/alarm-recipients');
    const text = runCli(['validate', '--no-lint'], { cwd: dir });
    expect(text.stdout + text.stderr)
      .to.match(/0 errors, 1 warning/)
      .and.to.include('alarms.emails (e-mail subscriptions)');
    expect(runCli(['build', '--no-lint'], { cwd: dir }).status).to.equal(0);
  });

  it('an existing topic alone is a recipient; its configured ARN is not a hard-coded location', () => {
    const dir = exampleProject();
    setConfig(dir, ['outbound', 'alarms'], {
      topicArns: ['arn:aws:sns:eu-west-1:123456789012:paging'],
    });
    const { r, out } = validateJson(dir);
    expect(out.counts, r.stdout).to.include({ error: 0, warning: 0 });
    expect(runCli(['build', '--no-lint'], { cwd: dir }).status).to.equal(0);
    const t = readTemplate(path.join(dir, 'dist', 'gateway', 'default', 'template.json'));
    for (const id of ['PushErrorsAlarm', 'FailureQueueDepthAlarm', 'RejectedFilesAlarm']) {
      expect(t.Resources[id].Properties!.AlarmActions, id).to.deep.equal([
        { Ref: 'AlarmTopic' },
        'arn:aws:sns:eu-west-1:123456789012:paging',
      ]);
    }
    expect(
      Object.values(t.Resources).filter((x) => x.Type === 'AWS::SNS::Subscription'),
    ).to.deep.equal([]);
  });

  it('the deprecated outbound.alarmEmail is still subscribed, once, and the build says to move it', () => {
    const dir = exampleProject();
    setConfig(dir, ['outbound', 'alarms'], { emails: ['Ops@Example.com', 'second@example.com'] });
    setConfig(dir, ['outbound', 'alarmEmail'], 'ops@example.com');
    const r = runCli(['build', '--no-lint'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr)
      .to.include('outbound.alarmEmail is deprecated')
      .and.to.include('move the address to alarms.emails');
    const t = readTemplate(path.join(dir, 'dist', 'gateway', 'default', 'template.json'));
    const endpoints = Object.values(t.Resources)
      .filter((x) => x.Type === 'AWS::SNS::Subscription')
      .map((x) => x.Properties!.Endpoint);
    expect(endpoints.sort()).to.deep.equal(['ops@example.com', 'second@example.com']);
  });
});

describe('alarm recipients: top-level alarms and outbound.alarms together', function () {
  this.timeout(60_000);
  afterEach(cleanTempDirs);

  it('both places subscribe and act, each address and topic once', () => {
    const dir = exampleProject();
    setConfig(dir, ['alarms'], {
      emails: ['ops@example.com', 'data@example.com'],
      topicArns: ['arn:aws:sns:eu-west-1:123456789012:paging'],
    });
    setConfig(dir, ['outbound', 'alarms'], {
      emails: ['OPS@example.com'],
      topicArns: [
        'arn:aws:sns:eu-west-1:123456789012:paging',
        'arn:aws:sns:eu-west-1:123456789012:chat',
      ],
    });
    const r = runCli(['build', '--no-lint'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    const t = readTemplate(path.join(dir, 'dist', 'gateway', 'default', 'template.json'));
    const endpoints = Object.values(t.Resources)
      .filter((x) => x.Type === 'AWS::SNS::Subscription')
      .map((x) => x.Properties!.Endpoint);
    expect(endpoints.sort()).to.deep.equal(['data@example.com', 'ops@example.com']);
    expect(t.Resources.PushErrorsAlarm.Properties!.AlarmActions).to.deep.equal([
      { Ref: 'AlarmTopic' },
      'arn:aws:sns:eu-west-1:123456789012:paging',
      'arn:aws:sns:eu-west-1:123456789012:chat',
    ]);
  });

  it('more than 4 existing topics between the two places is refused, naming alarms.topicArns', () => {
    const dir = exampleProject();
    const topic = (n: number) => `arn:aws:sns:eu-west-1:123456789012:t${n}`;
    setConfig(dir, ['alarms'], { topicArns: [topic(1), topic(2), topic(3)] });
    setConfig(dir, ['outbound', 'alarms'], { topicArns: [topic(4), topic(5)] });
    const r = runCli(['build', '--no-lint'], { cwd: dir });
    expect(r.status).to.not.equal(0);
    expect(r.stderr)
      .to.include('alarms.topicArns')
      .and.to.include('together name 5 topics (at most 4');
  });

  it('an unknown key under alarms is still an error', () => {
    const dir = exampleProject();
    setConfig(dir, ['alarms'], { email: ['ops@example.com'] });
    const r = runCli(['build', '--no-lint'], { cwd: dir });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/alarms\.email: unknown key/);
  });
});

describe('permissions boundary (iam.permissionsBoundary)', function () {
  this.timeout(60_000);
  afterEach(cleanTempDirs);
  const boundary = 'arn:aws:iam::123456789012:policy/boundaries/PlatformBoundary';

  it("is on every role: the shipped ones, a gateway repository's own templates, and roles in the child stacks of users", () => {
    const dir = tempDir();
    copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', 'user-stacks'), dir);
    setConfig(dir, ['iam', 'permissionsBoundary'], boundary);
    // The repository's own templates add a role to the root and one per user (in the child stacks).
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
      },
    };
    mkdirSync(path.join(dir, 'templates'));
    // One patch of the gateway object: a role in the root, and one per user through the user constructor.
    writeFileSync(
      path.join(dir, 'templates', 'gateway.jsonnet'),
      `local sftpgw = import 'sftpgw.libsonnet';
function(config) sftpgw.gateway.new(config) + {
  template+:: { Resources+: { AuditRole: ${JSON.stringify(role)} + sftpgw.tags.mixin(config.tags) } },
  user+:: { new(id, name, spec, shared):: super.new(id, name, spec, shared) + { resources+: { [id + 'Role']: ${JSON.stringify(role)} + sftpgw.tags.mixin(config.tags) } } },
}
`,
    );
    const r = runCli(['build', '--no-lint'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    const out = path.join(dir, 'dist', 'gateway', 'default');
    const files = readdirSync(out).filter((f) => /^(template|users-\d+)\.json$/.test(f));
    const all = files.flatMap((f) =>
      roles(readTemplate(path.join(out, f))).map(([id, x]) => ({
        at: `${f}: ${id}`,
        boundary: x.Properties!.PermissionsBoundary,
      })),
    );
    expect(all.map((x) => x.at)).to.include.members([
      'template.json: UserRole',
      'template.json: PushFunctionRole',
      'template.json: AuditRole',
    ]);
    expect(
      all.filter((x) => x.at.startsWith('users-')).length,
      'roles in the child stacks',
    ).to.be.greaterThan(3);
    expect(all.filter((x) => x.boundary !== boundary)).to.deep.equal([]);
  });

  it("a role without it (a hand-edited template) is an error naming the role, with the config's boundary", () => {
    const dir = exampleProject();
    setConfig(dir, ['iam', 'permissionsBoundary'], boundary);
    expect(runCli(['build', '--no-lint'], { cwd: dir }).status).to.equal(0);
    const file = path.join(dir, 'dist', 'gateway', 'default', 'template.json');
    const t = readTemplate(file);
    delete t.Resources.PushFunctionRole.Properties!.PermissionsBoundary;
    writeFileSync(path.join(dir, 'edited.json'), JSON.stringify(t, null, 2));
    const { r, out } = validateJson(dir, '--template', 'edited.json');
    expect(r.status).to.equal(1);
    const errors = out.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => `${f.rule} @ ${f.logicalId}`)).to.deep.equal([
      'baseline/iam-permissions-boundary @ PushFunctionRole',
    ]);
    expect(errors[0].message).to.include(boundary);
  });

  it('the shipped example without the setting has no boundary (nothing forced on roles)', () => {
    const dir = exampleProject();
    cpSync(path.join(repoRoot, 'sftpgw.yaml'), path.join(dir, 'sftpgw.yaml'));
    expect(runCli(['build', '--no-lint'], { cwd: dir }).status).to.equal(0);
    const t = readTemplate(path.join(dir, 'dist', 'gateway', 'default', 'template.json'));
    expect(roles(t).map(([, x]) => x.Properties!.PermissionsBoundary)).to.deep.equal([
      undefined,
      undefined,
    ]);
  });
});
