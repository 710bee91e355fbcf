// The shipped example, in every environment, passes the real cfn-lint with
// informational rules and the hard-coded region/account checks: zero findings.
// cfn-lint must be installed (.ci/run installs it); a missing cfn-lint fails.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers/project.js';

// W3002: built templates name child stacks by local file (see lintArgs).
const CFN_LINT_ARGS = ['-f', 'json', '-c', 'I', '-x', 'I3042:region=true', '-x', 'I3042:accountId=true', '--ignore-checks', 'W3002'];

describe('cfn-lint on the golden templates', function () {
  this.timeout(120_000);
  const goldenDir = path.join(repoRoot, 'test', 'golden');
  const files = readdirSync(goldenDir).flatMap((d) => readdirSync(path.join(goldenDir, d)).map((f) => path.join(goldenDir, d, f)));

  it('cfn-lint is installed', () => {
    const r = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    expect(r.error, 'cfn-lint not found on PATH: pip install cfn-lint').to.equal(undefined);
    expect(r.status).to.equal(0);
  });

  it(`reports zero findings with -c I on ${files.length} templates`, () => {
    // One process for all files: cfn-lint's start-up is most of its time.
    const r = spawnSync('cfn-lint', [...CFN_LINT_ARGS, '--', ...files], { encoding: 'utf8' });
    expect(r.error).to.equal(undefined);
    const findings = JSON.parse(r.stdout || '[]') as { Rule: { Id: string }; Message: string; Filename: string }[];
    expect(findings.map((f) => `${path.relative(repoRoot, f.Filename)}: ${f.Rule.Id} ${f.Message}`)).to.deep.equal([]);
    expect(r.status, r.stderr).to.equal(0);
  });
});
