// Delivers one stream to a remote SFTP server, all or nothing.
//
// THE DELIVERY PROTOCOL. Several attempts at one object version may run at
// the same time, against the same remote directory, each unaware of the
// others: S3 delivers events at least once (duplicates can arrive together),
// Lambda retries a failed event while the SFTP server may still be finishing
// the failed attempt's requests, and `sftpgw destinations test --write` and
// `sftpgw destinations deliver` use the same path. SFTP has no locks. What an
// attempt may assume:
//
//   - The object version it streams is immutable, and its size is known.
//   - In the remote directory, names of the part-file grammar
//     (`.<file>.<deliveryId>.<attemptId>.sftpgw-part`, part-files.ts) are
//     written only by sftpgw attempts, each to a name only it knows (random
//     attemptId, created with O_EXCL), and no attempt runs longer than 15
//     minutes. Anything else in the directory belongs to the partner.
//   - Nothing about other attempts: they may be at any step, or dead.
//   - The S3 tag `sftpgw:status=delivered` or `duplicate` (deliver.ts) means
//     the file reached its final name once; its absence, or `failed`, means
//     nothing (the tag write may have been lost after the rename, or the
//     attempt may be running).
//
// Steps of one attempt:
//   1. Create its own part file with O_EXCL (never truncating anyone's file)
//      and stream the object into it; writes go only to that handle. A large
//      file (≥ parallelMinBytes, with a ranged source) is written in ranges
//      over several SFTP channels of the same connection (parallel-write.ts):
//      the other channels open the same name for WRITE only (no CREAT, no
//      TRUNC, no EXCL), each range at its offset. The write step succeeds
//      only when every WRITE of every range was acknowledged in this attempt
//      and every handle closed without error.
//   2. Check the part file's size: it must be the object's (FSTAT on the
//      handle, sent with its CLOSE once every write is acknowledged; a stat
//      by path where the server does not answer that). (A stream that
//      reports success on a full disk left a short file.) With one handle
//      writing in order, right size = right content, since no one else writes
//      this name (SSH protects the bytes). With ranges the size alone proves
//      nothing (a later range extends the file past a write that failed), so
//      the invariant is: every range's every write acknowledged in this
//      attempt + right size. (No server of the interop matrix offers a hash:
//      OpenSSH, ProFTPD and gesftpserver advertise no check-file extension
//      to an SFTPv3 client, so there is no remote hash to compare.)
//   3. Publish it under the final name (remote-publish.ts): an atomic rename;
//      on servers without posix-rename a plain rename, and if the name is
//      taken, a byte-for-byte comparison decides: identical → done (a lost
//      race or a re-send after a lost tag), different → replaced (Overwrite
//      "replace") or left alone and rejected (Overwrite "never").
//   4. Remove stale part files in the directory: those whose mtime is older,
//      by the server's clock, than this attempt's own part file by more than
//      any attempt can live (part-files.ts; at most every 10 minutes per
//      directory and container while no part file is seen).
//   On any failure the attempt removes its own part file if the connection
//   still allows it; a leftover is swept by a later delivery (step 4).
//
// Hence, whatever the order of retries, duplicates and dropped connections:
// the final name only ever holds a complete copy of one object version (or the
// partner's own file), because only a part file that no one else could write,
// whose every write this attempt saw acknowledged and whose size is checked,
// is ever renamed onto it, and renames are atomic. Concurrent
// attempts at different versions of one key end with one of them, complete.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper, Stats } from 'ssh2';
import {
  DELIVERY_ID,
  newAttemptId,
  sweepDue,
  sweepQuiet,
  sweepStaleParts,
  temporaryName,
} from './part-files.js';
import { errorText, PushError } from './push-error.js';
import {
  type ExtraChannels,
  type Lane,
  openExtraChannels,
  openForWriting,
  type PrefetchedRanges,
  prefetchRanges,
  type RangeSource,
  RangeWriteError,
  writeRanges,
} from './parallel-write.js';
import { publish, type PublishResult } from './remote-publish.js';
import {
  DEFAULT_MAX_INFLIGHT_BYTES,
  RemoteFileWriter,
  type Corkable,
} from './remote-file-writer.js';
import { sftpCall as call, sftpCode, SFTP_STATUS } from './call.js';
import {
  closeQuietly,
  connectSftp,
  destroy,
  type ConnectHooks,
  type ConnectTuning,
  type HostKeyUsed,
  type SftpConnection,
  type SftpTarget,
} from './connect.js';

export type { HostKeyUsed, OverwritePolicy, SftpTarget } from './connect.js';
export { PushError, type PushFailure } from './push-error.js';
export type { RangeSource } from './parallel-write.js';

export interface PushRequest {
  target: SftpTarget;
  fileName: string;
  body: Readable;
  /** Bytes the body holds; the remote file must end up exactly this size. */
  size: number;
  /** Epoch ms by which everything, including the disconnect, is over. */
  deadline: number;
  /** What is being delivered: 16 hex digits (e.g. a hash of the object version); part of the part-file name. */
  deliveryId: string;
  /** Decides which pinned host keys have expired (its UTC date); default the real time. */
  now?: Date;
  /**
   * Reads a range of the same object version as `body`: lets a large file be
   * written in ranges over several channels (parallel-write.ts). Without it,
   * one channel writes `body` in order.
   */
  openRange?: RangeSource;
}

export interface PushTuning extends ConnectTuning {
  /** Bytes of write requests in flight (see remote-file-writer.ts). */
  maxInflightBytes: number;
  /** How long end() may take before the socket is destroyed. */
  endTimeoutMs: number;
  fileMode: number;
  /** At most this long for removing stale part files after a delivery. */
  sweepBudgetMs: number;
  /** Files of at least this many bytes are written in ranges over several channels (given openRange). */
  parallelMinBytes: number;
  /** Channels for those files, unless the destination's MaxConnections is lower (1: never parallel). */
  channels: number;
  /**
   * Only when one SFTP request (creating the part file: one round trip)
   * took at least this long: below it one channel's window (OpenSSH: 2 MiB, ≥ 200 MiB/s) carries
   * more than ssh2 can encrypt on one core, and more channels only cost CPU
   * (measured on loopback, docs/benchmarks.md).
   */
  parallelMinRttMs: number;
}

/** Below this, one channel's window is rarely the limit for long, and one more channel-open round trip is not worth it. */
export const DEFAULT_PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
/** See docs/benchmarks.md: 4 windows per round trip; OpenSSH and ProFTPD allow 10 sessions by default. */
export const DEFAULT_CHANNELS = 4;

export const DEFAULT_TUNING: PushTuning = {
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
  maxInflightBytes: DEFAULT_MAX_INFLIGHT_BYTES,
  endTimeoutMs: 2_000,
  fileMode: 0o644, // put() would create 0666 files
  sweepBudgetMs: 3_000,
  parallelMinBytes: DEFAULT_PARALLEL_MIN_BYTES,
  channels: DEFAULT_CHANNELS,
  parallelMinRttMs: 10,
  // AES-GCM runs in OpenSSL (hardware AES); ChaCha20-Poly1305 would run in
  // JavaScript here (ssh2's native addon is not bundled), so it comes last.
  ciphers: [
    'aes128-gcm@openssh.com',
    'aes256-gcm@openssh.com',
    'aes128-ctr',
    'aes192-ctr',
    'aes256-ctr',
    'chacha20-poly1305@openssh.com',
  ],
};

export interface PushResult {
  remotePath: string;
  bytes: number;
  /** How the final name was reached; "identical": it already held exactly this file. */
  published: PublishResult;
  /** Stale part files of earlier attempts removed from the directory. */
  staleRemoved: number;
  /** The pinned host key the server proved it holds. */
  hostKey: HostKeyUsed;
  /** SFTP channels that wrote the file (1: in order on one). */
  channels: number;
  /** SSH connections they were on (more than 1 only where the server limits channels per connection). */
  connections: number;
  /** Why fewer channels wrote than were wanted (the server refused more), if so. */
  fallback?: string;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function push(
  req: PushRequest,
  tuning: PushTuning = DEFAULT_TUNING,
): Promise<PushResult> {
  const { target } = req;
  if (!DELIVERY_ID.test(req.deliveryId))
    throw new Error(`push: deliveryId must be 16 hex digits, not "${req.deliveryId}"`);
  const where = `${target.host}:${target.port}`;
  let connection: Awaited<ReturnType<typeof connectSftp>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let abandoned = false; // the deadline fired: nothing more is sent
  const remaining = (): number => req.deadline - Date.now();
  const partPath = (): string =>
    posix.join(target.remoteDirectory, temporaryName(req.fileName, req.deliveryId, newAttemptId()));

  // Ranges read ahead while SSH connects (prefetchRanges), when the server
  // turns out to be far enough for parallel writes to be likely.
  let prefetched: PrefetchedRanges | undefined;
  // Connections opened for more lanes where the server limits channels per
  // connection; closed with the main one.
  const moreConnections: SftpConnection[] = [];

  const work = async (): Promise<PushResult> => {
    try {
      return await attempt(channelsWanted(req, tuning));
    } finally {
      prefetched?.discard();
    }
  };

  const attempt = async (wanted: number): Promise<PushResult> => {
    // The extra channels are asked for as soon as the server accepts the
    // login, beside connect()'s own: all of them are ready in the same four
    // round trips (channel open, subsystem, SFTP version, limits).
    let extraOpening: Promise<ExtraChannels> | undefined;
    const hooks: ConnectHooks =
      wanted > 1
        ? {
            // The key exchange takes two round trips at least: one that
            // took this long says the server is far (the part-file create
            // decides later); reading S3 from here overlaps its first byte
            // with authentication and the channel opens. Near servers
            // (loopback) are not read ahead: one channel will write.
            onHandshake: (elapsedMs) => {
              if (prefetched || elapsedMs < 2 * tuning.parallelMinRttMs) return;
              prefetched = prefetchRanges(req.openRange!, req.size, wanted, req.body);
            },
            onAuthenticated: (client) => {
              extraOpening = openExtraChannels(client, wanted - 1, tuning.connectTimeoutMs);
            },
          }
        : {};
    let reconnected = false;
    let connected: SftpConnection;
    try {
      connected = await connectSftp(target, tuning, req.deadline, req.now, hooks);
    } catch (err) {
      // Asked for more channels, the server hung up before the first was
      // ready (ProFTPD at SFTPMaxChannels): nothing was written; one, anew.
      if (!extraOpening || !(await extraOpening).connectionLost) throw err;
      connected = await connectSftp(target, tuning, req.deadline, req.now);
      reconnected = true;
    }
    if (abandoned) {
      destroy(connected.client); // push() has returned already
      throw new PushError('timeout', `delivery to ${where} did not finish before the deadline`);
    }
    connection = connected;
    let extra: ExtraChannels = extraOpening && !reconnected ? await extraOpening : { channels: [] };
    if (extra.connectionLost) {
      // The same, after the first channel was ready: nothing written yet either.
      destroy(connected.client);
      const again = await connectSftp(target, tuning, req.deadline, req.now);
      if (abandoned) {
        destroy(again.client);
        throw new PushError('timeout', `delivery to ${where} did not finish before the deadline`);
      }
      connected = again;
      connection = again;
      reconnected = true;
    }
    if (reconnected)
      extra = {
        channels: [],
        refused: 'the server closed the connection when asked for another channel',
        connectionLost: true,
      };
    const { sftp } = connected;
    const remotePath = posix.join(target.remoteDirectory, req.fileName);
    const tempPath = partPath();
    let created = false;
    let channels = 1;
    let connections = 1;
    let fallback: string | undefined;
    try {
      const started = Date.now();
      const handle = await open(sftp, tempPath);
      created = true;
      // The create took one round trip: how far the server is decides
      // whether more windows help (below the gate one channel's window
      // carries more than ssh2 encrypts on one core).
      const far = wanted > 1 && Date.now() - started >= tuning.parallelMinRttMs;
      if (!far) {
        for (const c of extra.channels) c.end();
        extra = { channels: [] };
      }
      // Fewer channels than wanted because the server limits them per
      // connection (OpenSSH MaxSessions, ProFTPD SFTPMaxChannels): the rest
      // go over connections of their own, logged in anew, in parallel. A
      // server that also limits connections refuses some: fewer lanes.
      const short = wanted - 1 - extra.channels.length;
      const connecting: string[] = [];
      if (far && short > 0 && extra.refused) {
        const tries = await Promise.allSettled(
          Array.from({ length: short }, () =>
            connectSftp(target, tuning, req.deadline, req.now).then((c) => {
              if (abandoned) destroy(c.client);
              else moreConnections.push(c);
              return c;
            }),
          ),
        );
        for (const t of tries) if (t.status === 'rejected') connecting.push(errorText(t.reason));
      }
      const others = await openForWriting(
        [...extra.channels, ...moreConnections.map((c) => c.sftp)],
        tempPath,
      );
      const sockets = new Map<SFTPWrapper, Corkable | undefined>(
        moreConnections.map((c) => [c.sftp, socketOf(c.client)]),
      );
      const lanes: Lane[] = [
        { sftp, handle },
        ...others.lanes.map((l) => ({ ...l, socket: sockets.get(l.sftp) })),
      ];
      const refused = [extra.refused, others.refused].filter(Boolean).join('; ');
      if (refused) {
        const more = moreConnections.filter((c) => lanes.some((l) => l.sftp === c.sftp)).length;
        fallback =
          `the server allowed ${lanes.length} of ${wanted} channels: ${refused}` +
          (reconnected ? '; reconnected' : '') +
          (more > 0
            ? `; ${more} of them on connections of their own (the server limits channels per connection)`
            : '') +
          (connecting.length > 0
            ? `; ${connecting.length} more connection${connecting.length === 1 ? '' : 's'} refused: ${[...new Set(connecting)].join('; ')}`
            : '');
      }
      channels = lanes.length;
      connections = 1 + moreConnections.filter((c) => lanes.some((l) => l.sftp === c.sftp)).length;
      let stat: Stats | undefined;
      if (lanes.length > 1) {
        // The first range reads `body` (prefetchRanges), the others their own.
        const written = await writeRanges({
          lanes,
          size: req.size,
          source: prefetched?.source ?? req.openRange!,
          maxInflightBytes: Math.max(
            MIN_INFLIGHT_PER_CHANNEL,
            Math.ceil(tuning.maxInflightBytes / lanes.length),
          ),
          socket: socketOf(connected.client),
        })
          .finally(() => req.body.destroy()) // read up to its range, or not at all (a failure)
          .catch((err: unknown) => {
            throw new PushError(
              'io',
              `writing ${tempPath} on ${where} over ${lanes.length} channels failed after ${err instanceof RangeWriteError ? err.acknowledged : 0} bytes: ${errorText(err)} (remote disk full or connection lost?); not renamed`,
              { cause: err },
            );
          });
        stat = written.stats;
      } else {
        const writer = new RemoteFileWriter(sftp, handle, {
          maxInflightBytes: tuning.maxInflightBytes,
          socket: socketOf(connected.client),
          statOnClose: true,
        });
        await pipeline(req.body, writer).catch((err: unknown) => {
          throw new PushError(
            'io',
            `writing ${tempPath} on ${where} failed after ${writer.bytesWritten} bytes: ${errorText(err)} (remote disk full or connection lost?)`,
            { cause: err },
          );
        });
        stat = writer.finalStats;
      }
      // Asked with the CLOSE; by path where the server did not answer it.
      stat ??= await call<Stats>((cb) => sftp.stat(tempPath, cb as never)).catch((err: unknown) => {
        throw new PushError('io', `checking ${tempPath} on ${where} failed: ${errorText(err)}`, {
          cause: err,
        });
      });
      if (stat.size !== req.size) {
        throw new PushError(
          'size-mismatch',
          `${tempPath} on ${where} holds ${stat.size} of ${req.size} bytes (remote disk full?); not renamed`,
        );
      }
      const published = await publish({
        sftp,
        part: tempPath,
        final: remotePath,
        size: req.size,
        policy: target.overwrite ?? 'replace',
        where,
        sparePath: partPath,
      });
      created = published === 'identical'; // an identical file holds the name: ours goes
      let staleRemoved = 0;
      const dirKey = `${where}:${target.remoteDirectory}`;
      if (typeof stat.mtime === 'number' && sweepDue(dirKey)) {
        const swept = await sweepStaleParts(
          sftp,
          target.remoteDirectory,
          stat.mtime,
          Math.min(tuning.sweepBudgetMs, remaining() - tuning.endTimeoutMs),
        );
        staleRemoved = swept.removed;
        // Our own part file is still there when the final name held an identical file.
        if (swept.complete && swept.seen === (created ? 1 : 0)) sweepQuiet(dirKey);
      }
      return {
        remotePath,
        bytes: stat.size,
        published,
        staleRemoved,
        hostKey: connected.hostKey,
        channels,
        connections,
        ...(fallback ? { fallback } : {}),
      };
    } finally {
      if (created) await removeQuietly(sftp, tempPath);
    }
  };

  const open = (sftp: SFTPWrapper, path: string): Promise<Buffer> =>
    call<Buffer>((cb) => sftp.open(path, 'wx', { mode: tuning.fileMode }, cb as never)).catch(
      (err: unknown) => {
        const code = sftpCode(err);
        if (code === SFTP_STATUS.NO_SUCH_FILE)
          throw new PushError(
            'remote-directory',
            `remote directory ${target.remoteDirectory} does not exist on ${where}`,
            { cause: err },
          );
        if (code === SFTP_STATUS.PERMISSION_DENIED)
          throw new PushError(
            'permission',
            `permission denied creating a new file (${posix.basename(path)}) in ${target.remoteDirectory} on ${where}`,
            { cause: err },
          );
        throw new PushError('io', `cannot create ${path} on ${where}: ${errorText(err)}`, {
          cause: err,
        });
      },
    );

  const removeQuietly = async (sftp: SFTPWrapper, path: string): Promise<void> => {
    const unlink = call((cb) => sftp.unlink(path, cb as never)).catch(() => {
      // channel already gone: the part file stays for a later sweep
    });
    await Promise.race([unlink, sleep(Math.min(tuning.endTimeoutMs, Math.max(0, remaining())))]);
  };

  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        abandoned = true;
        reject(
          new PushError(
            'timeout',
            `delivery to ${where} did not finish before the deadline; connection dropped`,
          ),
        );
        if (connection) destroy(connection.client);
        for (const c of moreConnections) destroy(c.client);
        req.body.destroy();
      },
      Math.max(0, remaining() - tuning.endTimeoutMs),
    );
  });

  try {
    return await Promise.race([work(), deadline]);
  } catch (err) {
    req.body.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
    await Promise.all(
      [...(connection ? [connection] : []), ...moreConnections].map((c) =>
        closeQuietly(c.client, tuning.endTimeoutMs),
      ),
    );
  }
}

/** Per channel, twice the OpenSSH channel window (2 MiB): at exactly the window each channel idles while its adjustment travels (measured: 64 MiB at 50 ms took 3.27 s at 2 MiB, 2.66 s at 4 MiB). */
const MIN_INFLIGHT_PER_CHANNEL = 4 * 1024 * 1024;

/** Channels a push asks for: 1 unless the file is large, its source can be read in ranges, and the destination allows more. */
export function channelsWanted(
  req: Pick<PushRequest, 'size' | 'openRange' | 'target'>,
  tuning: Pick<PushTuning, 'parallelMinBytes' | 'channels'>,
): number {
  if (!req.openRange || req.size < tuning.parallelMinBytes) return 1;
  return Math.max(1, Math.min(tuning.channels, req.target.maxConnections ?? tuning.channels));
}

/** ssh2's TCP socket, for corking bursts of packets (see remote-file-writer.ts). */
function socketOf(client: unknown): Corkable | undefined {
  const sock = (client as { client: { _sock?: Partial<Corkable> } }).client._sock;
  return typeof sock?.cork === 'function' && typeof sock.uncork === 'function'
    ? (sock as Corkable)
    : undefined;
}
