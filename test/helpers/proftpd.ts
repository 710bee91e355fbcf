// ProFTPD's mod_sftp as a test SFTP server, the way partners run it, confined
// to this test: foreground (-n) with its own config (-c), bound to 127.0.0.1
// only (SocketBindTight), pid, scoreboard and logs in a temp folder, no
// control socket, delay table or wtmp, a virtual user from its own
// AuthUserFile and the client key in RFC 4716 form (SFTPAuthorizedUserKeys).
// Started and stopped by PID; a missing binary fails the test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyPair } from './keys.js';
import { tempDir } from './project.js';
import {
  childPids,
  freePort,
  kill,
  makeHostKeys,
  requireBinary,
  startListening,
  type HostKeyType,
  type SftpServer,
} from './servers.js';

const PROFTPD = '/usr/sbin/proftpd';
const MOD_SFTP = '/usr/lib/proftpd/mod_sftp.so';

export interface ProftpdOptions {
  /** AllowOverwrite (ProFTPD's default is off; partners often turn it on). */
  allowOverwrite: boolean;
  /** false: `SFTPExtensions -posixRename`, a server without posix-rename@openssh.com. */
  posixRename?: boolean;
  /** Host key types (default ed25519 and RSA). */
  hostKeys?: HostKeyType[];
  /** SFTPMaxChannels: channels per SSH connection (ProFTPD's default 10). */
  maxChannels?: number;
}

export async function startProftpd(opts: ProftpdOptions): Promise<SftpServer> {
  requireBinary(PROFTPD, 'proftpd-core');
  requireBinary(MOD_SFTP, 'proftpd-mod-crypto');
  const dir = tempDir('sftpgw-proftpd-');
  const root = path.join(dir, 'remote');
  mkdirSync(root, { mode: 0o755 });
  const hostKeys = makeHostKeys(dir, opts.hostKeys ?? ['ed25519', 'rsa']);
  const clientKey = keyPair('ed25519', 'client@sftpgw-test');
  const pubFile = path.join(dir, 'client.pub');
  writeFileSync(pubFile, clientKey.publicKey + '\n');
  writeFileSync(
    path.join(dir, 'authorized_keys'),
    execFileSync('ssh-keygen', ['-e', '-f', pubFile], { encoding: 'utf8' }),
  );
  const uid = process.getuid!();
  const gid = process.getgid!();
  const user = 'sftpgw';
  // mod_auth_file refuses a world-readable AuthUserFile. No password ("*"): keys only.
  writeFileSync(path.join(dir, 'passwd'), `${user}:*:${uid}:${gid}::${root}:/bin/false\n`, {
    mode: 0o600,
  });
  const account = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
  const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  const port = await freePort();
  const conf = path.join(dir, 'proftpd.conf');
  writeFileSync(
    conf,
    [
      'ServerType standalone',
      'DefaultAddress 127.0.0.1',
      'SocketBindTight on', // listen on DefaultAddress only, never on every interface
      'UseIPv6 off',
      `Port ${port}`,
      `PidFile ${path.join(dir, 'proftpd.pid')}`,
      `ScoreboardFile ${path.join(dir, 'proftpd.scoreboard')}`,
      'DelayEngine off', // no delay table under /run/proftpd
      'ControlsEngine off', // no control socket
      'WtmpLog off',
      'UseReverseDNS off',
      `SystemLog ${path.join(dir, 'system.log')}`,
      `ServerLog ${path.join(dir, 'server.log')}`,
      'TransferLog none',
      `User ${account}`,
      `Group ${group}`,
      ...(uid === 0 ? ['RootLogin on'] : []),
      'RequireValidShell off',
      'AuthOrder mod_auth_file.c',
      `AuthUserFile ${path.join(dir, 'passwd')}`,
      'MaxInstances 64',
      `ModulePath ${path.dirname(MOD_SFTP)}`,
      'LoadModule mod_sftp.c',
      'SFTPEngine on',
      `SFTPLog ${path.join(dir, 'sftp.log')}`,
      ...hostKeys.map((k) => `SFTPHostKey ${k.file}`),
      `SFTPAuthorizedUserKeys file:${path.join(dir, 'authorized_keys')}`,
      'SFTPAuthMethods publickey',
      ...(opts.posixRename === false ? ['SFTPExtensions -posixRename'] : []),
      ...(opts.maxChannels !== undefined ? [`SFTPMaxChannels ${opts.maxChannels}`] : []),
      `AllowOverwrite ${opts.allowOverwrite ? 'on' : 'off'}`,
    ].join('\n') + '\n',
  );

  const child = await startListening(
    PROFTPD,
    ['-n', '-c', conf],
    port,
    'proftpd',
    undefined,
    childPids,
  );
  const pid = child.pid!;
  // The master forks one process per session.
  const sessions = (): number[] => childPids(pid);
  return {
    port,
    pid,
    dir,
    root,
    user,
    hostPublicKey: hostKeys[0].publicKey,
    hostPublicKeys: hostKeys.map((k) => k.publicKey),
    clientKey,
    dropSessions: () => sessions().forEach((p) => kill(p, 'SIGKILL')),
    stop: async () => {
      for (const p of sessions()) kill(p, 'SIGKILL');
      kill(pid);
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((r) => child.once('exit', r));
    },
  };
}
