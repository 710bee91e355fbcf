// The cfn-lint release sftpgw is made for (package.json config.cfnLintVersion)
// and what happens with another one: validate and build warn (one line, not an
// error) when cfn-lint reports findings, and the tests' own note.
// Fakes: no other cfn-lint release can be installed here (no PyPI), so small
// scripts stand in for one; each answers --version like cfn-lint and prints
// a report in cfn-lint's JSON format.
import { expect } from 'chai';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  inSupportedRange,
  pinnedCfnLint,
  pipRequirement,
  supportedRange,
} from '../../cli/engine/validate/lint-version.js';
import { CFN_LINT_RANGE, cfnLintNote } from '../helpers/cfn-lint.js';
import { cleanTempDirs, exampleProject, repoRoot, runCli, tempDir } from '../helpers/project.js';

const pinned = pinnedCfnLint(repoRoot)!;
const [major, minor] = pinned.split('.').map(Number);
const OTHER_MINOR = `${major}.${minor + 1}.0`;
const LATER_PATCH = `${major}.${minor}.99`;

/** A cfn-lint report of one warning (W3005) on the example's bucket. */
const ONE_WARNING = [
  {
    Filename: 'template.json',
    Level: 'Warning',
    Message:
      "'GatewayKey' dependency already enforced by a 'GetAtt' at 'Resources/GatewayBucket/Properties/BucketEncryption'",
    Location: {
      Path: ['Resources', 'GatewayBucket', 'DependsOn'],
      Start: { LineNumber: 2, ColumnNumber: 3 },
      End: { LineNumber: 2, ColumnNumber: 12 },
    },
    Rule: {
      Id: 'W3005',
      ShortDescription: 'Check obsolete DependsOn configuration for Resources',
      Description: '',
      Source: 'https://github.com/aws-cloudformation/cfn-lint',
    },
  },
];

/** A stand-in cfn-lint of this version printing this report; it logs every call to <dir>/calls. */
function fakeCfnLint(dir: string, version: string, report: unknown[]): string {
  const file = path.join(dir, `cfn-lint-${version}`);
  writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `echo "$1" >> '${dir}/calls'`,
      `if [ "$1" = --version ]; then echo "cfn-lint ${version}"; exit 0; fi`,
      `cat '${dir}/report.json'`,
      `exit ${report.length > 0 ? 4 : 0}`,
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
  return file;
}
const calls = (dir: string): string[] =>
  existsSync(path.join(dir, 'calls'))
    ? readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n')
    : [];
const warning = (installed: string) =>
  `warning: cfn-lint ${installed} is installed; sftpgw is made for cfn-lint ${supportedRange(pinned)}, whose findings may differ (pip install '${pipRequirement(pinned)}')`;

describe('the supported cfn-lint release', function () {
  this.timeout(60_000);
  afterEach(cleanTempDirs);

  it('is a release pinned in package.json config.cfnLintVersion; its patch releases are in range, nothing else', () => {
    expect(pinned).to.match(/^\d+\.\d+\.\d+$/);
    expect(supportedRange('1.51.0')).to.equal('1.51.x');
    expect(inSupportedRange('1.51.0', '1.51.0')).to.equal(true);
    expect(inSupportedRange('1.51.7', '1.51.0')).to.equal(true);
    expect(inSupportedRange('1.52.0', '1.51.0')).to.equal(false);
    expect(inSupportedRange('2.51.0', '1.51.0')).to.equal(false);
    expect(inSupportedRange('1.5.1', '1.51.0')).to.equal(false); // not a prefix match
    expect(pipRequirement('1.51.0')).to.equal('cfn-lint~=1.51.0');
  });

  it('validate with another release that reports findings: one warning line naming both, exit unchanged', () => {
    const dir = exampleProject();
    const linter = fakeCfnLint(tempDir(), OTHER_MINOR, ONE_WARNING);
    const r = runCli(['validate'], { cwd: dir, env: { SFTPGW_CFN_LINT: linter } });
    expect(r.status, r.stderr).to.equal(0); // a warning finding does not fail
    expect(r.stdout).to.include('W3005');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning:'))).to.deep.equal([
      warning(OTHER_MINOR),
    ]); // SFTPGW_CFN_LINT is a known variable
  });

  it('build says the same (and still writes the template)', () => {
    const dir = exampleProject();
    const linter = fakeCfnLint(tempDir(), OTHER_MINOR, ONE_WARNING);
    const r = runCli(['build'], { cwd: dir, env: { SFTPGW_CFN_LINT: linter } });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include(warning(OTHER_MINOR));
    expect(existsSync(path.join(dir, 'dist'))).to.equal(true);
  });

  it('a later patch release of the supported one: no warning', () => {
    const fakeDir = tempDir();
    const r = runCli(['validate'], {
      cwd: exampleProject(),
      env: { SFTPGW_CFN_LINT: fakeCfnLint(fakeDir, LATER_PATCH, ONE_WARNING) },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(calls(fakeDir)).to.include('--version');
    expect(r.stderr).not.to.include('is installed');
  });

  it('no findings: the version is not asked (it costs a second cfn-lint start), no warning', () => {
    const fakeDir = tempDir();
    const r = runCli(['validate'], {
      cwd: exampleProject(),
      env: { SFTPGW_CFN_LINT: fakeCfnLint(fakeDir, OTHER_MINOR, []) },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(calls(fakeDir)).to.have.length(1);
    expect(calls(fakeDir)).not.to.include('--version');
    expect(r.stderr).not.to.include('is installed');
  });

  it('the tests name the range in their titles, and their note names another release', () => {
    expect(CFN_LINT_RANGE).to.equal(`cfn-lint ${supportedRange(pinned)}`);
    const fakeDir = tempDir();
    expect(cfnLintNote(fakeCfnLint(fakeDir, OTHER_MINOR, []))).to.equal(
      `cfn-lint ${OTHER_MINOR} is installed; these expectations are for cfn-lint ${supportedRange(pinned)} (pip install '${pipRequirement(pinned)}')`,
    );
    expect(cfnLintNote(fakeCfnLint(fakeDir, LATER_PATCH, []))).to.equal('');
    const broken = path.join(fakeDir, 'broken');
    writeFileSync(broken, '#!/bin/sh\necho boom >&2\nexit 1\n');
    chmodSync(broken, 0o755);
    expect(cfnLintNote(broken)).to.match(
      /broken --version failed \(boom\); these expectations are for cfn-lint \d+\.\d+\.x/,
    );
  });
});
