// sftpgw destinations deliver: one local file to a destination through the
// push function's own code, so what happens here is what the function would
// do with the same file staged at <key>/<name>:
//   - the name is checked as the function checks a staging key
//     (shared/destination/staging-key.ts: no separators, "..", control
//     characters, at most 255 bytes), then against FilePattern — both before
//     any connection, so a refused name writes nothing anywhere;
//   - the secret is parsed by the function's parser
//     (shared/destination/parse-secret.ts), whether it comes from a file or
//     from Secrets Manager;
//   - push() (shared/sftp/push.ts) connects with the pinned host key, writes
//     its own part file, checks its size, publishes per Overwrite and sweeps
//     stale part files.
// Local problems with FILE (missing, a directory, not a regular file,
// unreadable) are usage errors (exit 2), as for every file named on the
// command line (cli/commands/input-file.ts); a refused name, an invalid
// secret or a failed push exit 1. The engine never prints, and no value of
// the secret reaches a message: parse problems name fields only, and push
// errors are scrubbed of the secret's values before they are thrown.
import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import {
  DestinationError,
  parseDestination,
  type Destination,
} from '../../../shared/destination/parse-secret.js';
import { parseStagingKey } from '../../../shared/destination/staging-key.js';
import {
  DEFAULT_TUNING,
  push,
  PushError,
  type HostKeyUsed,
  type PushTuning,
} from '../../../shared/sftp/push.js';
import type { PublishResult } from '../../../shared/sftp/remote-publish.js';
import { invalidInput, SftpgwError, usageError, type Problem } from '../errors.js';
import type { PhaseSink } from '../phase.js';
import { checkKey } from './destinations.js';

/** Where the destination secret comes from: a file (or stdin) holding its JSON, or Secrets Manager. */
export interface SecretSource {
  kind: 'file' | 'stdin' | 'secrets-manager';
  /** The file path, or the secret name. */
  name: string;
  /** The secret's JSON text; undefined when Secrets Manager holds no such secret. */
  read(): Promise<string | undefined>;
}

export interface DeliverRequest {
  key: string;
  /** Local path of the file to send. */
  file: string;
  /** The name on the remote server (default: FILE's base name). */
  remoteName?: string;
  /** Everything, the disconnect included, is over by then (the function's deadline). */
  timeoutMs: number;
  /** Decides which pinned host keys have expired (its UTC date); default the real time. */
  now?: Date;
}

/** The longest a push function delivery runs (timeout at most 899 s, deadline 10 s before); part-file sweeps rely on it. */
export const MAX_TIMEOUT_SECONDS = 889;
/** The function's deadline with the default outbound.timeoutSeconds (300). */
export const DEFAULT_TIMEOUT_SECONDS = 290;

export interface DeliverResult {
  key: string;
  secret: { kind: SecretSource['kind']; name: string };
  /** host:port */
  host: string;
  file: string;
  remoteName: string;
  remotePath: string;
  bytes: number;
  durationMs: number;
  published: PublishResult;
  staleRemoved: number;
  /** The pinned host key the server proved it holds. */
  hostKey: HostKeyUsed;
  /** SFTP channels that wrote the file (1: in order on one; more: ranges in parallel, far servers only). */
  channels: number;
  /** SSH connections they were on (more than 1 where the server limits channels per connection). */
  connections: number;
  /** Why fewer channels wrote than the push wanted (the server refused more), if so. */
  fallback?: string;
}

/** The delivery's rate in MiB/s (2 decimals), connecting included. */
export function mibPerSecond(r: Pick<DeliverResult, 'bytes' | 'durationMs'>): number {
  return Math.round((r.bytes / (1024 * 1024) / (Math.max(1, r.durationMs) / 1000)) * 100) / 100;
}

export interface DeliverDeps {
  /** Bytes read from FILE so far (called as the file streams out). */
  progress?: (sent: number, total: number) => void;
  phase?: PhaseSink;
  tuning?: PushTuning;
}

/** FILE opened for reading, as one snapshot: its size is the size the remote file must have. */
async function openLocalFile(
  file: string,
): Promise<{ handle: FileHandle; size: number; mtimeMs: number }> {
  // stat first: opening a FIFO for reading would block until a writer comes.
  const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw usageError(
      `cannot read FILE ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      'name a regular file to send',
    );
  });
  if (st.isDirectory())
    throw usageError(`FILE ${file} is a directory`, 'name one regular file to send');
  if (!st.isFile())
    throw usageError(
      `FILE ${file} is not a regular file`,
      'its size must be known before it is sent: copy it to a regular file first',
    );
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw usageError(`cannot read FILE ${file}: ${err.message}`, 'check its permissions');
  });
  const opened = await handle.stat();
  return { handle, size: opened.size, mtimeMs: opened.mtimeMs };
}

/** The remote name, checked exactly as the function checks the file part of a staging key. */
function checkedRemoteName(key: string, name: string, given: boolean): string {
  const parsed = parseStagingKey(`${key}/${name}`);
  if (parsed.ok) return parsed.file;
  throw new SftpgwError(
    'failed',
    `refused to send ${JSON.stringify(name)} to destination ${key}: ${parsed.reason}; nothing was sent (no connection made)`,
    {
      hint: given
        ? 'give --remote-name a plain file name'
        : 'give the remote file a safe name with --remote-name',
    },
  );
}

/** The secret parsed by the function's own parser; problems name the field, never a value. */
async function destinationFrom(source: SecretSource): Promise<Destination> {
  const where =
    source.kind === 'secrets-manager'
      ? `destination secret ${source.name}`
      : source.kind === 'stdin'
        ? 'the secret read from stdin'
        : `secret file ${source.name}`;
  const text = await source.read();
  if (text === undefined)
    throw new SftpgwError('failed', `${where} does not exist`, {
      hint: 'create it with sftpgw destinations put, or give its JSON with --secret-file',
    });
  try {
    return parseDestination(source.name, text);
  } catch (err) {
    if (!(err instanceof DestinationError)) throw err;
    const file = source.kind === 'file' ? source.name : undefined;
    const problems: Problem[] = err.problems.map((p) => {
      const m = /^([A-Za-z][A-Za-z/0-9]*): (.*)$/s.exec(p);
      return m ? { file, field: m[1], message: m[2] } : { file, message: p };
    });
    throw invalidInput(
      `${where} is not a valid destination secret`,
      problems,
      source.kind === 'secrets-manager'
        ? 'fix it with sftpgw destinations put'
        : 'the keys are those sftpgw destinations put stores (docs/outbound.md, "The destination secret")',
    );
  }
}

/** Text with every value of the secret taken out (a last guard: push's messages quote none). */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length))
    if (s) out = out.split(s).join('[redacted]');
  return out;
}

/** Counts the bytes on their way to push(). */
function counting(
  total: number,
  progress: (sent: number, total: number) => void,
  add: (n: number) => number,
): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      progress(add(chunk.length), total);
      done(null, chunk);
    },
  });
}

/** Bytes read per call: a write's worth (OpenSSH takes 255 KiB per SFTP write). */
const READ_BYTES = 256 * 1024;

/**
 * Bytes [start, end) of the open file, read at their offsets. Not a
 * createReadStream of the handle: destroying one of those closes the handle
 * (autoClose only governs the end), which would cut every other range read
 * from it; the body and ranges are destroyed as push() sees fit, the handle
 * is closed here once. A file that shrank yields fewer bytes (push() then
 * fails on the size); one that grew yields only the size it had.
 */
function readRange(handle: FileHandle, start: number, end: number): Readable {
  return Readable.from(
    (async function* () {
      for (let at = start; at < end; ) {
        const want = Math.min(READ_BYTES, end - at);
        const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(want), 0, want, at);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
        at += bytesRead;
      }
    })(),
    { objectMode: false },
  );
}

export async function deliverFile(
  req: DeliverRequest,
  secret: SecretSource,
  deps: DeliverDeps = {},
): Promise<DeliverResult> {
  checkKey(req.key);
  if (!(req.timeoutMs > 0 && req.timeoutMs <= MAX_TIMEOUT_SECONDS * 1000))
    throw usageError(
      `--timeout must be more than 0 and at most ${MAX_TIMEOUT_SECONDS} seconds`,
      'the longest a push function delivery can run; part-file sweeps rely on it',
    );
  const local = await openLocalFile(req.file);
  try {
    const given = req.remoteName !== undefined;
    const remoteName = checkedRemoteName(req.key, req.remoteName ?? path.basename(req.file), given);
    const d = await destinationFrom(secret);
    if (!d.filePattern.matches(remoteName)) {
      throw new SftpgwError(
        'failed',
        `refused to send ${JSON.stringify(remoteName)}: the name does not match the FilePattern of destination ${req.key}; nothing was sent (no connection made)`,
        {
          hint: `send it under a name the pattern matches (--remote-name), or change the pattern (sftpgw destinations put ${req.key} --pattern …)`,
        },
      );
    }
    const host = `${d.host}:${d.port}`;
    // What is delivered, for the part-file name: this file as it is now.
    const deliveryId = createHash('sha256')
      .update(`${path.resolve(req.file)}\0${local.size}\0${local.mtimeMs}`)
      .digest('hex')
      .slice(0, 16);
    const plain = readRange(local.handle, 0, local.size);
    let sent = 0;
    const counted = (stream: Readable): Readable => {
      if (!deps.progress) return stream;
      const counter = counting(local.size, deps.progress, (n) => (sent += n));
      // A read error reaches push() through the counter (pipe() would not pass it on).
      pipeline(stream, counter, () => {});
      return counter;
    };
    const body = counted(plain);
    // Ranges of the same snapshot, for parallel writes (push.ts); progress counts them all.
    const openRange = async (start: number, end: number): Promise<Readable> =>
      counted(readRange(local.handle, start, end));
    deps.phase?.({
      kind: 'delivery',
      host,
      path: `${d.remoteDirectory.replace(/\/+$/, '')}/${remoteName}`,
    });
    const started = Date.now();
    try {
      const r = await push(
        {
          target: d,
          fileName: remoteName,
          body,
          openRange,
          size: local.size,
          deadline: started + req.timeoutMs,
          deliveryId,
          now: req.now,
        },
        deps.tuning ?? DEFAULT_TUNING,
      );
      return {
        key: req.key,
        secret: { kind: secret.kind, name: secret.name },
        host,
        file: req.file,
        remoteName,
        remotePath: r.remotePath,
        bytes: r.bytes,
        durationMs: Date.now() - started,
        published: r.published,
        staleRemoved: r.staleRemoved,
        hostKey: r.hostKey,
        channels: r.channels,
        connections: r.connections,
        ...(r.fallback ? { fallback: r.fallback } : {}),
      };
    } catch (err) {
      const message = scrub((err as Error).message, d.secrets);
      throw new SftpgwError(
        'failed',
        err instanceof PushError && err.kind === 'exists'
          ? `delivery to destination ${req.key} refused: ${message}`
          : `delivery to destination ${req.key} failed: ${message}`,
        { hint: hintFor(err, req.key), cause: err },
      );
    } finally {
      deps.phase?.({ kind: 'local' });
    }
  } finally {
    await local.handle.close().catch(() => {});
  }
}

function hintFor(err: unknown, key: string): string | undefined {
  if (!(err instanceof PushError)) return undefined;
  switch (err.kind) {
    case 'exists':
      return 'the destination says Overwrite "never": the partner must remove or rename their file, or send under another name (--remote-name)';
    case 'auth':
      return "check Username and the key or password with the server's owner";
    case 'timeout':
      return `a larger --timeout (at most ${MAX_TIMEOUT_SECONDS} s; the function has outbound.timeoutSeconds − 10 s)`;
    case 'connect':
      return `check Host and Port, and that nothing blocks the connection (sftpgw destinations test ${key} tries the same with the stored secret)`;
    default:
      return undefined;
  }
}
