// The push function on the Node.js it runs on in Lambda (nodejs22.x), and the
// CLI on Node 22 (what the AWS SDK requires from January 2027): the bundle is
// loaded by a real Node 22 process (from the npm `node` package that
// scripts/test-prereqs.sh installs into .cache/node22) as Lambda loads it,
// against the same real moto server and sshd as the other handler tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startHandlerHarness, type HandlerHarnessWithSshd } from './helpers/handler-harness.js';
import { cliBin, exampleProject, repoRoot, tempDir } from './helpers/project.js';

const node22 = path.join(
  process.env.SFTPGW_NODE22_DIR ?? path.join(repoRoot, '.cache', 'node22'),
  'node_modules',
  'node',
  'bin',
  'node',
);

// Loads index.mjs as the Lambda runtime does, calls the handler once with the
// event in argv[2], and writes the result (or the error) to fd 3; the
// function's own log lines stay on stdout.
const DRIVER = `
import { writeSync } from 'node:fs';
import { readFileSync } from 'node:fs';
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(bundle);
const until = Date.now() + 120000;
const context = { awsRequestId: 'req-node22', getRemainingTimeInMillis: () => until - Date.now() };
let out;
try {
  out = { result: await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context) };
} catch (e) {
  out = { error: { name: e && e.name, message: e && e.message } };
}
writeSync(3, JSON.stringify(out));
`;

describe('Node.js 22: the bundled push function and the CLI', function () {
  let h: HandlerHarnessWithSshd | undefined;
  let dir = '';

  before(async function () {
    if (!existsSync(node22))
      throw new Error(
        `${node22} is missing: scripts/test-prereqs.sh installs it (npm test runs it first)`,
      );
    const version = spawnSync(node22, ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(version).to.match(/^v22\./);
    h = await startHandlerHarness({ prefix: 'sftpgw-node22' });
    dir = tempDir('sftpgw-node22-');
    writeFileSync(
      path.join(dir, 'index.mjs'),
      readFileSync(path.join(repoRoot, 'dist', 'handler', 'index.js')),
    );
    writeFileSync(path.join(dir, 'driver.mjs'), DRIVER);
  });

  after(async function () {
    await h?.stop();
  });

  function invoke(event: unknown): {
    result?: { outcomes: Array<{ outcome: string }> };
    error?: { message: string };
    lines: Array<Record<string, unknown>>;
  } {
    const eventFile = path.join(dir, `event-${Date.now()}.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    const r = spawnSync(
      node22,
      [path.join(dir, 'driver.mjs'), path.join(dir, 'index.mjs'), eventFile],
      {
        env: { ...process.env },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        timeout: 120_000,
      },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr, 'nothing on stderr (no warning, no stack)').to.equal('');
    const lines = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { ...(JSON.parse(String(r.output[3])) as object), lines };
  }

  it('delivers a file byte for byte and tags the object delivered', async function () {
    const remote = h!.remoteDir('n22');
    await h!.putSecret('n22', h!.validSecret('n22', { FilePattern: '[a-z]+\\.csv' }));
    const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const obj = await h!.stage('n22/orders.csv', body);
    const out = invoke(h!.event([obj]));
    expect(out.error).to.equal(undefined);
    expect(out.result!.outcomes.map((o) => o.outcome)).to.deep.equal(['delivered']);
    expect(readFileSync(path.join(remote, 'orders.csv')).equals(body)).to.equal(true);
    expect((await h!.tags(obj))['sftpgw:status']).to.equal('delivered');
    expect(
      out.lines.filter((l) => l.outcome === 'delivered').map((l) => [l.destination, l.bytes]),
    ).to.deep.equal([['n22', body.length]]);
  });

  it('rejects a name outside the pattern and a malformed event without a crash', async function () {
    await h!.putSecret('n22r', h!.validSecret('n22r', { FilePattern: '[a-z]+\\.csv' }));
    const obj = await h!.stage('n22r/Not Allowed.txt', 'x');
    const rejected = invoke(h!.event([obj]));
    expect(rejected.result!.outcomes.map((o) => o.outcome)).to.deep.equal(['rejected']);
    const malformed = invoke({ Records: {} });
    expect(malformed.error, 'a malformed event is rejected, not thrown').to.equal(undefined);
    expect(malformed.lines.length).to.be.greaterThan(0);
  });

  it('runs the CLI: --version and a build of the shipped example', function () {
    const v = spawnSync(node22, [cliBin, '--version'], { encoding: 'utf8' });
    expect(v.status, v.stderr).to.equal(0);
    expect(v.stdout.trim()).to.equal(
      (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
        .version,
    );
    const project = exampleProject();
    const b = spawnSync(node22, [cliBin, 'build', '--no-lint'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(b.status, b.stderr).to.equal(0);
    expect(b.stderr).to.match(/built sftpgw-example: \d+ resources, 3 users/);
    expect(existsSync(path.join(project, 'dist', 'gateway', 'default', 'template.json'))).to.equal(
      true,
    );
  });
});
