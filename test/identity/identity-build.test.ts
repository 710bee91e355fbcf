// `sftpgw build` of a gateway with server.identityProvider.type lambda, as
// the CLI process with the real jsonnet and cfn-lint: the template has no
// user resources and no child stacks (userStacks warns that it is ignored),
// passes every layer of validation, and directory.json beside it (mode
// 0600: password hashes) is the directory the function accepts. The forward
// switch's staging template (identityStage) passes cfn-lint too. A build that
// fails writes no directory. The user rules of a service-managed build run on
// the lambda gateway's users too (they are in no template): a nested home, a
// session policy over Transfer's limit.
import { expect } from 'chai';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
  tempDir,
} from '../helpers/project.js';

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
