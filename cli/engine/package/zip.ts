// Deterministic zip archives: the same files give the same bytes, on any
// machine and at any time (fixed DOS timestamp, no extended-time field, fixed
// mode, entries sorted), so a content hash names an artifact and an unchanged
// handler is never uploaded again.
import yazl from 'yazl';

// 1980-01-01 00:00, the earliest DOS time. Built and read in local time by
// yazl, so the stored fields are the same in every time zone.
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export function deterministicZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    zip.addBuffer(e.data, e.name, {
      mtime: FIXED_TIME,
      mode: FILE_MODE,
      compress: true,
      forceDosTimestamp: true,
    } as yazl.Options);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
