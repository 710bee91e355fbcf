// Where a finding on a resource points, in-process (cli/engine/validate/definition-sites.ts,
// finding-locator.ts): the file and line where the resource's logical id is defined —
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
// and user-stacks gateways (their goldens: test/template/golden.unit.test.ts
// keeps them equal to what build renders); a few are checked by hand.
//
// The CLI process (validate of a repository's own role, build's report): finding-locations.test.ts.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { synthesize } from '../../cli/engine/synthesize.js';
import { definitionSites } from '../../cli/engine/validate/definition-sites.js';
import type { SourceLocation } from '../../cli/engine/validate/finding.js';
import { expectedSite, fixture, libDir, libFiles } from '../helpers/library-sites.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

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
