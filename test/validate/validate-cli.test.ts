// sftpgw validate and build's validation, end to end through the real CLI and
// the real cfn-lint: outputs, reports in the formats GitLab reads, templates
// from files, customised libsonnet that drops a protection, waivers, and what
// happens when cfn-lint is missing, hangs or crashes.
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ajv } from 'ajv';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { countFindings } from '../../cli/engine/validate/finding.js';
import { ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { userStackIndex } from '../../cli/engine/users/placement.js';
import { pinnedCfnLint } from '../../cli/engine/validate/lint-version.js';
import {
  VALIDATE_DOCUMENT_SCHEMA,
  type ValidateDocument,
} from '../../cli/engine/validate/reports/json.js';
import { CFN_LINT_RANGE, checkCfnLintVersion, withCfnLintNote } from '../helpers/cfn-lint.js';
import {
  cleanTempDirs,
  exampleProject,
  listFiles,
  repoRoot,
  runCli,
  tempDir,
} from '../helpers/project.js';

/** GitLab's Code Quality report format (docs.gitlab.com/ci/testing/code_quality, "Code Quality report format"). */
const CODE_QUALITY_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        properties: {
          path: { type: 'string', minLength: 1, not: { pattern: '^/' } },
          lines: {
            type: 'object',
            required: ['begin'],
            properties: { begin: { type: 'integer', minimum: 1 } },
          },
        },
      },
    },
  },
};

/** A project whose own templates/gateway.jsonnet patches bucket versioning away. */
function projectWithoutVersioning(): string {
  const dir = exampleProject();
  mkdirSync(path.join(dir, 'templates'));
  writeFileSync(
    path.join(dir, 'templates', 'gateway.jsonnet'),
    [
      "local sftpgw = import 'sftpgw.libsonnet';",
      'function(config)',
      '  sftpgw.gateway.new(config) + {',
      "    bucket+:: sftpgw.component.patch('GatewayBucket', { Properties+: { VersioningConfiguration:: null } }),",
      '  }',
      '',
    ].join('\n'),
  );
  return dir;
}

/** A real git repository (GitLab's Code Quality paths are relative to its root). */
function gitInit(dir: string): string {
  const r = spawnSync('git', ['init', '-q', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return dir;
}

/** Appends a config waiver; returns the line its `- rule:` is on. */
function addWaiver(
  dir: string,
  rule: string,
  resource: string,
  reason = 'a reason that is long enough',
): number {
  const file = path.join(dir, 'sftpgw.yaml');
  const text = readFileSync(file, 'utf8').replace(/\n*$/, '\n');
  const item = `    - rule: ${rule}\n      resource: ${resource}\n      reason: ${reason}\n`;
  // A config whose last block is already validation.waivers gets one more item.
  if (/\nvalidation:\n {2}waivers:\n(?:(?: {4}.*|\s*#.*)?\n)*$/.test(text)) {
    writeFileSync(file, text + item);
    return text.split('\n').length;
  }
  writeFileSync(file, `${text}validation:\n  waivers:\n${item}`);
  return text.split('\n').length + 2;
}

const validateCq = new Ajv({ allErrors: true }).compile(CODE_QUALITY_SCHEMA);
type CqIssue = { check_name: string; location: { path: string; lines: { begin: number } } };
const readCq = (file: string) => {
  const cq = JSON.parse(readFileSync(file, 'utf8')) as CqIssue[];
  expect(validateCq(cq), JSON.stringify(validateCq.errors)).to.equal(true);
  return cq;
};

function fakeLinter(dir: string, script: string): string {
  const file = path.join(dir, 'fake-cfn-lint');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe(`sftpgw validate (${CFN_LINT_RANGE})`, function () {
  this.timeout(120_000);
  before(checkCfnLintVersion);
  afterEach(cleanTempDirs);

  it('the example passes every layer, cfn-lint -c I included: exit 0, zero findings', () => {
    const dir = exampleProject();
    const r = runCli(['validate', '--output', 'json'], { cwd: dir });
    expect(r.status, withCfnLintNote(r.stderr)).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      layers: string[];
      counts: Record<string, number>;
      findings: unknown[];
      resources: number;
    };
    expect(out.ok).to.equal(true);
    expect(out.layers).to.deep.equal(['template', 'schema', 'semantic', 'baseline', 'cfn-lint']);
    expect(out.findings, withCfnLintNote()).to.deep.equal([]);
    expect(out.counts).to.deep.equal({ error: 0, warning: 0, info: 0, waived: 0 });
    expect(out.resources).to.equal(27); // 13 inbound (3 users) + 14 outbound (one alarm e-mail)
    expect(listFiles(dir).filter((f) => f.startsWith('dist'))).to.deep.equal([]); // writes no template
  });

  it('a customised template that drops a protection fails build and validate, naming the resource and where the library defines it', () => {
    const dir = projectWithoutVersioning();
    const b = runCli(['build', '--no-lint'], { cwd: dir });
    expect(b.status).to.equal(1);
    expect(b.stderr).to.match(/GatewayBucket\s+AWS::S3::Bucket/);
    expect(b.stderr).to.match(/versioning is not enabled \[baseline\/bucket-versioning\]/);
    // where GatewayBucket is defined (the repository only patches it): test/validate/finding-locations.unit.test.ts
    expect(b.stderr).to.match(
      /at \S*libsonnet\/gateway\.libsonnet:\d+ {2}\/Resources\/GatewayBucket\b/,
    );
    expect(listFiles(path.join(dir, 'dist'))).to.deep.equal([]);

    const v = runCli(
      [
        'validate',
        '--no-lint',
        '--report',
        'codequality=reports/cq.json',
        '--report',
        'junit=reports/junit.xml',
      ],
      { cwd: dir },
    );
    expect(v.status).to.equal(1);
    expect(v.stdout).to.match(/bucket-versioning/);
    const cq = JSON.parse(readFileSync(path.join(dir, 'reports/cq.json'), 'utf8')) as {
      check_name: string;
      fingerprint: string;
      location: { path: string; lines: { begin: number } };
    }[];
    const validateCq = new Ajv({ allErrors: true }).compile(CODE_QUALITY_SCHEMA);
    expect(validateCq(cq), JSON.stringify(validateCq.errors)).to.equal(true);
    const issue = cq.find((i) => i.check_name === 'baseline/bucket-versioning')!;
    // the shipped library is outside the repository: GitLab gets the config file instead
    expect(issue.location.path).to.equal('sftpgw.yaml');
    expect(new Set(cq.map((i) => i.fingerprint)).size).to.equal(cq.length);

    const xml = readFileSync(path.join(dir, 'reports/junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).to.equal(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: {
        '@_failures': string;
        testsuite: { '@_name': string; testcase: { '@_name': string; failure?: unknown }[] }[];
      };
    };
    expect(Number(doc.testsuites['@_failures'])).to.be.greaterThan(0);
    const baseline = doc.testsuites.testsuite.find((s) => s['@_name'].startsWith('baseline'))!;
    const failing = baseline.testcase
      .filter((c) => c.failure !== undefined)
      .map((c) => c['@_name']);
    expect(failing).to.include('GatewayBucket');
  });

  it('a waiver in sftpgw.yaml lets the build through and every report repeats its reason', () => {
    const dir = projectWithoutVersioning();
    const reason = 'scratch bucket for a migration; versions are not needed';
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8') +
        `\nvalidation:\n  waivers:\n    - rule: baseline/bucket-versioning\n      resource: GatewayBucket\n      reason: ${reason}\n`,
    );
    const b = runCli(['build', '--no-lint'], { cwd: dir });
    expect(b.status, b.stderr).to.equal(0);
    expect(b.stderr).to.include(reason);
    expect(b.stderr).to.match(/1 waived/);
    const v = runCli(
      ['validate', '--no-lint', '--output', 'json', '--report', 'codequality=cq.json'],
      { cwd: dir },
    );
    expect(v.status, v.stderr).to.equal(0);
    const out = JSON.parse(v.stdout) as { findings: { rule: string; waived?: string }[] };
    expect(out.findings.find((f) => f.rule === 'baseline/bucket-versioning')?.waived).to.equal(
      reason,
    );
    expect(readFileSync(path.join(dir, 'cq.json'), 'utf8')).to.include(reason);
  });

  it('a waiver without a reason is a config error', () => {
    const dir = exampleProject();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8') +
        '\nvalidation:\n  waivers:\n    - rule: baseline/bucket-versioning\n      resource: GatewayBucket\n',
    );
    const r = runCli(['validate', '--no-lint'], { cwd: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(
      /sftpgw\.yaml:\d+:\d+: validation\.waivers\.0: missing required key reason/,
    );
  });

  it('--template reads a hand-written YAML template with short-form tags and points at its lines', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'hand.yaml'),
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Topic:',
        '    Type: AWS::SNS::Topic',
        '    Properties:',
        '      KmsMasterKeyId: !Ref Key',
        '      TopicNam: alarms',
        '  Alias:',
        '    Type: AWS::KMS::Alias',
        '    Properties:',
        '      AliasName: alias/x',
        '      TargetKeyId: !GetAtt Key.KeyId',
        '',
      ].join('\n'),
    );
    const r = runCli(['validate', '--template', 'hand.yaml', '--no-lint', '--output', 'json'], {
      cwd: dir,
    });
    expect(r.status).to.equal(1);
    const out = JSON.parse(r.stdout) as {
      findings: { rule: string; logicalId: string; source: { file: string; line: number } }[];
    };
    const byRule = (rule: string) =>
      out.findings
        .filter((f) => f.rule === rule)
        .map((f) => `${f.logicalId} ${f.source.file}:${f.source.line}`);
    expect(byRule('schema/unknown-property')).to.deep.equal(['Topic hand.yaml:7']);
    expect(byRule('semantic/missing-reference')).to.deep.equal([
      'Alias hand.yaml:12',
      'Topic hand.yaml:6',
    ]);
  });

  it('--template with a missing file is a usage error (exit 2)', () => {
    const r = runCli(['validate', '--template', 'nope.json'], { cwd: tempDir() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/cannot read template nope\.json: no such file/);
  });

  it('maps cfn-lint findings (here a warning only cfn-lint knows) to the logical id; warnings do not fail', () => {
    const dir = tempDir();
    const t = JSON.parse(
      readFileSync(path.join(repoRoot, 'test/golden/example/default.json'), 'utf8'),
    );
    t.Resources.GatewayBucket.DependsOn = 'GatewayKey'; // already implied by Fn::GetAtt: cfn-lint W3005
    writeFileSync(path.join(dir, 'template.json'), JSON.stringify(t, null, 2));
    const r = runCli(['validate', '--template', 'template.json', '--output', 'json'], { cwd: dir });
    expect(r.status, withCfnLintNote(r.stderr)).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      findings: {
        rule: string;
        layer: string;
        severity: string;
        logicalId: string;
        pointer: string;
        source: { line: number };
      }[];
    };
    const w = out.findings.find((f) => f.rule === 'cfn-lint/W3005')!;
    expect(w, withCfnLintNote(r.stdout)).to.not.equal(undefined);
    expect(w).to.include({ layer: 'cfn-lint', severity: 'warning', logicalId: 'GatewayBucket' });
    expect(w.pointer).to.match(/^\/Resources\/GatewayBucket\/DependsOn/);
    expect(w.source.line).to.be.greaterThan(1);
  });

  it('cfn-lint not installed: says so and how to get it, exit 1; --no-lint runs the other layers', () => {
    const dir = exampleProject();
    const env = { PATH: path.dirname(process.execPath), SFTPGW_CFN_LINT: undefined };
    const r = runCli(['validate'], { cwd: dir, env });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/cfn-lint is not installed/);
    expect(r.stderr).to.include(`pip install 'cfn-lint~=${pinnedCfnLint(repoRoot)}'`); // the supported release
    expect(r.stderr).to.match(/--no-lint/);
    const b = runCli(['build'], { cwd: dir, env });
    expect(b.status).to.equal(1);
    expect(listFiles(path.join(dir, 'dist'))).to.deep.equal([]);
    const n = runCli(['validate', '--no-lint'], { cwd: dir, env });
    expect(n.status, n.stderr).to.equal(0);
    expect(n.stderr).to.match(/cfn-lint skipped/);
  });

  // Fakes: a real cfn-lint cannot be made to hang or crash on demand.
  it('cfn-lint that hangs is stopped at --lint-timeout (fake cfn-lint)', () => {
    const dir = exampleProject();
    const r = runCli(['validate', '--lint-timeout', '1'], {
      cwd: dir,
      env: { SFTPGW_CFN_LINT: fakeLinter(dir, 'sleep 30') },
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/cfn-lint did not finish within 1 s/);
  });

  it('cfn-lint that crashes is an error, never a pass (fake cfn-lint)', () => {
    const dir = exampleProject();
    const r = runCli(['validate'], {
      cwd: dir,
      env: { SFTPGW_CFN_LINT: fakeLinter(dir, 'echo "Traceback: boom" >&2; exit 1') },
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/cfn-lint failed \(exit 1\)/);
    expect(r.stderr).to.match(/Traceback: boom/);
  });

  it('--output json on a bad user file: stdout is one JSON document saying why', () => {
    const dir = exampleProject();
    writeFileSync(
      path.join(dir, 'users', 'carol.libsonnet'),
      '{ sshPublicKeys: [], homeDirectory: "carol" }',
    );
    const r = runCli(
      ['validate', '--no-lint', '--output', 'json', '--report', 'codequality=cq.json'],
      { cwd: dir },
    );
    expect(r.status).to.equal(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; findings: { source: { file: string } }[] };
    expect(out.ok).to.equal(false);
    expect(out.findings[0].source.file).to.equal('users/carol.libsonnet');
    expect(JSON.parse(readFileSync(path.join(dir, 'cq.json'), 'utf8'))[0].location.path).to.equal(
      'users/carol.libsonnet',
    );
  });

  describe('nested home directories are a finding in every output (baseline/user-home-nested)', () => {
    /** The example plus team, team-x and team/sub: only team/sub is inside another home. */
    const nestedProject = (extraConfig = '') => {
      const dir = exampleProject();
      for (const [name, home] of [
        ['team', 'team'],
        ['team-x', 'team-x'],
        ['team-sub', 'team/sub'],
      ]) {
        // Each user its own key: one shared key would add users/shared-key warnings.
        const key = ed25519PublicKey(`${name}@test`);
        writeFileSync(
          path.join(dir, 'users', `${name}.libsonnet`),
          `// ${name}\n{\n  sshPublicKeys: ['${key}'],\n  homeDirectory: '${home}',\n}\n`,
        );
      }
      if (extraConfig)
        writeFileSync(
          path.join(dir, 'sftpgw.yaml'),
          readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8') + extraConfig,
        );
      return dir;
    };

    it("an error: build fails; text, JSON counts, Code Quality and JUnit all carry it, pointing at the inner user's file", () => {
      const dir = nestedProject();
      const b = runCli(['build', '--no-lint'], { cwd: dir });
      expect(b.status).to.equal(1);
      expect(b.stderr).to.match(/home directory "team\/sub" is inside the home of team \("team"\)/);
      expect(b.stderr).to.match(/1 error, 0 warnings/);
      expect(listFiles(path.join(dir, 'dist'))).to.deep.equal([]);

      const v = runCli(
        ['validate', '--no-lint', '--report', 'codequality=cq.json', '--report', 'junit=junit.xml'],
        { cwd: dir },
      );
      expect(v.status).to.equal(1);
      expect(v.stdout).to.match(
        /\[baseline\/user-home-nested\]\n\s+at users\/team-sub\.libsonnet:4/,
      );
      expect(v.stderr).to.match(/invalid: .*: 1 error, 0 warnings/);
      const j = runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir });
      const out = JSON.parse(j.stdout) as {
        ok: boolean;
        counts: Record<string, number>;
        findings: {
          rule: string;
          logicalId: string;
          severity: string;
          source: { file: string; line: number; field: string };
        }[];
      };
      expect(out.ok).to.equal(false);
      expect(out.counts).to.deep.equal({ error: 1, warning: 0, info: 0, waived: 0 });
      const f = out.findings.find((x) => x.rule === 'baseline/user-home-nested')!;
      expect(f).to.deep.include({
        severity: 'error',
        source: { file: 'users/team-sub.libsonnet', line: 4, field: 'homeDirectory' },
      });
      const cq = JSON.parse(readFileSync(path.join(dir, 'cq.json'), 'utf8')) as {
        check_name: string;
        severity: string;
        location: { path: string; lines: { begin: number } };
      }[];
      expect(
        cq
          .filter((i) => i.check_name === 'baseline/user-home-nested')
          .map((i) => [i.severity, i.location.path, i.location.lines.begin]),
      ).to.deep.equal([['critical', 'users/team-sub.libsonnet', 4]]);
      const doc = new XMLParser({ ignoreAttributes: false }).parse(
        readFileSync(path.join(dir, 'junit.xml'), 'utf8'),
      ) as {
        testsuites: {
          testsuite: {
            '@_name': string;
            testcase: { '@_name': string; failure?: { '@_type': string } }[];
          }[];
        };
      };
      const baseline = doc.testsuites.testsuite.find((x) => x['@_name'].startsWith('baseline'))!;
      expect(
        baseline.testcase.filter((c) => c.failure).map((c) => [c['@_name'], c.failure!['@_type']]),
      ).to.deep.equal([[f.logicalId, 'baseline/user-home-nested']]);
    });

    it('waived with a reason in sftpgw.yaml: the build passes and the reports say why', () => {
      const id = JSON.parse(
        runCli(['validate', '--no-lint', '--output', 'json'], { cwd: nestedProject() }).stdout,
      ).findings[0].logicalId as string;
      const reason = 'team reviews the sub-team uploads before they are processed';
      const dir = nestedProject(
        `\nvalidation:\n  waivers:\n    - rule: baseline/user-home-nested\n      resource: ${id}\n      reason: ${reason}\n`,
      );
      const b = runCli(['build', '--no-lint'], { cwd: dir });
      expect(b.status, b.stderr).to.equal(0);
      expect(b.stderr).to.match(/0 errors, 0 warnings, 1 waived/);
      const out = JSON.parse(
        runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir }).stdout,
      ) as { counts: Record<string, number>; findings: { waived?: string }[] };
      expect(out.counts).to.deep.equal({ error: 0, warning: 0, info: 0, waived: 1 });
      expect(out.findings[0].waived).to.equal(reason);
    });

    it('across child stacks (userStacks): found wherever the users land, waivable once without "unused" noise from the other stacks', () => {
      // team and team-sub land in different child stacks with 8.
      expect(userStackIndex('team', 8)).to.not.equal(userStackIndex('team-sub', 8));
      const dir = nestedProject('\nuserStacks: 8\n');
      const j = JSON.parse(
        runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir }).stdout,
      ) as { counts: Record<string, number>; findings: { rule: string; logicalId: string }[] };
      expect(j.counts.error).to.equal(1);
      const id = j.findings[0].logicalId; // Users<n>/UserTeamsub…
      expect(id).to.match(/^Users\d\/UserTeamsub/);
      const reason = 'team reviews the sub-team uploads before they are processed';
      writeFileSync(
        path.join(dir, 'sftpgw.yaml'),
        readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8') +
          `validation:\n  waivers:\n    - rule: baseline/user-home-nested\n      resource: ${id.split('/')[1]}\n      reason: ${reason}\n`,
      );
      const v = runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir });
      expect(v.status, v.stderr).to.equal(0);
      expect((JSON.parse(v.stdout) as { counts: Record<string, number> }).counts).to.deep.equal({
        error: 0,
        warning: 0,
        info: 0,
        waived: 1,
      });
      // A waiver that matches nothing anywhere is still reported, once.
      writeFileSync(
        path.join(dir, 'sftpgw.yaml'),
        readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8') +
          `    - rule: baseline/user-home-nested\n      resource: UserNobody\n      reason: ${reason}\n`,
      );
      const u = JSON.parse(
        runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir }).stdout,
      ) as { findings: { rule: string }[] };
      expect(u.findings.filter((f) => f.rule === 'waiver/unused')).to.have.length(1);
    });
  });

  it('--report with an unknown kind is a usage error', () => {
    const r = runCli(['validate', '--report', 'sarif=x.json'], { cwd: exampleProject() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/codequality, junit/);
  });

  describe('--output json is one complete document on every path', function () {
    const validateDoc = new Ajv({ allErrors: true }).compile(VALIDATE_DOCUMENT_SCHEMA);
    const userFile = (text: string) => () => {
      const d = exampleProject();
      writeFileSync(path.join(d, 'users', 'carol.libsonnet'), text);
      return d;
    };
    const config = (text: string) => () => {
      const d = exampleProject();
      writeFileSync(path.join(d, 'sftpgw.yaml'), text);
      return d;
    };
    const cases: Array<{
      name: string;
      dir: () => string;
      args?: string[];
      lint?: boolean;
      env?: Record<string, string | undefined>;
      status: number;
      kind: string | null;
      source?: RegExp;
    }> = [
      { name: 'a valid gateway', dir: exampleProject, status: 0, kind: null },
      { name: 'a template with errors', dir: projectWithoutVersioning, status: 1, kind: null },
      {
        name: 'a bad user file',
        dir: userFile('{ sshPublicKeys: [], homeDirectory: "carol" }\n'),
        status: 1,
        kind: 'invalid-input',
        source: /^users\/carol\.libsonnet:1$/,
      },
      {
        name: 'a jsonnet syntax error',
        dir: userFile("{ sshPublicKeys: ['x'],\n  homeDirectory: 'carol'\n"),
        status: 1,
        kind: 'invalid-input',
        source: /^users\/carol\.libsonnet:\d+$/,
      },
      {
        name: 'an unknown config key',
        dir: config('stackName: gw\nuserDir: users\n'),
        status: 1,
        kind: 'invalid-input',
        source: /^sftpgw\.yaml:2$/,
      },
      {
        name: 'a YAML syntax error',
        dir: config('stackName: gw\ntags:\n\tteam: x\n'),
        status: 1,
        kind: 'invalid-input',
        source: /^sftpgw\.yaml:3$/,
      },
      {
        name: 'an unknown environment',
        dir: exampleProject,
        args: ['--env', 'prod'],
        status: 2,
        kind: 'usage',
      },
      { name: 'no config file', dir: () => tempDir(), status: 2, kind: 'usage' },
      {
        name: 'a missing --template file',
        dir: () => tempDir(),
        args: ['--template', 'nope.json'],
        status: 2,
        kind: 'usage',
      },
      {
        name: 'a bad --report',
        dir: exampleProject,
        args: ['--report', 'sarif=x.json'],
        status: 2,
        kind: 'usage',
      },
      {
        name: 'cfn-lint not installed',
        dir: exampleProject,
        lint: true,
        env: { PATH: path.dirname(process.execPath), SFTPGW_CFN_LINT: undefined },
        status: 1,
        kind: 'failed',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const dir = c.dir();
        const r = runCli(
          ['validate', '--output', 'json', ...(c.lint ? [] : ['--no-lint']), ...(c.args ?? [])],
          { cwd: dir, env: c.env },
        );
        expect(r.status, r.stderr).to.equal(c.status);
        const doc = JSON.parse(r.stdout) as ValidateDocument; // the whole of stdout is one document
        expect(validateDoc(doc), `${JSON.stringify(validateDoc.errors)}\n${r.stdout}`).to.equal(
          true,
        );
        expect(Object.keys(doc)).to.deep.equal(VALIDATE_DOCUMENT_SCHEMA.required);
        expect(doc.ok).to.equal(c.status === 0);
        expect(doc.counts).to.deep.equal(countFindings(doc.findings));
        expect(doc.error?.kind ?? null).to.equal(c.kind);
        if (c.kind !== null) {
          expect(doc.counts.error).to.be.greaterThan(0);
          expect(r.stderr).to.include(`error: ${doc.error!.message}`); // the same error, for people, on stderr
        }
        if (c.source)
          expect(doc.findings.map((f) => `${f.source?.file}:${f.source?.line}`)).to.satisfy(
            (l: string[]) => l.some((x) => c.source!.test(x)),
            r.stdout,
          );
      });
    }
  });

  it('an unused waiver points at its line in sftpgw.yaml and names the resource and rule, in every output', () => {
    const dir = exampleProject();
    const line = addWaiver(dir, 'baseline/kms-rotation', 'GatewayKey');
    expect(readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8').split('\n')[line - 1]).to.equal(
      '    - rule: baseline/kms-rotation',
    );
    const text = runCli(
      ['validate', '--no-lint', '--report', 'junit=j.xml', '--report', 'codequality=cq.json'],
      { cwd: dir },
    );
    expect(text.status, text.stderr).to.equal(0); // a warning
    expect(text.stdout).to.match(
      new RegExp(
        `^GatewayKey  AWS::KMS::Key\n  warning the waiver of baseline/kms-rotation for GatewayKey is not needed: GatewayKey complies with baseline/kms-rotation \\[waiver/unused\\]\n {10}at sftpgw\\.yaml:${line}\n`,
      ),
    );
    const junit = readFileSync(path.join(dir, 'j.xml'), 'utf8');
    expect(junit).to.match(
      new RegExp(
        `name="GatewayKey"><system-out>warning waiver/unused sftpgw\\.yaml:${line} validation\\.waivers\\.0: the waiver of baseline/kms-rotation for GatewayKey`,
      ),
    );
    expect(junit).not.to.match(/: :| : /);
    expect(
      readCq(path.join(dir, 'cq.json')).find((i) => i.check_name === 'waiver/unused')!.location,
    ).to.deep.equal({ path: 'sftpgw.yaml', lines: { begin: line } });

    // a misspelt resource: the line, and the resource it probably meant
    const other = exampleProject();
    const at = addWaiver(other, 'baseline/kms-rotation', 'GatewayKy');
    const json = runCli(['validate', '--no-lint', '--output', 'json'], { cwd: other });
    const f = (JSON.parse(json.stdout) as ValidateDocument).findings.find(
      (x) => x.rule === 'waiver/unused',
    )!;
    expect(f).to.deep.include({
      message:
        'the waiver of baseline/kms-rotation names GatewayKy, which is not a resource in this template',
      source: { file: 'sftpgw.yaml', line: at, field: 'validation.waivers.0' },
    });
    expect(f.hint).to.match(/^did you mean GatewayKey\?/);
  });

  it('a waiver in an environment points at its line there', () => {
    const dir = exampleProject();
    const file = path.join(dir, 'sftpgw.yaml');
    const text = readFileSync(file, 'utf8').replace(
      '  production:\n',
      '  production:\n    validation:\n      waivers:\n        - rule: baseline/bucket-versioning\n          resource: GatewayBucket\n          reason: versions are kept by replication\n',
    );
    writeFileSync(file, text);
    const line = text.split('\n').indexOf('        - rule: baseline/bucket-versioning') + 1;
    const r = runCli(['validate', '--no-lint', '--env', 'production', '--output', 'json'], {
      cwd: dir,
    });
    const f = (JSON.parse(r.stdout) as ValidateDocument).findings.find(
      (x) => x.rule === 'waiver/unused',
    )!;
    expect(f).to.deep.include({
      logicalId: 'GatewayBucket',
      source: { file: 'sftpgw.yaml', line, field: 'environments.production.validation.waivers.0' },
    });
  });

  it('with users in child stacks, a config waiver is judged once over the gateway, not once per stack', () => {
    const dir = tempDir();
    cpSync(path.join(repoRoot, 'test/fixtures/projects/user-stacks'), dir, { recursive: true });
    const unusedAt = addWaiver(dir, 'baseline/kms-rotation', 'GatewayKey');
    const r = runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir });
    const unused = (JSON.parse(r.stdout) as ValidateDocument).findings.filter(
      (f) => f.rule === 'waiver/unused',
    );
    expect(unused.map((f) => `${f.logicalId} ${f.source?.line}`)).to.deep.equal([
      `GatewayKey ${unusedAt}`,
    ]);
  });

  describe('Code Quality paths are relative to the repository root, with real lines', function () {
    it('in a monorepo (the job runs in a sub-folder): paths from the git root', () => {
      const repo = gitInit(tempDir());
      const dir = path.join(repo, 'gateways', 'acme');
      cpSync(exampleProject(), dir, { recursive: true });
      writeFileSync(path.join(dir, 'users', 'carol.libsonnet'), '{\n  sshPublicKeys: [],\n}\n');
      const r = runCli(['validate', '--no-lint', '--report', 'codequality=cq.json'], { cwd: dir });
      expect(r.status).to.equal(1);
      expect(readCq(path.join(dir, 'cq.json'))[0].location).to.deep.equal({
        path: 'gateways/acme/users/carol.libsonnet',
        lines: { begin: 2 },
      });
    });

    it('a --template outside the repository: named from its own git root, else by its file name, at its real line', () => {
      const repo = gitInit(tempDir());
      writeFileSync(path.join(repo, 'sftpgw.yaml'), 'stackName: gw\n');
      const hand = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Topic:',
        '    Type: AWS::SNS::Topic',
        '    Properties:',
        '      TopicNam: alarms',
        '',
      ].join('\n');
      const loose = tempDir(); // in no git repository
      writeFileSync(path.join(loose, 'hand.yaml'), hand);
      const otherRepo = gitInit(tempDir());
      mkdirSync(path.join(otherRepo, 'build'));
      writeFileSync(path.join(otherRepo, 'build', 'hand.yaml'), hand);
      for (const [file, shown] of [
        [path.join(loose, 'hand.yaml'), 'hand.yaml'],
        [path.relative(repo, path.join(otherRepo, 'build', 'hand.yaml')), 'build/hand.yaml'],
      ]) {
        const r = runCli(
          ['validate', '--no-lint', '--template', file, '--report', 'codequality=cq.json'],
          { cwd: repo },
        );
        expect(r.status, r.stderr).to.equal(1);
        const cq = readCq(path.join(repo, 'cq.json'));
        expect(
          cq.find((i) => i.check_name === 'schema/unknown-property')!.location,
          file,
        ).to.deep.equal({ path: shown, lines: { begin: 6 } });
        expect(new Set(cq.map((i) => i.location.path)), file).to.deep.equal(new Set([shown])); // findings without a line of their own too
      }
    });
  });

  it('JUnit never shows empty fields (": :") when a finding has no file, line or resource', () => {
    const dir = exampleProject();
    const r = runCli(['validate', '--no-lint', '--env', 'nope', '--report', 'junit=j.xml'], {
      cwd: dir,
    });
    expect(r.status).to.equal(2);
    const xml = readFileSync(path.join(dir, 'j.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).to.equal(true);
    expect(xml).to.include(
      '>error input/usage: environment &quot;nope&quot; (from --env) is not defined in sftpgw.yaml → use one of: staging, production</failure>',
    );
    expect(xml).not.to.match(/: :| : /);
  });
});
