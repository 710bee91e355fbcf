// The bundler must not change what a program means: bundled and unbundled
// evaluation give the same output, imports resolve like libjsonnet's, and
// errors point at the original files.
import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import {
  bundle,
  BundleError,
  mapBundleError,
  scanImports,
} from '../../cli/engine/jsonnet-bundle.js';
import { lex, stringValue, unclosedConstruct } from '../../cli/engine/jsonnet-lex.js';
import { templateSources } from '../../cli/engine/template/sources.js';
import { renderProgram } from '../../cli/engine/template/evaluate-gateway.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const config = JSON.stringify({
  description: 'd',
  stackName: 's',
  tags: { a: 'b' },
  dns: { hostname: 'sftp.example.com', hostedZoneId: 'Z1', ttl: 300 },
  server: { securityPolicy: 'TransferSecurityPolicy-2024-01' },
  buckets: {
    gateway: null,
    accessLogs: null,
    staging: null,
    keepGeneratedGatewayName: null,
    noncurrentVersionDays: 90,
    accessLogExpirationDays: 365,
  },
  logs: { retentionDays: 365 },
  alarms: { emails: ['ops@example.com'], topicArns: [] },
  outbound: {
    secretPrefix: 'sftpgw/s',
    reservedConcurrency: 5,
    memorySize: 512,
    timeoutSeconds: 300,
    maxRetryAttempts: 2,
    maxEventAgeSeconds: 3600,
    stagingExpirationDays: 30,
    alarms: { emails: ['ops@example.com'], topicArns: [] },
    vpc: null,
    codeKey: 'sftpgw/handler/0.zip',
  },
  iam: { permissionsBoundary: 'arn:aws:iam::123456789012:policy/Boundary' },
  userStacks: { count: 4, stacks: [{ id: 'Users1', file: 'users-1.json' }] },
});

describe('jsonnet bundler', () => {
  afterEach(cleanTempDirs);

  it('scans imports but not those in comments or strings', () => {
    const src = [
      "// import 'a.libsonnet'",
      "# import 'b.libsonnet'",
      "/* import 'c.libsonnet' */",
      'local s = "import \'d.libsonnet\'";',
      "local t = |||\n  import 'e.libsonnet'\n|||;",
      "local v = @'it''s';",
      "local x = import 'x\\'y.libsonnet';",
      'local z = importstr "z.txt";',
      'std.thisFile',
    ].join('\n');
    const t = scanImports(src);
    expect(
      t.map((x) => (x.kind === 'import' ? `${x.keyword}:${x.target}` : 'thisFile')),
    ).to.deep.equal(["import:x'y.libsonnet", 'importstr:z.txt', 'thisFile']);
  });

  it('renders the shipped gateway exactly as unbundled evaluation does', async () => {
    const src = templateSources(repoRoot);
    const program = renderProgram(src);
    const opts = { jpath: src.jpath, tlaCode: { config }, tlaString: { part: 'root' } };
    const b = bundle(program.code, program.filename, { jpath: src.jpath });
    const [plain, bundled] = await Promise.all([
      libjsonnet.evaluateSnippet(program.code, program.filename, opts),
      libjsonnet.evaluateSnippet(b.code, b.filename, opts),
    ]);
    expect(bundled).to.equal(plain);
    expect(JSON.parse(bundled).template.Resources).to.have.property('GatewayKey');
    expect(b.files.length).to.be.greaterThan(5);
  });

  it('inlines a file once however often it is imported; $ and std.thisFile keep their meaning', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'lib.libsonnet'), '{ a: 1, b: $.a + 1, me: std.thisFile }\n');
    writeFileSync(path.join(dir, 'text.txt'), 'hello');
    const main =
      "local l = import 'lib.libsonnet'; local m = import 'lib.libsonnet'; { x: l.b + m.b, t: importstr 'text.txt', me: l.me }";
    const b = bundle(main, path.join(dir, 'main.jsonnet'), { jpath: [] });
    expect(b.files).to.deep.equal([path.join(dir, 'lib.libsonnet')]);
    const out = JSON.parse(await libjsonnet.evaluateSnippet(b.code, b.filename, { jpath: [] }));
    expect(out).to.deep.equal({ x: 4, t: 'hello', me: path.join(dir, 'lib.libsonnet') });
  });

  it('resolves beside the importing file first, then the jpath in order (first wins)', async () => {
    const dir = tempDir();
    for (const d of ['first', 'second', 'sub']) mkdirSync(path.join(dir, d));
    writeFileSync(path.join(dir, 'first', 'x.libsonnet'), "'first'");
    writeFileSync(path.join(dir, 'second', 'x.libsonnet'), "'second'");
    writeFileSync(path.join(dir, 'second', 'y.libsonnet'), "import 'z.libsonnet'");
    writeFileSync(path.join(dir, 'second', 'z.libsonnet'), "'z beside y'");
    writeFileSync(path.join(dir, 'sub', 'x.libsonnet'), "'local'");
    const jpath = [path.join(dir, 'first'), path.join(dir, 'second')];
    const main = "[import 'x.libsonnet', import 'y.libsonnet']";
    const fromRoot = bundle(main, path.join(dir, 'main.jsonnet'), { jpath });
    const fromSub = bundle(main, path.join(dir, 'sub', 'main.jsonnet'), { jpath });
    expect(
      JSON.parse(await libjsonnet.evaluateSnippet(fromRoot.code, fromRoot.filename, { jpath: [] })),
    ).to.deep.equal(['first', 'z beside y']);
    expect(
      JSON.parse(await libjsonnet.evaluateSnippet(fromSub.code, fromSub.filename, { jpath: [] })),
    ).to.deep.equal(['local', 'z beside y']);
    // and libjsonnet itself agrees
    writeFileSync(path.join(dir, 'main.jsonnet'), main);
    expect(
      JSON.parse(await libjsonnet.evaluateFile(path.join(dir, 'main.jsonnet'), { jpath })),
    ).to.deep.equal(['first', 'z beside y']);
  });

  it('a missing import names the importing file and line', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'lib.libsonnet'), "{\n  a: import 'nope.libsonnet',\n}\n");
    try {
      bundle("import 'lib.libsonnet'", path.join(dir, 'main.jsonnet'), { jpath: [] });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(BundleError);
      expect((err as BundleError).file).to.equal(path.join(dir, 'lib.libsonnet'));
      expect((err as BundleError).line).to.equal(2);
    }
  });

  it('maps runtime error locations back to the original file and line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'lib.libsonnet'), "{\n  ok: 1,\n  bad: error 'kaput',\n}\n");
    const b = bundle("local l = import 'lib.libsonnet';\nl.bad", path.join(dir, 'main.jsonnet'), {
      jpath: [],
    });
    const err = await libjsonnet.evaluateSnippet(b.code, b.filename, { jpath: [] }).then(
      () => '',
      (e: Error) => e.message,
    );
    const mapped = mapBundleError(b, err);
    expect(mapped).to.include(`${path.join(dir, 'lib.libsonnet')}:3:`);
    expect(mapped).to.include(`${path.join(dir, 'main.jsonnet')}:2:`);
  });
});

// The lexer decides which user files to evaluate alone when an error may
// have started in another file; libjsonnet is the judge of every case here.
describe('jsonnet lexer', () => {
  const staticError = (code: string) =>
    libjsonnet
      .evaluateSnippet(`local x = (\n${code}\n); null`, '/tmp/lex-test.jsonnet', { jpath: [] })
      .then(
        () => undefined,
        (e: Error) => e.message,
      );

  it('finds nothing open in the shipped libsonnet, templates and example users (all valid jsonnet)', () => {
    const files = ['libsonnet', 'templates', 'users'].flatMap((d) =>
      readdirSync(path.join(repoRoot, d))
        .filter((f) => /\.(lib|j)sonnet$/.test(f))
        .map((f) => path.join(repoRoot, d, f)),
    );
    expect(files.length).to.be.greaterThan(10);
    for (const f of files)
      expect(unclosedConstruct(readFileSync(f, 'utf8')), f).to.equal(undefined);
  });

  const valid = [
    '{ a: \'it\\\'s\', b: "q\\"", c: @\'it\'\'s\', d: @"a""b" }',
    '{ a: |||\n    text } ) ] with brackets\n  |||, b: 1 }',
    '// a comment with \' and ( and /*\n# another with "\n{ a: /* ) */ [1, 2.5e3, -1] }',
    "{ 'k-1': 'multi\nline string', k2:: 1, k3+: {}, f(x):: x }",
    'local f(a) = a + 1; { x: f(1) < 2 && !false }',
  ];
  for (const code of valid) {
    it(`finds nothing open in valid jsonnet: ${JSON.stringify(code).slice(0, 50)}`, async () => {
      expect(await staticError(code)).to.equal(undefined);
      expect(unclosedConstruct(code)).to.equal(undefined);
    });
  }

  const broken: [string, RegExp][] = [
    ["{ a: 'open string,\n}", /string starting with ' is not closed/],
    ['{ a: "open string,\n}', /string starting with " is not closed/],
    ["{ a: @'open verbatim,\n}", /verbatim string starting with @' is not closed/],
    ['{ a: |||\n    text\n}', /text block/],
    ['{ a: |||   no newline |||\n}', /must be followed by a new line/],
    ['/* open comment\n{ a: 1 }', /block comment/],
    ['{ a: [1, 2 }', /} closes \[/],
    ['{ a: 1 }), "b": ({', /\) closes nothing/],
    ['{ a: [1, 2]', /\{ is not closed/],
    ['{ a: @x }', /@ must start a verbatim string/],
  ];
  for (const [code, why] of broken) {
    it(`names what is left open, and libjsonnet agrees it is an error: ${JSON.stringify(code).slice(0, 40)}`, async () => {
      expect(await staticError(code)).to.match(/STATIC ERROR/);
      expect(unclosedConstruct(code)?.message).to.match(why);
    });
  }

  it('reads string values as jsonnet does', async () => {
    const src = "['it\\'s\\n\\u00e9', @'it''s', |||\n  two\n    lines\n|||]";
    const strings = lex(src)
      .tokens.filter((t) => t.kind !== 'punct')
      .map((t) => stringValue(src, t));
    expect(strings).to.deep.equal(
      JSON.parse(await libjsonnet.evaluateSnippet(src, 'x.jsonnet', { jpath: [] })),
    );
  });
});
