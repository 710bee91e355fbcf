// The push and ingest functions on the Node.js they run on in Lambda
// (nodejs22.x), and the CLI on Node 22 (what the AWS SDK requires from January 2027): the bundle is
// loaded by a real Node 22 process (from the npm `node` package that
// scripts/test-prereqs.sh installs into .cache/node22) as Lambda loads it,
// against the same real moto server and sshd as the other handler tests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { hashPassword } from '../../shared/identity/password-hash.js';
import { startHandlerHarness, type HandlerHarnessWithSshd } from '../helpers/handler-harness.js';
import {
  loginEvent,
  policyText,
  startIdentityHarness,
  type IdentityHarness,
} from '../helpers/identity-harness.js';
import { startIngestHarness, type IngestHarness } from '../helpers/ingest-harness.js';
import { keyPair } from '../helpers/keys.js';
import { cliBin, exampleProject, repoRoot, tempDir } from '../helpers/project.js';

const node22 = path.join(
  process.env.SFTPGW_NODE22_DIR ?? path.join(repoRoot, '.cache', 'node22'),
  'node_modules',
  'node',
  'bin',
  'node',
);

// Loads the bundle (index.mjs or ingest.mjs) as the Lambda runtime does, calls the handler once with the
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

describe('Node.js 22: the bundled ingest function', function () {
  this.timeout(120_000);
  let h: IngestHarness | undefined;
  let dir = '';

  before(async function () {
    if (!existsSync(node22))
      throw new Error(
        `${node22} is missing: scripts/test-prereqs.sh installs it (npm test runs it first)`,
      );
    h = await startIngestHarness();
    dir = tempDir('sftpgw-node22-ingest-');
    writeFileSync(
      path.join(dir, 'ingest.mjs'),
      readFileSync(path.join(repoRoot, 'dist', 'handler', 'ingest.js')),
    );
    writeFileSync(path.join(dir, 'driver.mjs'), DRIVER);
  });

  after(async function () {
    await h?.stop();
  });

  // Asynchronous (not spawnSync): the SendWorkflowStepState recorder answers
  // from this process, which must keep running while the function calls it.
  async function invoke(
    event: unknown,
    env: NodeJS.ProcessEnv,
  ): Promise<{ result?: { outcome: string; target?: string }; error?: { message: string } }> {
    const eventFile = path.join(dir, `event-${Date.now()}.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    const child = spawn(
      node22,
      [path.join(dir, 'driver.mjs'), path.join(dir, 'ingest.mjs'), eventFile],
      { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], timeout: 120_000 },
    );
    const text = (i: 1 | 2 | 3) => {
      const chunks: Buffer[] = [];
      child.stdio[i]!.on('data', (c: Buffer) => chunks.push(c));
      return () => Buffer.concat(chunks).toString('utf8');
    };
    const [stdout, stderr, result] = [text(1), text(2), text(3)];
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status, stderr()).to.equal(0);
    expect(stderr(), 'nothing on stderr (no warning, no stack)').to.equal('');
    for (const line of stdout().split('\n').filter(Boolean))
      expect(() => JSON.parse(line), line).not.to.throw();
    return JSON.parse(result()) as object;
  }

  it('copies an upload to its ingest key and answers the workflow step', async function () {
    const up = await h!.upload('acme/node22 ✓.csv', 'n22');
    const s = h!.stepEvent(up);
    const out = await invoke(s.event, h!.env.plain);
    expect(out.error).to.equal(undefined);
    const target = `ingest/acme/${new Date().toISOString().slice(0, 10)}/${up.versionId}/node22 ✓.csv`;
    expect(out.result).to.deep.include({ outcome: 'copied', target });
    expect(await h!.body(target)).to.equal('n22');
    expect(
      h!.recorder.calls.filter((c) => c.ExecutionId === s.executionId).map((c) => c.Status),
    ).to.deep.equal(['SUCCESS']);
  });

  it('moves a clean scan result from quarantine/ and rejects a malformed event without a crash', async function () {
    const up = await h!.upload('acme/scanned.csv', 's');
    const q = (await invoke(h!.stepEvent(up).event, h!.env.scan)).result!;
    expect(q.outcome).to.equal('quarantined');
    const clean = await invoke(h!.scanEvent({ key: q.target! }, 'NO_THREATS_FOUND'), h!.env.scan);
    expect(clean.result).to.deep.equal({
      outcome: 'copied',
      target: q.target!.replace(/^quarantine\//, 'ingest/'),
    });
    const malformed = await invoke({ Records: [] }, h!.env.plain);
    expect(malformed.error).to.equal(undefined);
    expect(malformed.result).to.deep.equal({ outcome: 'rejected' });
  });
});

describe('Node.js 22: the bundled identity provider function', function () {
  this.timeout(120_000);
  let h: IdentityHarness | undefined;
  let dir = '';
  const key = keyPair('ed25519', 'node22@partner');
  const password = 'node22 password';

  before(async function () {
    if (!existsSync(node22))
      throw new Error(
        `${node22} is missing: scripts/test-prereqs.sh installs it (npm test runs it first)`,
      );
    h = await startIdentityHarness();
    await h.putDirectory({
      format: 'sftpgw-directory/1',
      gateway: 'test-gateway',
      passwords: true,
      users: {
        n22: {
          policy: policyText('n22', true),
          home: [{ Entry: '/', Target: '/${Bucket}/n22' }],
          keys: [
            { key: key.publicKey, expires: null },
            { key: keyPair('rsa:2048').publicKey, expires: '2020-01-01' },
          ],
          cidrs: ['198.51.100.0/24'],
          passwordHash: await hashPassword(password),
          readOnly: true,
        },
      },
    });
    dir = tempDir('sftpgw-node22-identity-');
    writeFileSync(
      path.join(dir, 'identity.mjs'),
      readFileSync(path.join(repoRoot, 'dist', 'handler', 'identity.js')),
    );
    writeFileSync(path.join(dir, 'driver.mjs'), DRIVER);
  });

  after(async function () {
    await h?.stop();
  });

  function invoke(event: unknown): {
    result?: Record<string, unknown>;
    error?: { message: string };
    lines: Array<Record<string, unknown>>;
  } {
    const eventFile = path.join(dir, `event-${Date.now()}-${Math.random()}.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    const r = spawnSync(
      node22,
      [path.join(dir, 'driver.mjs'), path.join(dir, 'identity.mjs'), eventFile],
      {
        env: h!.env(),
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

  it('answers a key login with the unexpired key and a password login without keys', function () {
    const keyLogin = invoke(loginEvent('n22'));
    expect(keyLogin.error).to.equal(undefined);
    expect(keyLogin.result!.PublicKeys).to.deep.equal([key.publicKey]);
    expect(keyLogin.result!.Policy).not.to.include('${');
    const pw = invoke(loginEvent('n22', { password }));
    expect(pw.result!.Role).to.be.a('string');
    expect(pw.result).not.to.have.property('PublicKeys');
    expect(pw.lines.map((l) => [l.outcome, l.method])).to.deep.equal([['allowed', 'password']]);
    for (const l of [...keyLogin.lines, ...pw.lines])
      expect(JSON.stringify(l)).not.to.include(password);
  });

  it('denies a wrong password, a source outside the networks and a malformed event', function () {
    expect(invoke(loginEvent('n22', { password: 'wrong' })).result).to.deep.equal({});
    const outside = invoke(loginEvent('n22', { sourceIp: '203.0.113.1' }));
    expect(outside.result).to.deep.equal({});
    expect(outside.lines[0]).to.deep.include({ reason: 'source-not-allowed' });
    expect(invoke({ Records: [] }).result).to.deep.equal({});
  });
});
