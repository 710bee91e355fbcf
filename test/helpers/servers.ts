// Real servers for the outbound tests, on 127.0.0.1 only, stopped by PID:
// OpenSSH's sshd (the SFTP server) and moto (through our launcher, see startMoto). A
// missing binary fails the test: nothing is skipped. Every server is listed
// in server-registry.ts until it exits, so none outlives the test run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyPair, type KeyPair } from './keys.js';
import { readMotoReport, type MotoReportEntry } from './moto-report.js';
import { tempDir } from './project.js';
import { exited, registerServer } from './server-registry.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until)
      throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function kill(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts a server process in the foreground and waits until it listens on
 * 127.0.0.1:port; on failure it is killed and its last stderr lines are in the error.
 */
export async function startListening(
  bin: string,
  args: string[],
  port: number,
  what: string,
  timeoutMs?: number,
  sessions: (pid: number) => number[] = () => [],
): Promise<ChildProcess> {
  // stderr goes to a file, not a pipe: a test that runs the CLI with
  // spawnSync blocks this process's event loop, so nothing would drain a pipe,
  // and a server that logs every request (moto) blocks on a full pipe buffer
  // (64 KiB) while the CLI waits for its answer — a deadlock.
  const logFile = path.join(tempDir('sftpgw-server-log-'), 'stderr.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  const log = () => readFileSync(logFile, 'utf8').slice(-4000);
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (spawned) throw new Error(`${what} could not start (${spawned.message})`);
  // Registered until it exits: whatever happens to the test, it is stopped by PID.
  const stop = async () => {
    for (const p of child.pid === undefined ? [] : sessions(child.pid)) {
      kill(p, 'SIGCONT');
      kill(p, 'SIGKILL');
    }
    kill(child.pid);
    await exited(child);
  };
  registerServer(`${what} on 127.0.0.1:${port}`, child, stop);
  try {
    await waitForPort(port, child, what, timeoutMs);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log()}`);
  }
  return child;
}

/** Child processes of a PID (sshd forks one per connection). */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** A running SFTP server on 127.0.0.1 (OpenSSH, gesftpserver behind OpenSSH, ProFTPD). */
export interface SftpServer {
  port: number;
  pid: number;
  dir: string;
  /** Folder served to clients (absolute path, also the remote path). */
  root: string;
  user: string;
  /** The first of hostPublicKeys. */
  hostPublicKey: string;
  /** Every host key the server holds, as OpenSSH public key lines. */
  hostPublicKeys: string[];
  clientKey: KeyPair;
  /** Ends every open SFTP session (a dropped connection) without stopping the listener. */
  dropSessions(): void;
  stop(): Promise<void>;
}

export interface Sshd extends SftpServer {
  /** SIGSTOP/SIGCONT the session processes: a server that stops answering. */
  freezeSessions(frozen: boolean): void;
}

/** The local addresses a process listens on (TCP, from /proc): to prove a test server stays on 127.0.0.1. */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9])) continue; // 0A: LISTEN
      const [hexAddr, hexPort] = f[1].split(':');
      const addr =
        hexAddr.length === 8 ? Buffer.from(hexAddr, 'hex').reverse().join('.') : `[${hexAddr}]`; // IPv6: any entry at all is a failure for our servers
      out.push(`${addr}:${parseInt(hexPort, 16)}`);
    }
  }
  return out;
}

/** Fails with what to install when a server binary is missing: a test never skips. */
export function requireBinary(file: string, packages: string): void {
  if (!existsSync(file))
    throw new Error(
      `${file} is missing: install ${packages} (scripts/test-prereqs.sh or .ci/run does)`,
    );
}

export type HostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

/** Host keys made with ssh-keygen in `dir`; RSA in PEM form, which every server here reads. */
export function makeHostKeys(
  dir: string,
  types: readonly HostKeyType[],
): Array<{ file: string; publicKey: string }> {
  return types.map((t) => {
    const file = path.join(dir, `host_${t}`);
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      t,
      ...(t === 'rsa' ? ['-b', '3072', '-m', 'PEM'] : []),
      '-N',
      '',
      '-C',
      `host-${t}@sftpgw-test`,
      '-f',
      file,
    ]);
    return { file, publicKey: readFileSync(file + '.pub', 'utf8').trim() };
  });
}

export async function startSshd(
  opts: {
    readOnly?: boolean;
    extraAuthorizedKeys?: string[];
    /** Host key types, in the server's preference order (default ed25519 only). */
    hostKeys?: HostKeyType[];
    /** An sftp-server program instead of OpenSSH's internal-sftp (e.g. /usr/libexec/gesftpserver). */
    sftpServer?: string;
    /** More sshd_config lines (e.g. HostKeyAlgorithms). */
    extraConfig?: string[];
  } = {},
): Promise<Sshd> {
  const sshdBin = '/usr/sbin/sshd';
  requireBinary(sshdBin, 'openssh-server');
  if (opts.sftpServer)
    requireBinary(
      opts.sftpServer,
      'the package that ships it (gesftpserver for /usr/libexec/gesftpserver)',
    );
  const dir = tempDir('sftpgw-sshd-');
  const root = path.join(dir, 'remote');
  mkdirSync(root, { mode: 0o755 });
  const hostKeys = makeHostKeys(dir, opts.hostKeys ?? ['ed25519']);
  const clientKey = keyPair('ed25519', 'client@sftpgw-test');
  writeFileSync(
    path.join(dir, 'authorized_keys'),
    [clientKey.publicKey, ...(opts.extraAuthorizedKeys ?? [])].join('\n') + '\n',
    { mode: 0o644 },
  );
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      ...hostKeys.map((k) => `HostKey ${k.file}`),
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      // -R: a server that refuses every write with "permission denied"
      `Subsystem sftp ${opts.sftpServer ?? 'internal-sftp'}${opts.readOnly ? ' -R' : ''}`,
      'LogLevel VERBOSE',
      ...(opts.extraConfig ?? []),
    ].join('\n') + '\n',
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sessionsOf = (pid: number): number[] => childPids(pid).flatMap((p) => [p, ...childPids(p)]);
  const child = await startListening(
    sshdBin,
    ['-D', '-e', '-f', path.join(dir, 'sshd_config')],
    port,
    'sshd',
    undefined,
    sessionsOf,
  );
  const sessions = (): number[] => sessionsOf(child.pid!);
  const stop = async () => {
    for (const p of sessions()) {
      kill(p, 'SIGCONT');
      kill(p, 'SIGKILL');
    }
    kill(child.pid);
    await exited(child);
  };
  const pid = child.pid!;
  return {
    port,
    pid,
    dir,
    root,
    user: execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(),
    hostPublicKey: hostKeys[0].publicKey,
    hostPublicKeys: hostKeys.map((k) => k.publicKey),
    clientKey,
    dropSessions: () => sessions().forEach((p) => kill(p, 'SIGKILL')),
    freezeSessions: (frozen) => sessions().forEach((p) => kill(p, frozen ? 'SIGSTOP' : 'SIGCONT')),
    stop,
  };
}

export interface Moto {
  endpoint: string;
  port: number;
  pid: number;
  /** Environment for an SDK client (or the handler) talking to this server. */
  env: Record<string, string>;
  /** What moto skipped, could not update or failed to create, as the launcher reported it so far. */
  report(): MotoReportEntry[];
  stop(): Promise<void>;
}

/** moto through our launcher (test/helpers/moto/launcher.py): it adds what moto lacks and reports the rest. */
// Compiled for the bench (dist/test/helpers/), this module still finds the
// launcher in the source tree: tsc copies no .py files.
export const MOTO_LAUNCHER = path.join(
  path.dirname(fileURLToPath(import.meta.url)).replace(/[\\/]dist([\\/]test[\\/]helpers)$/, '$1'),
  'moto',
  'launcher.py',
);

/**
 * moto 5.2.1, started through test/helpers/moto/launcher.py (CloudFormation
 * models for Transfer Family, KMS key tags, bucket versioning; a report of
 * every resource moto still skips). `tls`: serve HTTPS with this certificate
 * (the benchmark's S3 over TLS); the client must trust it.
 */
export async function startMoto(
  opts: { tls?: { certFile: string; keyFile: string } } = {},
): Promise<Moto> {
  const port = await freePort();
  const tlsArgs = opts.tls ? ['-c', opts.tls.certFile, '-k', opts.tls.keyFile] : [];
  const reportFile = path.join(tempDir('sftpgw-moto-'), 'report.jsonl');
  const child = await startListening(
    'python3',
    [MOTO_LAUNCHER, '--report', reportFile, '-H', '127.0.0.1', '-p', String(port), ...tlsArgs],
    port,
    'moto_server',
    30_000,
  ).catch((err: Error) => {
    throw /ENOENT|No module named/.test(err.message)
      ? new Error(
          `moto could not start (${err.message}): it needs python3 with moto (pip install 'moto[server]')`,
        )
      : err;
  });
  const stop = async () => {
    kill(child.pid);
    await exited(child);
  };
  const endpoint = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    pid: child.pid!,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    },
    report: () => readMotoReport(reportFile),
    stop,
  };
}

/**
 * Starts servers side by side. When one fails, those that did start are
 * stopped before the error is rethrown: a before hook that fails half-way
 * leaves nothing running and nothing for its after hook to guard.
 */
export async function startTogether<T extends readonly { stop(): Promise<void> }[]>(
  ...starts: { [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<T[number]>).value) as unknown as T;
}
