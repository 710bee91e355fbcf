// Writes build output all-or-nothing. Each file is written to a temporary name
// first; only when every file is written are they renamed into place, the
// files they replace kept aside until all renames are done, so a failure at
// any point puts the previous build's files back as they were. A manifest
// (.sftpgw-build.json) records what the last build wrote, so files a previous
// build wrote and this one does not (a child template, template.yaml after
// switching to json) are removed. A build that fails before writing (invalid
// sources) never gets here: the last good output stays as it was.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SftpgwError } from '../errors.js';

export const MANIFEST = '.sftpgw-build.json';

export interface OutputFile {
  name: string;
  content: string;
  /** File mode when not the default (directory.json: 0o600, it holds password hashes). */
  mode?: number;
}

/** What the last successful build wrote to `outDir` (its manifest); [] when none. */
export async function lastBuildFiles(outDir: string): Promise<string[]> {
  try {
    const m = JSON.parse(await readFile(path.join(outDir, MANIFEST), 'utf8')) as {
      files?: unknown;
    };
    return Array.isArray(m.files)
      ? m.files.filter(
          (f): f is string => typeof f === 'string' && !f.includes('/') && !f.includes('\\'),
        )
      : [];
  } catch {
    return [];
  }
}

/** The file operation a write can fail at half-way (tests pass one that fails on demand). */
export interface WriteOps {
  rename(from: string, to: string): Promise<void>;
}
const fsOps: WriteOps = { rename };

/** Renames `from` to `to`; false when `from` does not exist. */
async function moveIfThere(ops: WriteOps, from: string, to: string): Promise<boolean> {
  try {
    await ops.rename(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function writeOutputs(
  outDir: string,
  files: OutputFile[],
  ops: WriteOps = fsOps,
): Promise<string[]> {
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  const all = [...files, { name: MANIFEST, content: '' }];
  const temp = (name: string) => path.join(outDir, name + tag);
  const aside = (name: string) => path.join(outDir, `${name}${tag}.prev`);
  const target = (name: string) => path.join(outDir, name);
  /** Files renamed into place so far, and whether each replaced one (kept aside). */
  const placed: Array<{ name: string; replaced: boolean }> = [];
  let old: string[] = [];
  const names = new Set(files.map((f) => f.name));
  try {
    await mkdir(outDir, { recursive: true });
    old = await lastBuildFiles(outDir);
    all[all.length - 1].content = JSON.stringify({ files: [...names] }, null, 2) + '\n';
    // A new temporary file gets `mode` from its creation on: the content is never readable by others.
    for (const f of all)
      await writeFile(temp(f.name), f.content, f.mode !== undefined ? { mode: f.mode } : {});
    for (const f of all) {
      const replaced = await moveIfThere(ops, target(f.name), aside(f.name));
      placed.push({ name: f.name, replaced });
      await ops.rename(temp(f.name), target(f.name));
    }
  } catch (err) {
    // Back to the previous build's files, then drop the temporary ones.
    for (const p of placed.reverse()) {
      await rm(target(p.name), { force: true }).catch(() => undefined);
      if (p.replaced) await rename(aside(p.name), target(p.name)).catch(() => undefined);
    }
    await Promise.all(all.map((f) => rm(temp(f.name), { force: true })));
    throw new SftpgwError(
      'failed',
      `cannot write build output to ${outDir}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  // Every new file is in place: what it replaced, and what the previous build
  // wrote that this one did not, can go (a leftover is harmless: the manifest
  // no longer lists it).
  for (const p of placed)
    if (p.replaced) await rm(aside(p.name), { force: true }).catch(() => undefined);
  for (const f of old)
    if (!names.has(f)) await rm(target(f), { force: true }).catch(() => undefined);
  return files.map((f) => target(f.name));
}
