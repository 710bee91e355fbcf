// `sftpgw build` of a gateway with server.identityProvider.type lambda, as
// the CLI process with the real jsonnet and cfn-lint: the template has no
// user resources and no child stacks (userStacks warns that it is ignored),
// passes every layer of validation, and directory.json beside it (mode
// 0600: password hashes) is the directory the function accepts. The forward
// switch's staging template (identityStage) passes cfn-lint too. A build that
// fails writes no directory. The user rules of a service-managed build run on
// the lambda gateway's users too (they are in no template): a nested home, a
// session policy over Transfer's limit. A user's allowedSourceCidrs on a
// public endpoint: accepted in lambda mode (the function enforces them at
// login) and in the directory; still refused with service-managed users.
import { expect } from 'chai';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { cfnLint } from '../../cli/adapters/cfn-lint.js';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { synthesize } from '../../cli/engine/synthesize.js';
import { pinnedCfnLint } from '../../cli/engine/validate/lint-version.js';
import { build } from '../../cli/engine/build.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import {
  blocking,
  synthesizedInput,
  validateGateway,
  type Finding,
} from '../../cli/engine/validate/index.js';
import { parseDirectory } from '../../shared/identity/directory.js';
import {
  buildProject,
  cleanTempDirs,
  copyFixture,
  listFiles,
  repoRoot,
  runCli,
  tempDir,
} from '../helpers/project.js';
import { setIdentityProvider } from '../helpers/identity-project.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'projects', 'identity-lambda');

function project(): string {
  const dir = tempDir();
  copyFixture(fixture, dir);
  return dir;
}

describe('sftpgw build of a lambda gateway (cfn-lint included)', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  let dir: string;
  let built: ReturnType<typeof buildProject>;
  before(() => {
    dir = project();
    built = buildProject(dir, ['--today', '2026-06-01']);
  });

  it('builds clean: no error, cfn-lint ran, userStacks named as ignored', () => {
    expect(built.status, built.output).to.equal(0);
    expect(built.output).to.match(/userStacks \(4\) is ignored/);
    expect(built.output).to.not.match(/\berror\b/);
  });

  it('has no AWS::Transfer::User and no child stack; the server calls the function', () => {
    const types = Object.values(built.template.Resources).map((r) => r.Type);
    expect(types).to.not.include('AWS::Transfer::User');
    expect(types).to.not.include('AWS::CloudFormation::Stack');
    const server = built.template.Resources.Server.Properties as Record<string, unknown>;
    expect(server.IdentityProviderType).to.equal('AWS_LAMBDA');
    expect(server.IdentityProviderDetails).to.deep.equal({
      Function: { 'Fn::GetAtt': ['IdentityFunction', 'Arn'] },
      SftpAuthenticationMethods: 'PUBLIC_KEY_OR_PASSWORD',
    });
    expect(listFiles(path.join(dir, 'out')).sort()).to.deep.equal([
      '.sftpgw-build.json',
      'directory.json',
      'template.json',
    ]);
  });

  it('writes directory.json with mode 0600, a directory the function accepts, every user in it', () => {
    const file = path.join(dir, 'out', 'directory.json');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const d = parseDirectory(readFileSync(file, 'utf8'));
    expect(d.gateway).to.equal('fixture-identity');
    expect(d.passwords).to.equal(true);
    expect(Object.keys(d.users)).to.deep.equal(['acme-corp', 'alice', 'bob.auditor', 'carol']);
    expect(d.users.carol.passwordHash).to.match(/^\$scrypt\$/);
    expect(d.users.carol.keys).to.deep.equal([
      {
        key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAQXAWUbR5L0UDM1KnBGC18jfc1iKf9uyR4rXIHg+Ry3 carol@old',
        expires: '2026-12-31',
      },
    ]);
    expect(d.users['bob.auditor'].readOnly).to.equal(true);
  });

  it('the staging template (identityStage) passes every layer with cfn-lint: users stay, the server stays SERVICE_MANAGED', async () => {
    const s = await synthesize(
      {
        configFile: path.join(dir, 'sftpgw.yaml'),
        cwd: dir,
        environment: {},
        today: '2026-06-01',
        identityStage: true,
      },
      { jsonnet: libjsonnet, reporter: new RecordingReporter() },
    );
    expect((s.template.Metadata as { sftpgw?: object } | undefined)?.sftpgw).to.include({
      identityProvider: 'staging',
      userStacks: 4,
    });
    expect(
      (s.template.Resources.Server.Properties as Record<string, unknown>).IdentityProviderType,
    ).to.equal('SERVICE_MANAGED');
    expect(s.children).to.have.length(4);
    expect(s.directoryText).to.equal(readFileSync(path.join(dir, 'out', 'directory.json'), 'utf8'));
    const findings = await validateGateway(synthesizedInput(s, 'json'), {
      lint: { linter: cfnLint(), timeoutMs: 120_000, pinnedVersion: pinnedCfnLint() },
      reporter: new RecordingReporter(),
    });
    expect(blocking(findings), JSON.stringify(findings, null, 1)).to.deep.equal([]);
    expect(findings.filter((f) => f.rule.startsWith('cfn-lint/'))).to.deep.equal([]);
  });

  it('a failing build leaves the last directory.json as it was and writes no other', () => {
    const before = readFileSync(path.join(dir, 'out', 'directory.json'), 'utf8');
    writeFileSync(path.join(dir, 'users', 'dora.libsonnet'), '{ sshPublicKeys: [] , }}');
    const r = buildProject(dir, ['--today', '2026-06-01']);
    expect(r.status).to.not.equal(0);
    expect(readFileSync(path.join(dir, 'out', 'directory.json'), 'utf8')).to.equal(before);
  });
});

describe('a lambda gateway’s users meet the same rules as service-managed users', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  async function refused(dir: string): Promise<Finding[]> {
    try {
      await build(
        {
          configFile: path.join(dir, 'sftpgw.yaml'),
          cwd: dir,
          environment: {},
          today: '2026-06-01',
        },
        { jsonnet: libjsonnet, reporter: new RecordingReporter() },
      );
    } catch (err) {
      if (err instanceof SftpgwError) {
        expect(listFiles(path.join(dir, 'dist')), 'nothing is written').to.deep.equal([]);
        return err.findings ?? [];
      }
      throw err;
    }
    throw new Error('the build succeeded');
  }

  it('a home inside another user’s home is refused, naming the inner user’s file', async () => {
    const dir = project();
    writeFileSync(
      path.join(dir, 'users', 'acme-sub.libsonnet'),
      "{ sshPublicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 sub@acme'], homeDirectory: 'partners/acme/sub' }\n",
    );
    const f = (await refused(dir)).filter((x) => x.rule === 'baseline/user-home-nested');
    expect(f, JSON.stringify(f)).to.have.length(1);
    expect(f[0].severity).to.equal('error');
    expect(f[0].source?.file).to.equal('users/acme-sub.libsonnet');
    expect(f[0].message).to.match(/acme-corp/);
  });

  it('a waiver of a nested home is honoured as for a service-managed user (resource: the user’s logical id)', async () => {
    const dir = project();
    writeFileSync(
      path.join(dir, 'users', 'acme-sub.libsonnet'),
      "{ sshPublicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 sub@acme'], homeDirectory: 'partners/acme/sub' }\n",
    );
    const yaml = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      yaml,
      `${readFileSync(yaml, 'utf8')}validation:\n  waivers:\n    - rule: baseline/user-home-nested\n      resource: UserAcmesub5ccf5f\n      reason: acme reads what its sub-account drops\n`,
    );
    const r = await build(
      { configFile: yaml, cwd: dir, environment: {}, today: '2026-06-01' },
      { jsonnet: libjsonnet, reporter: new RecordingReporter() },
    );
    const nested = r.findings.filter((f) => f.rule === 'baseline/user-home-nested');
    expect(nested.map((f) => f.waived)).to.deep.equal(['acme reads what its sub-account drops']);
    expect(r.findings.filter((f) => f.rule.startsWith('waiver'))).to.deep.equal([]);
  });

  it('a session policy over 2,048 characters is refused, naming the user’s file', async () => {
    const dir = project();
    writeFileSync(
      path.join(dir, 'users', 'longhome.libsonnet'),
      `{ sshPublicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 long@home'], homeDirectory: 'partners/${'x'.repeat(480)}' }\n`,
    );
    const f = (await refused(dir)).filter((x) => x.rule === 'transfer/session-policy-length');
    expect(f, JSON.stringify(f)).to.have.length(1);
    expect(f[0].source?.file).to.equal('users/longhome.libsonnet');
    expect(f[0].hint).to.match(/shorter homeDirectory/);
  });
});

describe('a user’s allowedSourceCidrs on a public endpoint: the mode decides', function () {
  this.timeout(120_000);
  afterEach(cleanTempDirs);

  /** The fixture (public endpoint, lambda) with erin, who connects from two networks only. */
  function withNetworks(): string {
    const dir = project();
    writeFileSync(
      path.join(dir, 'users', 'erin.libsonnet'),
      "{ sshPublicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 erin@partner'], allowedSourceCidrs: ['203.0.113.0/24', '198.51.100.7/32'] }\n",
    );
    return dir;
  }

  it('lambda: builds, and directory.json carries erin’s networks (the function checks them at login)', () => {
    const dir = withNetworks();
    const r = buildProject(dir, ['--today', '2026-06-01', '--no-lint']);
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.not.match(/would not be enforced/);
    const server = r.template.Resources.Server.Properties as Record<string, unknown>;
    expect(server.EndpointType).to.equal('PUBLIC');
    expect(
      Object.values(r.template.Resources).map((x) => x.Type),
      'a public endpoint has no security group to open',
    ).to.not.include('AWS::EC2::SecurityGroup');
    const d = parseDirectory(readFileSync(path.join(dir, 'out', 'directory.json'), 'utf8'));
    expect(d.users.erin.cidrs).to.deep.equal(['203.0.113.0/24', '198.51.100.7/32']);
    expect(d.users.alice, 'a user without networks has none').to.not.have.property('cidrs');
  });

  it('service-managed, the same files: refused with the same message as before, nothing written', () => {
    const dir = withNetworks();
    setIdentityProvider(dir, 'service-managed');
    const r = buildProject(dir, ['--today', '2026-06-01', '--no-lint']);
    expect(r.status).to.equal(1);
    expect(r.output).to.include(
      'users/erin.libsonnet:1: allowedSourceCidrs: would not be enforced: the server endpoint is public, open to the whole internet',
    );
    expect(r.output).to.include('set server.endpoint.type: vpc in sftpgw.yaml');
    expect(listFiles(path.join(dir, 'out'))).to.deep.equal([]);
  });

  it('a config with problems (endpoint written out) reports the networks only when its mode is service-managed', () => {
    for (const type of ['lambda', 'service-managed'] as const) {
      const dir = withNetworks();
      setIdentityProvider(dir, type);
      const yaml = path.join(dir, 'sftpgw.yaml');
      // A broken config judges the networks only by an endpoint type it names.
      const doc = parseDocument(readFileSync(yaml, 'utf8'));
      doc.setIn(['server', 'endpoint'], { type: 'public' });
      writeFileSync(yaml, `${doc.toString()}unknownKey: 1\n`);
      const r = runCli(['build', '--no-lint'], { cwd: dir });
      expect(r.status, type).to.equal(1);
      expect(r.stderr, type).to.match(/unknownKey: unknown key/);
      if (type === 'lambda') expect(r.stderr, type).to.not.include('would not be enforced');
      else
        expect(r.stderr, type).to.include(
          'users/erin.libsonnet:1: allowedSourceCidrs: would not be enforced',
        );
    }
  });
});
