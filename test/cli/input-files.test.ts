// Files named on the command line (users add --key, destinations put
// --private-key-file, --passphrase-file, --password-stdin): one that cannot
// be read is a usage error (exit 2) naming the flag's file and what to do,
// nothing is written or sent, and nothing read is printed. Runs the built CLI.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  cleanTempDirs,
  cliBin,
  exampleProject,
  listFiles,
  runCli,
  tempDir,
  type RunResult,
} from '../helpers/project.js';

/** The CLI with a folder as stdin: reading it fails (EISDIR), as a stdin that cannot be read does. */
function runWithUnreadableStdin(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): RunResult {
  const fd = openSync(tempDir(), 'r');
  try {
    const r = spawnSync(process.execPath, [cliBin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: [fd, 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

// A port nothing listens on: were anything sent, the error would be a connection error, not this one.
const NOWHERE = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
};
const PUT = [
  'destinations',
  'put',
  'acme',
  '--host',
  'sftp.example',
  '--username',
  'gw',
  '--trusted-host-key',
  'SHA256:AAAA',
  '--remote-dir',
  '/in',
  '--pattern',
  '.*',
];

describe('files named on the command line', function () {
  after(cleanTempDirs);

  it('users add --key with a missing file: exit 2, the file named, what to do, no user file written', function () {
    const dir = exampleProject();
    const before = listFiles(dir);
    const r = runCli(['users', 'add', 'partner-z', '--key', 'partner-z.pub'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(
      'error: cannot read key file partner-z.pub: no such file\n  → pass the public key file (e.g. id_ed25519.pub), or - to read it from stdin\n',
    );
    expect(listFiles(dir)).to.deep.equal(before);
  });

  it('users add --key - with a stdin that cannot be read: exit 2, says stdin', function () {
    const dir = exampleProject();
    const before = listFiles(dir);
    const r = runWithUnreadableStdin(['users', 'add', 'partner-z', '--key', '-'], dir);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/^error: cannot read key file from stdin: EISDIR/);
    expect(listFiles(dir)).to.deep.equal(before);
  });

  it('destinations put --private-key-file with a missing file: exit 2, nothing sent', function () {
    const r = runCli([...PUT, '--private-key-file', 'acme_ed25519'], {
      cwd: tempDir(),
      env: NOWHERE,
    });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.equal('error: cannot read private key file acme_ed25519: no such file\n');
  });

  it('destinations put --passphrase-file with a missing file: exit 2, the private key it did read never printed', function () {
    const dir = tempDir();
    const body = 'b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABBexample';
    writeFileSync(
      path.join(dir, 'acme_ed25519'),
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`,
    );
    const r = runCli(
      [...PUT, '--private-key-file', 'acme_ed25519', '--passphrase-file', 'acme.pass'],
      { cwd: dir, env: NOWHERE },
    );
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.equal('error: cannot read passphrase file acme.pass: no such file\n');
    expect(r.stdout + r.stderr).not.to.include(body);
  });

  it('destinations put --password-stdin with a stdin that cannot be read: exit 2, nothing sent', function () {
    const r = runWithUnreadableStdin([...PUT, '--password-stdin'], tempDir(), NOWHERE);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/^error: cannot read password from stdin: EISDIR/);
  });
});
