// sftpgw users passwd, run as a process on a copy of the example gateway: the
// hash written into a plain-data user file verifies with the password
// (shared/identity/password-hash.ts), the rest of the file is unchanged, and
// the password never appears in stdout or stderr. On a terminal it is asked
// twice without echo: the terminal is a real pseudo-terminal (Python's pty
// module drives it, as a person at a keyboard would: it types only once the
// prompt is shown, so an echo would be seen).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readPlainData } from '../../cli/engine/users/plain-data.js';
import { verifyPassword } from '../../shared/identity/password-hash.js';
import { cleanTempDirs, cliBin, exampleProject, runCli } from '../helpers/project.js';

const PASSWORD = 'Tr0ub4dor&3-unique';
const OTHER = 'Correct-Horse-Battery-2';

const hashOf = (dir: string, user: string): string => {
  const v = readPlainData(readFileSync(path.join(dir, 'users', `${user}.libsonnet`), 'utf8')) as {
    passwordHash?: string;
  };
  return v.passwordHash ?? '';
};

// Runs the CLI on a pseudo-terminal; answers each prompt when it appears.
const PTY_DRIVER = `
import json, os, pty, sys, time, select
argv, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.environ['NO_COLOR'] = '1'
    os.execv(argv[0], argv)
out = b''
def read_until(pattern, timeout=60):
    global out
    end = time.time() + timeout
    while pattern.encode() not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
for prompt, answer in answers:
    read_until(prompt)
    time.sleep(0.2)
    os.write(fd, answer.encode() + b'\\r')
read_until('\\x00never', timeout=60 if answers else 5)
_, status = os.waitpid(pid, 0)
print(json.dumps({'status': os.waitstatus_to_exitcode(status), 'output': out.decode('utf8', 'replace')}))
`;

function onTerminal(dir: string, args: string[], answers: [string, string][]) {
  const r = spawnSync(
    'python3',
    [
      '-c',
      PTY_DRIVER,
      JSON.stringify([process.execPath, cliBin, ...args]),
      JSON.stringify(answers),
    ],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout) as { status: number; output: string };
}

describe('sftpgw users passwd', function () {
  this.timeout(120_000);
  afterEach(cleanTempDirs);

  it('--stdin: writes passwordHash (verifies with the password) and changes nothing else; the password is never printed', async function () {
    const dir = exampleProject();
    const file = path.join(dir, 'users', 'alice.libsonnet');
    const before = readFileSync(file, 'utf8');
    const r = runCli(['users', 'passwd', 'alice', '--stdin'], {
      cwd: dir,
      input: `${PASSWORD}\nignored second line\n`,
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(
      /set a password for alice → users\/alice\.libsonnet: passwordHash \(scrypt N=32768,r=8,p=3\)/,
    );
    expect(`${r.stdout}${r.stderr}`).not.to.include(PASSWORD);
    const after = readFileSync(file, 'utf8');
    const hash = hashOf(dir, 'alice');
    expect(after).to.equal(before.replace(/\n}\n$/, `\n  passwordHash: '${hash}',\n}\n`));
    expect(await verifyPassword(PASSWORD, hash)).to.equal(true);
    expect(await verifyPassword('ignored second line', hash)).to.equal(false);
    expect(after).not.to.include(PASSWORD);
  });

  it('reads stdin when it is not a terminal; a second run replaces the hash in place', async function () {
    const dir = exampleProject();
    expect(
      runCli(['users', 'passwd', 'bob.auditor'], { cwd: dir, input: `${PASSWORD}\r\n` }).status,
    ).to.equal(0);
    const first = hashOf(dir, 'bob.auditor');
    const r = runCli(['users', 'passwd', 'bob.auditor'], { cwd: dir, input: OTHER });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include('replaced the password hash of bob.auditor');
    const text = readFileSync(path.join(dir, 'users', 'bob.auditor.libsonnet'), 'utf8');
    expect(text.match(/passwordHash/g)).to.have.length(1);
    const second = hashOf(dir, 'bob.auditor');
    expect(second).not.to.equal(first);
    expect(await verifyPassword(OTHER, second)).to.equal(true);
    expect(await verifyPassword(PASSWORD, second)).to.equal(false);
  });

  it('refuses a file that computes its value: names the file and the line to add, writes nothing', function () {
    const dir = exampleProject();
    const file = path.join(dir, 'users', 'acme-corp.libsonnet');
    const before = readFileSync(file, 'utf8');
    const r = runCli(['users', 'passwd', 'acme-corp', '--stdin'], { cwd: dir, input: PASSWORD });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('users/acme-corp.libsonnet is not plain data');
    expect(r.stderr).to.include('nothing written');
    expect(r.stderr).to.match(
      /passwordHash: '\$scrypt\$N=32768,r=8,p=3\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+',/,
    );
    expect(`${r.stdout}${r.stderr}`).not.to.include(PASSWORD);
    expect(readFileSync(file, 'utf8')).to.equal(before);
  });

  it('refuses an unknown user (exit 1) and an empty password (exit 2), writing nothing', function () {
    const dir = exampleProject();
    const unknown = runCli(['users', 'passwd', 'nobody', '--stdin'], { cwd: dir, input: PASSWORD });
    expect(unknown.status).to.equal(1);
    expect(unknown.stderr).to.include('no user nobody (users/nobody.libsonnet does not exist)');
    expect(unknown.stderr).not.to.include(PASSWORD);
    const empty = runCli(['users', 'passwd', 'alice', '--stdin'], { cwd: dir, input: '\n' });
    expect(empty.status).to.equal(2);
    expect(empty.stderr).to.include('the password is empty: nothing written');
    expect(hashOf(dir, 'alice')).to.equal('');
  });

  it('a user file with a passwordHash still lists, and the list does not show the hash', function () {
    const dir = exampleProject();
    expect(runCli(['users', 'passwd', 'alice'], { cwd: dir, input: PASSWORD }).status).to.equal(0);
    const list = runCli(['users', 'list', '--output', 'json'], { cwd: dir });
    expect(list.status, list.stderr).to.equal(0);
    expect(list.stdout).not.to.include('scrypt');
  });

  it('on a terminal: asks twice without echo, and writes the hash', async function () {
    const dir = exampleProject();
    const r = onTerminal(
      dir,
      ['users', 'passwd', 'alice'],
      [
        ['new password for alice: ', PASSWORD],
        ['the same password again: ', PASSWORD],
      ],
    );
    expect(r.status, r.output).to.equal(0);
    expect(r.output).to.include('set a password for alice');
    expect(r.output).not.to.include(PASSWORD);
    expect(await verifyPassword(PASSWORD, hashOf(dir, 'alice'))).to.equal(true);
  });

  it('on a terminal with --stdin: asked once, still without echo', async function () {
    const dir = exampleProject();
    const r = onTerminal(
      dir,
      ['users', 'passwd', 'alice', '--stdin'],
      [['new password for alice: ', OTHER]],
    );
    expect(r.status, r.output).to.equal(0);
    expect(r.output).not.to.include('the same password again');
    expect(r.output).not.to.include(OTHER);
    expect(await verifyPassword(OTHER, hashOf(dir, 'alice'))).to.equal(true);
  });

  it('on a terminal: Ctrl-C at the prompt exits 130 and writes nothing', function () {
    const dir = exampleProject();
    const file = path.join(dir, 'users', 'alice.libsonnet');
    const before = readFileSync(file, 'utf8');
    const r = onTerminal(
      dir,
      ['users', 'passwd', 'alice'],
      [['new password for alice: ', 'half-typed\u0003']],
    );
    expect(r.status, r.output).to.equal(130);
    expect(r.output).not.to.include('half-typed');
    expect(readFileSync(file, 'utf8')).to.equal(before);
  });

  it('on a terminal: two different answers exit 1 and write nothing', function () {
    const dir = exampleProject();
    const file = path.join(dir, 'users', 'alice.libsonnet');
    const before = readFileSync(file, 'utf8');
    const r = onTerminal(
      dir,
      ['users', 'passwd', 'alice'],
      [
        ['new password for alice: ', PASSWORD],
        ['the same password again: ', OTHER],
      ],
    );
    expect(r.status, r.output).to.equal(1);
    expect(r.output).to.include('the two passwords differ: nothing written');
    expect(r.output).not.to.include(PASSWORD);
    expect(r.output).not.to.include(OTHER);
    expect(readFileSync(file, 'utf8')).to.equal(before);
  });
});
