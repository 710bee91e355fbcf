// Writes build output all-or-nothing. Each file is written to a temporary name
// and renamed into place only after every file has been written. A manifest
// (.sftpgw-build.json) records what the last build wrote, so files a previous
// build wrote and this one does not (a child template, template.yaml after
// switching to json) are removed, and nothing stale is left to deploy.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SftpgwError } from '../errors.js';

export const MANIFEST = '.sftpgw-build.json';

export interface OutputFile {
  name: string;
  content: string;
}

async function previousFiles(outDir: string): Promise<string[]> {
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

export async function writeOutputs(outDir: string, files: OutputFile[]): Promise<string[]> {
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  const temps: string[] = [];
  try {
    await mkdir(outDir, { recursive: true });
    for (const f of files) {
      const tmp = path.join(outDir, f.name + tag);
      temps.push(tmp);
      await writeFile(tmp, f.content);
    }
    const old = await previousFiles(outDir);
    for (let i = 0; i < files.length; i++) await rename(temps[i], path.join(outDir, files[i].name));
    temps.length = 0;
    const names = new Set(files.map((f) => f.name));
    for (const f of old) if (!names.has(f)) await rm(path.join(outDir, f), { force: true });
    await writeFile(
      path.join(outDir, MANIFEST),
      JSON.stringify({ files: files.map((f) => f.name) }, null, 2) + '\n',
    );
    return files.map((f) => path.join(outDir, f.name));
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw new SftpgwError(
      'failed',
      `cannot write build output to ${outDir}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** After a failed build: remove what the last build wrote, so it cannot be deployed as if current. */
export async function removeStaleOutputs(outDir: string): Promise<string[]> {
  const old = await previousFiles(outDir);
  for (const f of old) await rm(path.join(outDir, f), { force: true });
  if (old.length > 0) await rm(path.join(outDir, MANIFEST), { force: true });
  return old;
}
