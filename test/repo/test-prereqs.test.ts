// scripts/test-prereqs.sh (the `pretest` step): what it reports, what it asks
// apt-get for, and that no system daemon can start while it installs.
// It runs against an empty tools folder (SFTPGW_PREREQ_ROOT for fixed paths,
// SFTPGW_PREREQ_PATH for commands): this machine's packages are never touched.
// apt-get and python3 are fakes that record their arguments; they stand in for
// a package install, which no local part can do without changing the machine.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const script = path.join(repoRoot, 'scripts/test-prereqs.sh');
/** The cfn-lint release package.json pins: the script installs that one. */
const PIN = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    config: { cfnLintVersion: string };
  }
).config.cfnLintVersion;

/** What the tests use, and the Debian package that provides it. */
const APT_PARTS: Record<string, { pkg: string; file?: string; cmd?: string }> = {
  sshd: { pkg: 'openssh-server', file: '/usr/sbin/sshd' },
  'ssh-keygen': { pkg: 'openssh-client', cmd: 'ssh-keygen' },
  sftp: { pkg: 'openssh-client', cmd: 'sftp' },
  pgrep: { pkg: 'procps', cmd: 'pgrep' },
  rsync: { pkg: 'rsync', cmd: 'rsync' },
  proftpd: { pkg: 'proftpd-core', file: '/usr/sbin/proftpd' },
  mod_sftp: { pkg: 'proftpd-mod-crypto', file: '/usr/lib/proftpd/mod_sftp.so' },
  gesftpserver: { pkg: 'gesftpserver', file: '/usr/libexec/gesftpserver' },
};
const ALL_APT = Object.keys(APT_PARTS);
const PY_PARTS = ['cfn-lint', 'moto_server'];

interface Machine {
  root: string;
  bin: string;
  aptLog: string;
  pipLog: string;
  policy: string;
}

function executable(file: string, body = 'exit 0'): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/bash\n${body}\n`);
  chmodSync(file, 0o755);
}

/**
 * A machine with only `present` installed. The fake apt-get logs each call,
 * logs what /usr/sbin/policy-rc.d answers during `install`, then "installs"
 * the requested packages (creates their files) unless told to fail.
 */
function machine(
  present: string[],
  opts: {
    apt?: boolean;
    aptExit?: number;
    aptSleep?: number;
    aptInstallsNothing?: boolean;
    python?: 'fails';
  } = {},
): Machine {
  const dir = tempDir('sftpgw-prereq-');
  const m: Machine = {
    root: path.join(dir, 'root'),
    bin: path.join(dir, 'bin'),
    aptLog: path.join(dir, 'apt.log'),
    pipLog: path.join(dir, 'pip.log'),
    policy: path.join(dir, 'root/usr/sbin/policy-rc.d'),
  };
  mkdirSync(path.join(m.root, 'usr/sbin'), { recursive: true });
  mkdirSync(m.bin);
  const place = (name: string) => {
    const part = APT_PARTS[name];
    if (part?.file) executable(path.join(m.root, part.file));
    else executable(path.join(m.bin, part?.cmd ?? name));
  };
  present.forEach(place);
  if (opts.apt !== false) {
    const installs = Object.entries(APT_PARTS).map(
      ([, p]) =>
        `    ${p.pkg}) ${p.file ? `install_file "${m.root}${p.file}"` : `install_file "${m.bin}/${p.cmd}"`} ;;`,
    );
    executable(
      path.join(m.bin, 'apt-get'),
      `
echo "$*" >> "${m.aptLog}"
[ "$1" = install ] || exit 0
if [ -x "${m.policy}" ]; then "${m.policy}" sshd start; echo "policy-rc.d answers $?" >> "${m.aptLog}"; else echo "no policy-rc.d" >> "${m.aptLog}"; fi
echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "${m.aptLog}"
sleep ${opts.aptSleep ?? 0}
if [ "${opts.aptExit ?? 0}" != 0 ]; then echo "E: Unable to locate package (fake)"; exit ${opts.aptExit}; fi
install_file() { mkdir -p "$(dirname "$1")"; printf '#!/bin/sh\\n' > "$1"; chmod 755 "$1"; }
${opts.aptInstallsNothing ? 'exit 0' : ''}
for p in "$@"; do case "$p" in
${installs.join('\n')}
esac; done`,
    );
  }
  if (opts.python === 'fails')
    executable(
      path.join(m.bin, 'python3'),
      `echo "$*" >> "${m.pipLog}"; echo "ERROR: No matching distribution found (fake)" >&2; exit 1`,
    );
  return m;
}

function env(m: Machine, uid: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SFTPGW_PREREQ_ROOT: m.root,
    SFTPGW_PREREQ_PATH: m.bin,
    SFTPGW_PREREQ_UID: String(uid),
  };
}

function run(m: Machine, uid = 0) {
  const r = spawnSync('bash', [script], { env: env(m, uid), encoding: 'utf8' });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines: (r.stdout + r.stderr).split('\n').filter(Boolean),
  };
}

const aptCalls = (m: Machine) =>
  existsSync(m.aptLog) ? readFileSync(m.aptLog, 'utf8').split('\n').filter(Boolean) : [];

describe('scripts/test-prereqs.sh', function () {
  after(cleanTempDirs);

  it('with everything present: silent, exit 0, apt-get never called', function () {
    const m = machine([...ALL_APT, ...PY_PARTS]);
    const r = run(m);
    expect(r.status).to.equal(0);
    expect(r.lines).to.deep.equal([]);
    expect(aptCalls(m)).to.deep.equal([]);
  });

  it('on this machine (everything installed, root): silent and under 0.5 s', function () {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('bash', [script], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).to.equal('');
    expect(ms).to.be.below(500);
  });

  it('not root: one line naming every missing part and the exact install commands; apt-get is not run', function () {
    const m = machine([]);
    const r = run(m, 1000);
    expect(r.status).to.equal(1);
    expect(r.lines).to.have.length(1);
    expect(r.lines[0]).to.equal(
      'test prerequisites missing: sshd, ssh-keygen, sftp, pgrep, rsync, proftpd, mod_sftp, gesftpserver, cfn-lint, moto_server — install with: ' +
        'sudo apt-get install openssh-server openssh-client procps rsync proftpd-core proftpd-mod-crypto gesftpserver pipx; ' +
        `then pipx install cfn-lint~=${PIN} && pipx install 'moto[server]'; then run npm test as root (a test mounts a tmpfs)`,
    );
    expect(aptCalls(m)).to.deep.equal([]);
  });

  it('not root with only two parts missing: names just those two', function () {
    const m = machine(ALL_APT.filter((n) => n !== 'sshd' && n !== 'rsync').concat(PY_PARTS));
    const r = run(m, 1000);
    expect(r.status).to.equal(1);
    expect(r.lines).to.deep.equal([
      'test prerequisites missing: sshd, rsync — install with: sudo apt-get install openssh-server rsync; then run npm test as root (a test mounts a tmpfs)',
    ]);
  });

  it('not root with everything present: one line saying it must run as root', function () {
    const m = machine([...ALL_APT, ...PY_PARTS]);
    const r = run(m, 1000);
    expect(r.status).to.equal(1);
    expect(r.lines).to.have.length(1);
    expect(r.lines[0]).to.match(/must run as root \(a test mounts a tmpfs\)/);
  });

  it('root without apt-get: one line with the apt-get command and its package names', function () {
    const m = machine(
      ['ssh-keygen', 'sftp', 'pgrep', 'proftpd', 'mod_sftp', 'gesftpserver', ...PY_PARTS],
      { apt: false },
    );
    const r = run(m);
    expect(r.status).to.equal(1);
    expect(r.lines).to.deep.equal([
      'test prerequisites missing: sshd, rsync — install with: apt-get install openssh-server rsync (Debian package names; this machine has no apt-get)',
    ]);
  });

  it('root with apt-get: asks for exactly the missing packages, with policy-rc.d forbidding service starts during the install, removed after', function () {
    const m = machine(['sshd', 'rsync', 'sftp', ...PY_PARTS]);
    const r = run(m);
    expect(r.status, r.stderr).to.equal(0);
    expect(aptCalls(m)).to.deep.equal([
      'update -qq',
      'install -y -qq --no-install-recommends openssh-client procps proftpd-core proftpd-mod-crypto gesftpserver',
      'policy-rc.d answers 101',
      'DEBIAN_FRONTEND=noninteractive',
    ]);
    expect(r.lines).to.deep.equal([
      'test prerequisites: installing openssh-client procps proftpd-core proftpd-mod-crypto gesftpserver (apt-get; no service is started)',
    ]);
    expect(existsSync(m.policy), 'policy-rc.d removed').to.equal(false);
    // Installed now: the next run is silent and installs nothing.
    const again = run(m);
    expect(again.status).to.equal(0);
    expect(again.lines).to.deep.equal([]);
    expect(aptCalls(m)).to.have.length(4);
  });

  it('apt-get failing: exit 1, its output and one line naming what is still missing; policy-rc.d removed', function () {
    const m = machine([...ALL_APT.filter((n) => n !== 'gesftpserver'), ...PY_PARTS], {
      aptExit: 100,
    });
    const r = run(m);
    expect(r.status).to.equal(1);
    expect(aptCalls(m)).to.include('policy-rc.d answers 101');
    expect(existsSync(m.policy), 'policy-rc.d removed').to.equal(false);
    expect(r.stderr).to.include('E: Unable to locate package (fake)');
    expect(r.lines.at(-1)).to.equal(
      'test prerequisites missing: gesftpserver — apt-get install gesftpserver failed (output above); install with: apt-get install gesftpserver',
    );
  });

  it('apt-get succeeding without providing the files: says they were installed yet are not where the tests look', function () {
    const m = machine([...ALL_APT.filter((n) => n !== 'sshd'), ...PY_PARTS], {
      aptInstallsNothing: true,
    });
    const r = run(m);
    expect(r.status).to.equal(1);
    expect(r.lines.at(-1)).to.equal(
      'test prerequisites missing: sshd — installed openssh-server, yet still not found where the tests look; install with: apt-get install openssh-server',
    );
  });

  it("a policy-rc.d left behind by a run killed mid-install is removed, not kept as the machine's own", function () {
    const m = machine(ALL_APT.filter((n) => n !== 'sshd').concat(PY_PARTS));
    writeFileSync(
      m.policy,
      '#!/bin/sh\n# sftpgw scripts/test-prereqs.sh: no service starts while test prerequisites are installed\nexit 101\n',
      { mode: 0o755 },
    );
    const r = run(m);
    expect(r.status, r.stderr).to.equal(0);
    expect(existsSync(m.policy), 'stale policy-rc.d removed').to.equal(false);
  });

  it('a policy-rc.d the machine already had is set aside during the install and restored after', function () {
    const m = machine(ALL_APT.filter((n) => n !== 'sshd').concat(PY_PARTS));
    const own = "#!/bin/sh\n# the machine's own policy\nexit 0\n";
    writeFileSync(m.policy, own, { mode: 0o755 });
    const r = run(m);
    expect(r.status, r.stderr).to.equal(0);
    expect(aptCalls(m)).to.include('policy-rc.d answers 101');
    expect(readFileSync(m.policy, 'utf8')).to.equal(own);
    expect(existsSync(`${m.policy}.sftpgw-saved`)).to.equal(false);
  });

  it('stopped by SIGTERM during the install: policy-rc.d is removed all the same', async function () {
    const m = machine(ALL_APT.filter((n) => n !== 'sshd').concat(PY_PARTS), { aptSleep: 1 });
    const child = spawn('bash', [script], { env: env(m, 0), stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const until = Date.now() + 10_000;
    while (!aptCalls(m).includes('policy-rc.d answers 101')) {
      if (Date.now() > until) throw new Error('the fake apt-get was never asked to install');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(existsSync(m.policy), 'in place during the install').to.equal(true);
    child.kill('SIGTERM');
    expect(await exited).to.equal(143);
    expect(existsSync(m.policy), 'policy-rc.d removed').to.equal(false);
  });

  it('pip failing for the Python tools (as Debian 12 refuses it): says so, and how to install them with pipx', function () {
    const m = machine([...ALL_APT, 'moto_server'], { python: 'fails' });
    const r = run(m);
    expect(r.status).to.equal(1);
    expect(readFileSync(m.pipLog, 'utf8').trim()).to.equal(
      `-m pip install --quiet cfn-lint~=${PIN}`,
    );
    expect(r.stderr).to.include('No matching distribution found (fake)');
    expect(r.lines.at(-1)).to.equal(
      `test prerequisites missing: cfn-lint — python3 -m pip install cfn-lint~=${PIN} failed (output above); ` +
        `install with: apt-get install pipx; then PIPX_BIN_DIR=/usr/local/bin pipx install cfn-lint~=${PIN}`,
    );
    expect(aptCalls(m)).to.deep.equal([]);
  });

  it('pip failing where there is no apt-get: the pip command, quoted for the shell', function () {
    const m = machine(ALL_APT, { python: 'fails', apt: false });
    const r = run(m);
    expect(r.status).to.equal(1);
    expect(readFileSync(m.pipLog, 'utf8').trim()).to.equal(
      `-m pip install --quiet cfn-lint~=${PIN} moto[server]`,
    );
    expect(r.lines.at(-1)).to.equal(
      `test prerequisites missing: cfn-lint, moto_server — python3 -m pip install cfn-lint~=${PIN} 'moto[server]' failed (output above); ` +
        `install with: python3 -m pip install cfn-lint~=${PIN} 'moto[server]'`,
    );
  });
});
