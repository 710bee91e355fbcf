// Push throughput: 512 MiB from a stream over loopback SFTP, the handler's
// push() against OpenSSH's own `sftp` put with the same cipher (aes128-gcm),
// both to the same real sshd, measured in the same run.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSshd } from '../test/helpers/servers.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench

export interface PushBench {
  mib: number;
  openssh: { seconds: number };
  ours: { seconds: number; rssMiB: number };
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export async function benchPush(mib: number, repeat: number): Promise<PushBench> {
  const sshd = await startSshd();
  try {
    const src = path.join(sshd.dir, 'source.bin');
    const fd = openSync(src, 'w');
    for (let i = 0; i < mib; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    const keyFile = path.join(sshd.dir, 'client_key');
    writeFileSync(keyFile, sshd.clientKey.privateKey, { mode: 0o600 });
    const batch = path.join(sshd.dir, 'batch');
    writeFileSync(batch, `put ${src} ${path.join(sshd.root, 'openssh.bin')}\n`);

    const openssh: number[] = [];
    const ours: Array<{ seconds: number; rssMiB: number }> = [];
    for (let i = 0; i < repeat; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('sftp', ['-q', '-b', batch, '-i', keyFile, '-P', String(sshd.port), '-c', 'aes128-gcm@openssh.com',
        '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', `${sshd.user}@127.0.0.1`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`sftp failed: ${r.stderr}`);
      openssh.push(Number(process.hrtime.bigint() - t0) / 1e9);

      const rfile = path.join(sshd.dir, 'rss');
      const c = spawnSync(process.execPath, ['--import', `file://${path.join(here, 'rusage.js')}`, path.join(here, 'push-child.js'),
        src, String(sshd.port), sshd.user, keyFile, sshd.hostPublicKey, sshd.root], { encoding: 'utf8', env: { ...process.env, SFTPGW_BENCH_RUSAGE: rfile } });
      if (c.status !== 0) throw new Error(`push failed: ${c.stderr}`);
      ours.push({ seconds: Number(c.stdout.trim()), rssMiB: Number(readFileSync(rfile, 'utf8')) / 1024 });
    }
    if (sha(path.join(sshd.root, 'ours.bin')) !== sha(src)) throw new Error('push bench: the delivered file differs from the source');
    const mid = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];
    const o = mid(ours, (x) => x.seconds);
    return { mib, openssh: { seconds: mid(openssh, (x) => x) }, ours: { seconds: o.seconds, rssMiB: Math.max(...ours.map((x) => x.rssMiB)) } };
  } finally {
    await sshd.stop();
    rmSync(sshd.dir, { recursive: true, force: true });
  }
}

