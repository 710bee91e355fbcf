// Where a finding on a resource points (cli/engine/validate/definition-sites.ts,
// sources.ts): the file and line where the resource's logical id is defined —
// a libsonnet library, the gateway repository's own templates/gateway.jsonnet,
// the user file for users, sftpgw.yaml's userStacks for child stacks — and
// no line rather than a wrong one (issue 22, item 4: findings pointed at the
// first library file that spelled the resource's Type, so AlarmTopic and
// IngestTopic shared a line, and a repository's roles landed in
// downstream.libsonnet).
//
// The expectations come from a search of the library text of its own (a
// regular expression per line, not the lexer the code uses), over every
// resource of the built example, downstream, downstream-malware, vpc-endpoint
// and user-stacks gateways (their goldens: golden.test.ts keeps them equal to
// what build renders); a few are checked by hand.
import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { RecordingReporter } from '../cli/engine/reporter.js';
import { synthesize } from '../cli/engine/synthesize.js';
import { definitionSites } from '../cli/engine/validate/definition-sites.js';
import type { SourceLocation } from '../cli/engine/validate/finding.js';
import { cleanTempDirs, copyFixture, repoRoot, runCli, tempDir } from './helpers/project.js';

const libDir = path.join(repoRoot, 'libsonnet');
const libFiles = readdirSync(libDir)
  .filter((f) => f.endsWith('.libsonnet'))
  .sort();
const libLines = new Map(
  libFiles.map((f) => [f, readFileSync(path.join(libDir, f), 'utf8').split('\n')]),
);

const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'projects', name);
const projects = [
  { name: 'example', dir: repoRoot },
  ...['downstream', 'downstream-malware', 'vpc-endpoint', 'user-stacks'].map((name) => ({
    name,
    dir: fixture(name),
  })),
];

interface Resource {
  project: string;
  id: string;
  type: string;
}

/** Every resource of each project's default build, root and child stacks, from its goldens. */
const resources: Resource[] = projects.flatMap((p) => {
  const dir = path.join(repoRoot, 'test', 'golden', p.name);
  return readdirSync(dir)
    .filter((f) => /^default(\.users-\d+)?\.json$/.test(f))
    .flatMap((f) => {
      const t = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
        Resources: Record<string, { Type: string }>;
      };
      return Object.entries(t.Resources).map(([id, r]) => ({ project: p.name, id, type: r.Type }));
    });
});
/** Made from a user file or from the config, not by a library. */
const fromLibrary = (r: Resource) =>
  r.type !== 'AWS::Transfer::User' && r.type !== 'AWS::CloudFormation::Stack';

interface Site {
  file: string;
  line: number;
}

/** Lines of the libraries (outside // comments) that spell `word` as a quoted string or a field name. */
function spelled(word: string): Site[] {
  const re = new RegExp(`['"]${word}['"]|(^|[\\s{,])${word}\\s*\\+?::?(?!:)`);
  const out: Site[] = [];
  for (const [file, lines] of libLines)
    lines.forEach((l, i) => {
      if (re.test(l.replace(/\/\/.*$/, ''))) out.push({ file, line: i + 1 });
    });
  return out;
}

/**
 * Where the library defines an id: where it is spelled, else where the
 * longest spelled start of it is (ids made from a literal and data: AlarmEmail
 * + a hash, GatewayBucket + Policy); of several places, those in a file that
 * also spells the resource's Type; several files still: none.
 */
function expectedSite(id: string, type: string): Site | undefined {
  let sites = spelled(id);
  for (let k = id.length - 1; sites.length === 0 && k > 1; k--) sites = spelled(id.slice(0, k));
  const typed = sites.filter((s) => libLines.get(s.file)!.some((l) => l.includes(`'${type}'`)));
  const chosen = typed.length > 0 ? typed : sites;
  return new Set(chosen.map((s) => s.file)).size === 1 ? chosen[0] : undefined;
}

const expected = new Map(
  resources.filter(fromLibrary).map((r) => [`${r.project}/${r.id}`, expectedSite(r.id, r.type)]),
);
const key = (r: Resource) => `${r.project}/${r.id}`;

/** Where the engine points a finding on each resource (absolute file). */
const actual = new Map<string, SourceLocation | undefined>();
const shownIn = new Map<string, string>();

async function locateAll(): Promise<void> {
  for (const p of projects) {
    const s = await synthesize(
      { configFile: path.join(p.dir, 'sftpgw.yaml'), cwd: p.dir, environment: {} },
      { jsonnet: libjsonnet, reporter: new RecordingReporter() },
    );
    for (const t of [s.template, ...s.children.map((c) => c.template)])
      for (const [id, r] of Object.entries(t.Resources)) {
        const loc = s.locate({
          severity: 'warning',
          rule: 'test/location',
          layer: 'baseline',
          logicalId: id,
          resourceType: r.Type,
          pointer: `/Resources/${id}`,
          message: 'where is it defined',
        });
        actual.set(`${p.name}/${id}`, loc && { ...loc, file: path.resolve(p.dir, loc.file) });
        shownIn.set(`${p.name}/${id}`, loc?.file ?? '');
      }
  }
}

const at = (file: string, line?: number) => ({
  file: path.join(libDir, file),
  ...(line !== undefined ? { line } : {}),
});
const lineText = (loc: SourceLocation | undefined) =>
  loc?.line === undefined ? '' : readFileSync(loc.file, 'utf8').split('\n')[loc.line - 1];

describe('finding locations: where a resource is defined', function () {
  this.timeout(120_000);
  before(locateAll);
  afterEach(cleanTempDirs);

  it('the independent search finds a definition for every library resource of the five gateways', () => {
    expect(resources.filter(fromLibrary).length).to.be.greaterThan(100);
    const undefinedIds = [...expected].filter(([, s]) => s === undefined).map(([k]) => k);
    expect(undefinedIds).to.deep.equal([]);
    expect([...actual.keys()].sort()).to.deep.equal(resources.map(key).sort());
  });

  // One test per library file: the resources whose logical id it defines
  // point at it, at that line; a file that only builds resources whose ids
  // are given elsewhere (bucket.libsonnet: GatewayBucket is named in
  // gateway.libsonnet) is pointed at by none.
  for (const file of libFiles) {
    const defined = resources.filter((r) => expected.get(key(r))?.file === file);
    const title = defined.length
      ? `${file}: ${[...new Set(defined.map((r) => r.id.replace(/[0-9a-f]{10}$|\d$/, '…')))].join(', ')} point at their line`
      : `${file} defines no logical id of these gateways: no finding points at it`;
    it(title, () => {
      const wrong: string[] = [];
      for (const r of resources) {
        const want = expected.get(key(r));
        const got = actual.get(key(r));
        const here = (s?: { file: string }) =>
          s !== undefined && path.resolve(libDir, s.file) === path.join(libDir, file);
        if (!here(want) && !here(got)) continue;
        const w = want && at(want.file, want.line);
        if (JSON.stringify(got) !== JSON.stringify(w))
          wrong.push(`${key(r)}: want ${w?.file}:${w?.line}, got ${got?.file}:${got?.line}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  }

  it('hand-checked: AlarmTopic in alarms.libsonnet, IngestTopic in downstream.libsonnet, IngestFunction in ingest.libsonnet, and ids made from a literal', () => {
    const where = (k: string) => {
      const loc = actual.get(k)!;
      return `${path.relative(repoRoot, loc.file)}: ${lineText(loc).trim()}`;
    };
    expect(where('downstream/AlarmTopic')).to.match(
      /^libsonnet\/alarms\.libsonnet: topic\(id='AlarmTopic'/,
    );
    expect(where('downstream/IngestTopic')).to.equal(
      "libsonnet/downstream.libsonnet: topic: 'IngestTopic',",
    );
    expect(where('downstream/IngestFunction')).to.equal(
      "libsonnet/ingest.libsonnet: ingestFunction: 'IngestFunction',",
    );
    expect(where('downstream-malware/MalwareProtectionRole')).to.equal(
      "libsonnet/malware-scan.libsonnet: role: 'MalwareProtectionRole',",
    );
    expect(where('downstream/IngestWorkflowRole')).to.equal(
      "libsonnet/downstream.libsonnet: workflowRole: 'IngestWorkflowRole',",
    );
    expect(where('example/PushFunctionRole')).to.equal(
      "libsonnet/outbound.libsonnet: role: 'PushFunctionRole',",
    );
    expect(where('example/UserRole')).to.match(
      /^libsonnet\/gateway\.libsonnet: userRole:: role\.userAccess\('UserRole'/,
    );
    // The bucket's policy: its id is the bucket's and 'Policy', made where the bucket is.
    expect(where('example/GatewayBucketPolicy')).to.match(
      /^libsonnet\/gateway\.libsonnet: bucket:: bucket\.new\('GatewayBucket'/,
    );
    expect(where([...actual.keys()].find((k) => k.startsWith('example/AlarmEmail'))!)).to.match(
      /^libsonnet\/alarms\.libsonnet: \['AlarmEmail' \+/,
    );
    expect(where('vpc-endpoint/ServerSecurityGroup5')).to.match(
      /^libsonnet\/endpoint\.libsonnet: .*groupPrefix='ServerSecurityGroup'/,
    );
    // Two topics, two places (both used to point at the first library that spelled AWS::SNS::Topic).
    expect(actual.get('downstream/AlarmTopic')).to.not.deep.equal(
      actual.get('downstream/IngestTopic'),
    );
  });

  it('users point at their user file; child stacks of users at userStacks in sftpgw.yaml', () => {
    expect(shownIn.get('example/UserAlice')).to.equal('users/alice.libsonnet');
    expect(shownIn.get('user-stacks/UserReaderexamplecomd108b2')).to.equal(
      'users/reader@example.com.libsonnet',
    );
    const stack = actual.get('user-stacks/Users2')!;
    expect(stack.field).to.equal('userStacks');
    expect(lineText(stack)).to.equal('userStacks: 4');
  });

  it("a role a gateway repository adds in templates/gateway.jsonnet points at that file (validate), a patched shipped resource at the library's definition", () => {
    const dir = tempDir();
    copyFixture(fixture('patched-gateway'), dir);
    const gatewayFile = path.join(dir, 'templates', 'gateway.jsonnet');
    const text = readFileSync(gatewayFile, 'utf8');
    const added = [
      "    // A role of the repository's own: the audit team reads the gateway's logs.",
      '    auditRole:: { resources: {',
      '      AuditReaderRole: {',
      "        Type: 'AWS::IAM::Role',",
      '        Properties: {',
      "          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: { Ref: 'AWS::AccountId' } }, Action: 'sts:AssumeRole' }] },",
      "          Policies: [{ PolicyName: 'ReadAuditLogs', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: '*' }] } }],",
      '        },',
      '      },',
      '    } },',
      // A patch of a shipped resource by its id: the finding it causes is
      // still on the library's resource.
      "    serverLogs+:: sftpgw.component.patch('ServerLogGroup', { Properties+: { RetentionInDays:: null } }),",
      '    components+:: { auditLogs: gw.auditLogs, auditRole: gw.auditRole },',
    ].join('\n');
    const patched = text.replace(
      /^ *components\+:: \{ auditLogs: gw\.auditLogs \},\n/m,
      `${added}\n`,
    );
    expect(patched).to.not.equal(text);
    writeFileSync(gatewayFile, patched);
    const roleLine = patched.split('\n').findIndex((l) => l.includes('AuditReaderRole:')) + 1;

    const r = runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as {
      findings: { rule: string; logicalId: string; source?: SourceLocation }[];
    };
    const sources = (id: string) => [
      ...new Set(
        out.findings
          .filter((f) => f.logicalId === id)
          .map((f) => `${f.source?.file}:${f.source?.line}`),
      ),
    ];
    expect(sources('AuditReaderRole'), r.stdout).to.deep.equal([
      `templates/gateway.jsonnet:${roleLine}`,
    ]);
    const logGroupFindings = out.findings.filter((f) => f.logicalId === 'ServerLogGroup');
    expect(
      logGroupFindings.map((f) => f.rule),
      r.stdout,
    ).to.include('baseline/log-group-retention');
    const logsAt = spelled('ServerLogGroup')[0];
    expect(sources('ServerLogGroup')).to.deep.equal([
      `${path.join(libDir, logsAt.file)}:${logsAt.line}`,
    ]);
  });

  it('`sftpgw build` of a downstream gateway without alarm recipients points the AlarmTopic warning at alarms.libsonnet, where AlarmTopic is defined', () => {
    const dir = tempDir();
    copyFixture(fixture('downstream'), dir);
    const config = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('emails: [data-ops@example.com]', 'emails: []'),
    );
    const r = runCli(['build', '--no-lint'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    const site = expectedSite('AlarmTopic', 'AWS::SNS::Topic')!;
    expect(site.file).to.equal('alarms.libsonnet');
    const block = r.stderr.slice(r.stderr.indexOf('AlarmTopic  AWS::SNS::Topic'));
    expect(block, r.stderr).to.match(
      /^AlarmTopic {2}AWS::SNS::Topic\n\s+warning nobody is subscribed to this topic/,
    );
    const loc = /\n\s+at (\S+):(\d+) {2}\/Resources\/AlarmTopic\n/.exec(block);
    expect(loc, r.stderr).to.not.equal(null);
    expect({ file: loc![1], line: Number(loc![2]) }).to.deep.equal({
      file: path.join(libDir, site.file),
      line: site.line,
    });
  });
});

describe('definition sites of logical ids (definitionSites)', () => {
  afterEach(cleanTempDirs);

  const files = (
    texts: Record<string, string>,
    origin: 'shipped' | 'repository' = 'repository',
  ) => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'lib'));
    return Object.entries(texts).map(([name, text]) => {
      const file = path.join(dir, 'lib', name);
      writeFileSync(file, text);
      return { file, shown: `lib/${name}`, origin };
    });
  };

  it('an id spelled only in a comment, or only inside a longer string, is not defined there: no place', () => {
    const find = definitionSites(
      files({
        'a.libsonnet': "// AuditRole reads the logs\n{ arn: c.sub('${AuditRole.Arn}') }\n",
      }),
    );
    expect(find('AuditRole', 'AWS::IAM::Role')).to.equal(undefined);
  });

  it('an id spelled in two files, neither of which builds its Type: no place rather than a guess', () => {
    const find = definitionSites(
      files({
        'a.libsonnet': "{ x: f('TwinRole') }\n",
        'b.libsonnet': "{\n  y: g('TwinRole'),\n}\n",
      }),
    );
    expect(find('TwinRole', 'AWS::IAM::Role')).to.equal(undefined);
  });

  it('of two files that spell an id, the one that also spells its Type; a field name counts as a spelling', () => {
    const find = definitionSites(
      files({
        'a.libsonnet': "{ ids:: { topic: 'Alerts' } }\n",
        'b.libsonnet': "{\n  resources: {\n    Alerts: { Type: 'AWS::SNS::Topic' },\n  },\n}\n",
      }),
    );
    expect(find('Alerts', 'AWS::SNS::Topic')).to.deep.equal({ file: 'lib/b.libsonnet', line: 3 });
  });

  it("an id made from a user's id in a repository's user patch ([id + 'Role']) has no place: it is spelled nowhere", () => {
    const find = definitionSites(
      files({
        'gateway.jsonnet':
          "{ user+:: { new(id, name, spec, shared):: super.new(id, name, spec, shared) + { resources+: { [id + 'Role']: {} } } } }\n",
      }),
    );
    expect(find('UserAliceRole', 'AWS::IAM::Role')).to.equal(undefined);
  });
});
