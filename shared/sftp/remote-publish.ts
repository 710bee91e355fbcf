// Publishing a complete, size-checked part file under its final name — the
// last step of the delivery protocol (push.ts). What the final name
// gets depends on the server and the destination's Overwrite policy:
//
//   replace (default), server advertises posix-rename@openssh.com:
//     posix-rename — atomic, replaces whatever holds the name.
//   replace, server without posix-rename (ProFTPD `SFTPExtensions -posixRename`, …):
//     plain rename, atomic for a new name. SFTP's rename refuses an existing
//     target; then an identical file is left alone (outcome "identical"), and
//     a different one is moved aside to a hidden part name, ours renamed in,
//     the old one removed: the one non-atomic step — for a moment the name
//     is absent, never partial. If our rename then fails, the old file is
//     moved back.
//   never: plain rename only, whatever the server supports, so an existing
//     name is never replaced: an identical file is "identical", a different
//     one an `exists` failure (not retried). This relies on the server
//     refusing a plain rename onto an existing name, as the SFTP drafts
//     specify and OpenSSH, ProFTPD and gesftpserver do.
//
// "Identical" means byte for byte: same size, then both files read back and
// compared (only on this path, which a lost tag or a lost race leads to). A
// file we cannot read counts as different.
import type { SFTPWrapper, Stats } from 'ssh2';
import { PushError, errorText } from './push-error.js';
import { sftpCall as call, sftpCode, SFTP_STATUS } from './call.js';
import type { OverwritePolicy } from './connect.js';

export type PublishResult = 'posix-rename' | 'rename' | 'replace' | 'identical';

export interface PublishRequest {
  sftp: SFTPWrapper;
  part: string;
  final: string;
  size: number;
  policy: OverwritePolicy;
  /** host:port, for messages. */
  where: string;
  /** A fresh part-file path in the same directory, to move an existing file aside. */
  sparePath(): string;
}

export function hasExtension(sftp: SFTPWrapper, name: string): boolean {
  const ext = (sftp as unknown as { _extensions?: Record<string, string> })._extensions;
  return ext !== undefined && Object.hasOwn(ext, name);
}

export async function publish(r: PublishRequest): Promise<PublishResult> {
  const { sftp } = r;
  const atomicReplace = r.policy === 'replace' && hasExtension(sftp, 'posix-rename@openssh.com');
  const renameOnto = (): Promise<void> =>
    atomicReplace
      ? call((cb) => sftp.ext_openssh_rename(r.part, r.final, cb as never))
      : call((cb) => sftp.rename(r.part, r.final, cb as never));
  let aside: string | undefined; // the file we moved away from the final name, until ours is in
  const dropAside = async (): Promise<void> => {
    if (aside) await call((cb) => sftp.unlink(aside!, cb as never)).catch(() => {});
    aside = undefined;
  };
  try {
    for (let round = 1; round <= 3; round++) {
      let failure: unknown;
      try {
        await renameOnto();
        await dropAside();
        return round === 1 ? (atomicReplace ? 'posix-rename' : 'rename') : 'replace';
      } catch (err) {
        failure = err;
      }
      const existing = await call<Stats>((cb) => sftp.stat(r.final, cb as never)).catch(
        () => undefined,
      );
      if (!existing) {
        throw new PushError(
          sftpCode(failure) === SFTP_STATUS.PERMISSION_DENIED ? 'permission' : 'io',
          `renaming the temporary file onto ${r.final} on ${r.where} failed: ${errorText(failure)}`,
          { cause: failure },
        );
      }
      if (existing.mode !== undefined && !existing.isFile()) {
        throw new PushError(
          'exists',
          `${r.final} on ${r.where} is not a regular file (a folder?); nothing replaced`,
        );
      }
      if (existing.size === r.size && (await sameContent(sftp, r.part, r.final, r.size))) {
        await dropAside();
        return 'identical';
      }
      if (r.policy === 'never') {
        throw new PushError(
          'exists',
          `${r.final} on ${r.where} already holds a different file and the destination's Overwrite is "never": left as it is`,
        );
      }
      const spare = r.sparePath();
      try {
        await call((cb) => sftp.rename(r.final, spare, cb as never));
      } catch (err) {
        throw new PushError(
          sftpCode(err) === SFTP_STATUS.PERMISSION_DENIED ? 'permission' : 'io',
          `${r.final} on ${r.where} holds a different file and the server refuses to move it aside to replace it (${errorText(err)}); set the destination's Overwrite to "never" to keep existing files`,
          { cause: err },
        );
      }
      await dropAside(); // a concurrent attempt's file, moved aside in an earlier round: ours replaces it
      aside = spare;
    }
    throw new PushError(
      'io',
      `${r.final} on ${r.where} was taken again by another writer three times while replacing it; not renamed`,
    );
  } catch (err) {
    // Put the old file back if ours did not get in (if the name is free).
    if (aside) await call((cb) => sftp.rename(aside!, r.final, cb as never)).catch(() => {});
    throw err;
  }
}

const COMPARE_CHUNK = 32 * 1024;
const COMPARE_IN_FLIGHT = 16;

/** Reads [at, at+length) of an open file; shorter only at end of file. */
async function readFully(
  sftp: SFTPWrapper,
  handle: Buffer,
  at: number,
  length: number,
): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = await call<number>((cb) =>
      sftp.read(handle, buf, got, length - got, at + got, cb as never),
    );
    if (!n) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Byte-for-byte comparison of two remote files of `size` bytes, reads pipelined. False when either cannot be read. */
export async function sameContent(
  sftp: SFTPWrapper,
  a: string,
  b: string,
  size: number,
): Promise<boolean> {
  const handles: Buffer[] = [];
  try {
    for (const p of [a, b])
      handles.push(await call<Buffer>((cb) => sftp.open(p, 'r', cb as never)));
    let next = 0;
    let differs = false;
    const worker = async (): Promise<void> => {
      while (!differs && next < size) {
        const at = next;
        next += COMPARE_CHUNK;
        const len = Math.min(COMPARE_CHUNK, size - at);
        const [x, y] = await Promise.all(handles.map((h) => readFully(sftp, h, at, len)));
        if (x.length !== len || !x.equals(y)) differs = true;
      }
    };
    await Promise.all(Array.from({ length: COMPARE_IN_FLIGHT }, worker));
    return !differs;
  } catch {
    return false;
  } finally {
    for (const h of handles) await call((cb) => sftp.close(h, cb as never)).catch(() => {});
  }
}
