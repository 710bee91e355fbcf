// Real servers for the outbound tests, on 127.0.0.1 only, stopped by PID:
// OpenSSH's sshd (the SFTP server) and moto (S3 and Secrets Manager). A
// missing binary fails the test: nothing is skipped. Every server is listed
// in server-registry.ts until it exits, so none outlives the test run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { keyPair, type KeyPair } from './keys.js';
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

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function kill(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Child processes of a PID (sshd forks one per connection). */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export interface Sshd {
  port: number;
  pid: number;
  dir: string;
  /** Folder served to clients (absolute path, also the remote path). */
  root: string;
  user: string;
  hostPublicKey: string;
  clientKey: KeyPair;
  /** Ends every open SFTP session (a dropped connection) without stopping the listener. */
  dropSessions(): void;
  /** SIGSTOP/SIGCONT the session processes: a server that stops answering. */
  freezeSessions(frozen: boolean): void;
  stop(): Promise<void>;
}

export async function startSshd(opts: { readOnly?: boolean; extraAuthorizedKeys?: string[] } = {}): Promise<Sshd> {
  const sshdBin = '/usr/sbin/sshd';
  if (!existsSync(sshdBin)) throw new Error('sshd is missing: install openssh-server (npm test installs it as root: scripts/test-prereqs.sh)');
  const dir = tempDir('sftpgw-sshd-');
  const root = path.join(dir, 'remote');
  mkdirSync(root, { mode: 0o755 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'host@sftpgw-test', '-f', path.join(dir, 'host_ed25519')]);
  const clientKey = keyPair('ed25519', 'client@sftpgw-test');
  writeFileSync(path.join(dir, 'authorized_keys'), [clientKey.publicKey, ...(opts.extraAuthorizedKeys ?? [])].join('\n') + '\n', { mode: 0o644 });
  const port = await freePort();
  writeFileSync(path.join(dir, 'sshd_config'), [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    // -R: a server that refuses every write with "permission denied"
    `Subsystem sftp internal-sftp${opts.readOnly ? ' -R' : ''}`,
    'LogLevel VERBOSE',
  ].join('\n') + '\n');
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(sshdBin, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const sessions = (): number[] => (child.pid === undefined ? [] : childPids(child.pid).flatMap((p) => [p, ...childPids(p)]));
  const stop = async () => {
    for (const p of sessions()) { kill(p, 'SIGCONT'); kill(p, 'SIGKILL'); }
    kill(child.pid);
    await exited(child);
  };
  registerServer(`sshd on 127.0.0.1:${port}`, child, stop);
  let log = '';
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  try {
    await waitForPort(port, child, 'sshd');
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  const pid = child.pid!;
  return {
    port,
    pid,
    dir,
    root,
    user: execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(),
    hostPublicKey: readFileSync(path.join(dir, 'host_ed25519.pub'), 'utf8').trim(),
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
  stop(): Promise<void>;
}

/** `tls`: serve HTTPS with this certificate (the benchmark's S3 over TLS); the client must trust it. */
export async function startMoto(opts: { tls?: { certFile: string; keyFile: string } } = {}): Promise<Moto> {
  const port = await freePort();
  const tlsArgs = opts.tls ? ['-c', opts.tls.certFile, '-k', opts.tls.keyFile] : [];
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port), ...tlsArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (spawned) throw new Error(`moto_server could not start (${spawned.message}): it comes with moto (pip install 'moto[server]')`);
  const stop = async () => {
    kill(child.pid);
    await exited(child);
  };
  registerServer(`moto_server on 127.0.0.1:${port}`, child, stop);
  try {
    await waitForPort(port, child, 'moto_server', 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
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
    stop,
  };
}

/**
 * Starts servers side by side. When one fails, those that did start are
 * stopped before the error is rethrown: a before hook that fails half-way
 * leaves nothing running and nothing for its after hook to guard.
 */
export async function startTogether<T extends readonly { stop(): Promise<void> }[]>(...starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<T[number]>).value) as unknown as T;
}
