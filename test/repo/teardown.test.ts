// A test file whose setup fails half-way must not hang the run or leave a
// server behind. Runs the broken fixture (test/repo/fixtures/broken-setup/) in its
// own mocha process, with the repository's mocha config and without its root
// hooks, and checks that it ends at once, fails, and that the moto server and
// sshd it started are gone (their PIDs and their ports).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const fixture = 'test/repo/fixtures/broken-setup/servers-then-throw.fixture.ts';
const mochaBin = path.join(repoRoot, 'node_modules/mocha/bin/mocha.js');

interface Run {
  code: number | null;
  output: string;
  servers: Array<{ pid: number; port: number }>;
  /** From the moment the servers were up to the end of the mocha process. */
  secondsAfterServersUp: number;
}

/** Runs the fixture with the repository's .mocharc.json, or with a copy without its root hooks (`require`). */
async function runFixture(opts: { rootHooks: boolean }): Promise<Run> {
  const args = [mochaBin, fixture];
  if (!opts.rootHooks) {
    const config = JSON.parse(readFileSync(path.join(repoRoot, '.mocharc.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config.require, '.mocharc.json loads the root hooks').to.deep.equal([
      'test/helpers/mocha-root-hooks.ts',
    ]);
    delete config.require;
    const configFile = path.join(tempDir('sftpgw-teardown-'), 'mocharc.json');
    writeFileSync(configFile, JSON.stringify(config));
    args.push('--config', configFile);
  }
  // Own process group: should the run hang after all, this test kills all of it.
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let serversUpAt = 0;
  const onData = (d: Buffer) => {
    output += d.toString();
    if (!serversUpAt && output.includes('SERVERS ')) serversUpAt = Date.now();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => {
    const hang = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 90_000);
    child.once('close', (c) => {
      clearTimeout(hang);
      resolve(c);
    });
  });
  const line = /^SERVERS (.*)$/m.exec(output);
  if (!line) throw new Error(`the fixture never started its servers:\n${output}`);
  return {
    code,
    output,
    servers: JSON.parse(line[1]) as Run['servers'],
    secondsAfterServersUp: (Date.now() - serversUpAt) / 1000,
  };
}

/** A PID that no longer runs (or only as a zombie nobody reaped yet). */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return readFileSync(stat, 'utf8')
      .replace(/^.*\) /s, '')
      .startsWith('Z');
  } catch {
    return true;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function expectNoServerLeft(run: Run): Promise<void> {
  expect(run.servers).to.have.length(2);
  for (const { pid, port } of run.servers) {
    // SIGKILL was sent as the run exited; on a loaded machine the kernel may
    // take a moment to end the process (it cannot catch it), so look for up to 3 s.
    for (let i = 0; i < 30 && !gone(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(gone(pid), `server pid ${pid} still runs`).to.equal(true);
    expect(await listening(port), `something still listens on 127.0.0.1:${port}`).to.equal(false);
  }
}

describe('a test file whose setup fails half-way', function () {
  this.timeout(200_000);
  after(cleanTempDirs);

  it('with the root hooks: fails, ends within seconds, and the root hook stops the servers it left', async function () {
    const run = await runFixture({ rootHooks: true });
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output).to.include('deliberately broken setup');
    expect(run.output).to.include("Cannot read properties of undefined (reading 'clientKey')");
    expect(run.output).not.to.include('a test ran after its before hook failed');
    expect(run.output).to.match(
      /test run: stopped 2 server\(s\) a test left running: (moto_server|sshd) on 127\.0\.0\.1:\d+ \(pid \d+\), (moto_server|sshd) on/,
    );
    expect(run.secondsAfterServersUp, run.output).to.be.below(10);
    await expectNoServerLeft(run);
  });

  it('without them (another mocha config): still ends within seconds, and exiting kills the servers', async function () {
    const run = await runFixture({ rootHooks: false });
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output).to.include('deliberately broken setup');
    expect(run.output).not.to.include('test run: stopped');
    expect(run.secondsAfterServersUp, run.output).to.be.below(10);
    await expectNoServerLeft(run);
  });
});
