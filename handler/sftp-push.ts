// Delivers one stream to a remote SFTP server, all or nothing: the data goes to
// a hidden temporary name, its size is checked on the server, and only then is
// it renamed onto the final name (posix-rename replaces atomically). The remote
// never sees a partial file under the final name — not on a full disk (where a
// stream put reports success on a truncated file), not on a dropped connection.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper } from 'ssh2';
import { fingerprint } from './host-keys.js';
import { DEFAULT_MAX_INFLIGHT_BYTES, RemoteFileWriter, type Corkable } from './remote-file-writer.js';

export interface SftpTarget {
  host: string;
  port: number;
  username: string;
  privateKey?: string;
  passphrase?: string;
  password?: string;
  hostKeyPins: ReadonlySet<string>;
  remoteDirectory: string;
}

export interface PushRequest {
  target: SftpTarget;
  fileName: string;
  body: Readable;
  /** Bytes the body holds; the remote file must end up exactly this size. */
  size: number;
  /** Epoch ms by which everything, including the disconnect, is over. */
  deadline: number;
  /**
   * Stable id of what is being delivered (e.g. a hash of the object version).
   * The temporary name derives from it, so a retry after a dropped connection
   * overwrites the part file the failed attempt could not remove.
   */
  deliveryId: string;
}

export interface PushTuning {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Bytes of write requests in flight (see remote-file-writer.ts). */
  maxInflightBytes: number;
  /** How long end() may take before the socket is destroyed. */
  endTimeoutMs: number;
  fileMode: number;
  /** Cipher preference, best first. */
  ciphers: string[];
}

export const DEFAULT_TUNING: PushTuning = {
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
  maxInflightBytes: DEFAULT_MAX_INFLIGHT_BYTES,
  endTimeoutMs: 2_000,
  fileMode: 0o644, // put() would create 0666 files
  // AES-GCM runs in OpenSSL (hardware AES); ChaCha20-Poly1305 would run in
  // JavaScript here (ssh2's native addon is not bundled), so it comes last.
  ciphers: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'chacha20-poly1305@openssh.com'],
};

export type PushFailure = 'host-key' | 'auth' | 'connect' | 'remote-directory' | 'permission' | 'io' | 'size-mismatch' | 'timeout';

export class PushError extends Error {
  override name = 'PushError';
  constructor(readonly kind: PushFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface PushResult {
  remotePath: string;
  bytes: number;
}

// SFTP status codes (draft-ietf-secsh-filexfer-02).
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

function sftpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Hidden sibling of the final name, the same for every attempt at one delivery. */
export function temporaryName(fileName: string, deliveryId: string): string {
  return `.${fileName}.${deliveryId}.sftpgw-part`;
}

export async function push(req: PushRequest, tuning: PushTuning = DEFAULT_TUNING): Promise<PushResult> {
  const { target } = req;
  const where = `${target.host}:${target.port}`;
  const client = quietClient();
  let timer: NodeJS.Timeout | undefined;
  const remaining = (): number => req.deadline - Date.now();

  const work = async (): Promise<PushResult> => {
    const sftp = await connect();
    const remotePath = posix.join(target.remoteDirectory, req.fileName);
    const tempPath = posix.join(target.remoteDirectory, temporaryName(req.fileName, req.deliveryId));
    let created = false;
    try {
      const handle = await open(sftp, tempPath);
      created = true;
      const writer = new RemoteFileWriter(sftp, handle, { maxInflightBytes: tuning.maxInflightBytes, socket: socketOf(client) });
      await pipeline(req.body, writer).catch((err: unknown) => {
        throw new PushError('io', `writing ${tempPath} on ${where} failed after ${writer.bytesWritten} bytes: ${message(err)} (remote disk full or connection lost?)`, { cause: err });
      });
      const stat = await client.stat(tempPath).catch((err: unknown) => {
        throw new PushError('io', `checking ${tempPath} on ${where} failed: ${message(err)}`, { cause: err });
      });
      if (stat.size !== req.size) {
        throw new PushError('size-mismatch', `${tempPath} on ${where} holds ${stat.size} of ${req.size} bytes (remote disk full?); not renamed`);
      }
      await rename(sftp, tempPath, remotePath);
      created = false;
      return { remotePath, bytes: stat.size };
    } finally {
      if (created) await removeQuietly(sftp, tempPath);
    }
  };

  const connect = (): Promise<SFTPWrapper> => connectSftp(client, target, tuning, remaining());

  const open = (sftp: SFTPWrapper, path: string): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      sftp.open(path, 'w', { mode: tuning.fileMode }, (err, handle) => {
        if (!err) return resolve(handle);
        const code = sftpCode(err);
        if (code === NO_SUCH_FILE) reject(new PushError('remote-directory', `remote directory ${target.remoteDirectory} does not exist on ${where}`, { cause: err }));
        else if (code === PERMISSION_DENIED) reject(new PushError('permission', `permission denied creating a file in ${target.remoteDirectory} on ${where}`, { cause: err }));
        else reject(new PushError('io', `cannot create ${path} on ${where}: ${message(err)}`, { cause: err }));
      });
    });

  const rename = async (sftp: SFTPWrapper, from: string, to: string): Promise<void> => {
    const posixRename = (): Promise<void> => new Promise((resolve, reject) => sftp.ext_openssh_rename(from, to, (err) => (err ? reject(err) : resolve())));
    try {
      await posixRename();
    } catch (err) {
      // Servers without the posix-rename extension: a plain rename is also
      // atomic, but refuses to replace an existing file (reported, not forced).
      if (!/not supported|unsupported/i.test(message(err))) {
        throw new PushError(sftpCode(err) === PERMISSION_DENIED ? 'permission' : 'io', `renaming onto ${to} on ${where} failed: ${message(err)}`, { cause: err });
      }
      await new Promise<void>((resolve, reject) => sftp.rename(from, to, (e) => (e ? reject(new PushError('io', `renaming onto ${to} on ${where} failed: ${message(e)} (server lacks posix-rename; is the file already there?)`, { cause: e })) : resolve())));
    }
  };

  const removeQuietly = async (sftp: SFTPWrapper, path: string): Promise<void> => {
    const unlink = new Promise<void>((resolve) => {
      try {
        sftp.unlink(path, () => resolve());
      } catch {
        resolve(); // channel already gone: the server drops nothing visible under the final name
      }
    });
    await Promise.race([unlink, sleep(Math.min(tuning.endTimeoutMs, Math.max(0, remaining())))]);
  };

  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new PushError('timeout', `delivery to ${where} did not finish before the deadline; connection dropped`));
      destroy(client);
      req.body.destroy();
    }, Math.max(0, remaining() - tuning.endTimeoutMs));
  });

  try {
    return await Promise.race([work(), deadline]);
  } catch (err) {
    req.body.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
    await closeQuietly(client, tuning.endTimeoutMs);
  }
}

/** ssh2's TCP socket, for corking bursts of packets (see remote-file-writer.ts). */
function socketOf(client: SftpClient): Corkable | undefined {
  const sock = (client as unknown as { client: { _sock?: Partial<Corkable> } }).client._sock;
  return typeof sock?.cork === 'function' && typeof sock.uncork === 'function' ? (sock as Corkable) : undefined;
}

/** A client whose late 'error'/'close' events after we are done do not print or throw. */
export function quietClient(): SftpClient {
  return new SftpClient('sftpgw', { error: () => {}, end: () => {}, close: () => {} });
}

/**
 * Connects exactly as deliveries do (pinned host key, timeouts, keepalive,
 * cipher order, TCP_NODELAY); `sftpgw destinations test` uses it too.
 */
export async function connectSftp(client: SftpClient, target: SftpTarget, tuning: PushTuning, remainingMs: number): Promise<SFTPWrapper> {
  const where = `${target.host}:${target.port}`;
  let presentedKey: string | undefined;
  try {
    const sftp = await client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      passphrase: target.passphrase,
      password: target.password,
      readyTimeout: Math.max(1, Math.min(tuning.connectTimeoutMs, remainingMs)),
      keepaliveInterval: tuning.keepaliveIntervalMs,
      keepaliveCountMax: tuning.keepaliveCountMax,
      algorithms: { cipher: tuning.ciphers as never },
      // No trust on first use: the session never starts unless the key is pinned.
      hostVerifier: (key: Buffer) => {
        presentedKey = fingerprint(key);
        return target.hostKeyPins.has(presentedKey);
      },
    });
    // Nagle + delayed ACK stall small SFTP packets (1.7 MiB/s without this).
    (client as unknown as { client: { setNoDelay(v: boolean): void } }).client.setNoDelay(true);
    return sftp;
  } catch (err) {
    const text = message(err);
    if (presentedKey !== undefined && !target.hostKeyPins.has(presentedKey)) {
      throw new PushError('host-key', `host key ${presentedKey} of ${where} matches none of TrustedHostKeys; not connecting (update the destination if the server's key really changed)`, { cause: err });
    }
    if (/authentication methods failed|authentication/i.test(text)) {
      throw new PushError('auth', `${where} refused the credentials for user ${target.username}`, { cause: err });
    }
    throw new PushError('connect', `cannot connect to ${where}: ${text.replace(/^getConnection: /, '')}`, { cause: err });
  }
}

/** end() raced with a timer, then the socket destroyed: never hangs. */
export async function closeQuietly(client: SftpClient, timeoutMs: number): Promise<void> {
  await Promise.race([client.end().catch(() => {}), sleep(timeoutMs)]);
  destroy(client);
}

function destroy(client: SftpClient): void {
  try {
    (client as unknown as { client: { destroy(): void } }).client.destroy();
  } catch {
    // already closed
  }
}
