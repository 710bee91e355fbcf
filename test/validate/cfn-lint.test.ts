// The shipped example, in every environment, passes the real cfn-lint with
// informational rules and the hard-coded region/account checks: zero findings.
// cfn-lint must be installed (.ci/run installs it); a missing cfn-lint fails.
// Zero findings is what the supported release (package.json
// config.cfnLintVersion) reports; another release runs too, and says so.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lintArgs } from '../../cli/engine/validate/lint.js';
import {
  CFN_LINT_RANGE,
  cfnLintCommand,
  checkCfnLintVersion,
  withCfnLintNote,
} from '../helpers/cfn-lint.js';
import { repoRoot } from '../helpers/project.js';

describe(`${CFN_LINT_RANGE} on the golden templates`, function () {
  this.timeout(120_000);
  before(checkCfnLintVersion);
  const goldenDir = path.join(repoRoot, 'test', 'golden');
  // Templates only: a lambda gateway's golden folder also holds its
  // directory (<name>.directory.json), the identity function's input, which
  // is no template.
  const files = readdirSync(goldenDir).flatMap((d) =>
    readdirSync(path.join(goldenDir, d))
      .filter((f) => !f.endsWith('.directory.json'))
      .map((f) => path.join(goldenDir, d, f)),
  );

  it('cfn-lint is installed', () => {
    const r = spawnSync(cfnLintCommand, ['--version'], { encoding: 'utf8' });
    expect(r.error, withCfnLintNote(`${cfnLintCommand} not found on PATH`)).to.equal(undefined);
    expect(r.status).to.equal(0);
  });

  it(`reports zero findings with -c I on ${files.length} templates`, () => {
    // The CLI's own arguments. One process for all files: cfn-lint's start-up is most of its time.
    const r = spawnSync(cfnLintCommand, [...lintArgs(), '--', ...files], { encoding: 'utf8' });
    expect(r.error, withCfnLintNote()).to.equal(undefined);
    const findings = JSON.parse(r.stdout || '[]') as {
      Rule: { Id: string };
      Message: string;
      Filename: string;
    }[];
    expect(
      findings.map((f) => `${path.relative(repoRoot, f.Filename)}: ${f.Rule.Id} ${f.Message}`),
      withCfnLintNote(),
    ).to.deep.equal([]);
    expect(r.status, withCfnLintNote(r.stderr)).to.equal(0);
  });

  it('knows AWS::Transfer::HostKey only through --registry-schemas (cli/generated/cfn-lint-schemas, from schemas/registry/): without it, E3006 on each key', () => {
    const args = lintArgs();
    const at = args.indexOf('--registry-schemas');
    expect(at, 'lintArgs() passes --registry-schemas').to.be.above(-1);
    expect(readdirSync(args[at + 1])).to.deep.equal(['aws-transfer-hostkey.json']);
    const golden = path.join(goldenDir, 'host-keys', 'default.json');
    const without = [...args.slice(0, at), ...args.slice(at + 2)];
    const r = spawnSync(cfnLintCommand, [...without, '--', golden], { encoding: 'utf8' });
    const findings = JSON.parse(r.stdout || '[]') as {
      Rule: { Id: string };
      Location: { Path: string[] };
    }[];
    // When a cfn-lint release ships the type, this fails: then drop it from
    // source.json notInCfnLint (npm run schemas:refresh takes cfn-lint's).
    expect(
      findings.map((f) => `${f.Rule.Id} ${f.Location.Path.slice(0, 2).join('/')}`).sort(),
      withCfnLintNote(),
    ).to.deep.equal(
      (
        JSON.parse(readFileSync(golden, 'utf8')) as {
          Metadata: { sftpgw: { ids: { hostKeys: string[] } } };
        }
      ).Metadata.sftpgw.ids.hostKeys
        .map((id) => `E3006 Resources/${id}`)
        .sort(),
    );
  });
});
