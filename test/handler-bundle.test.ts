// The Lambda artifact as Lambda sees it: one file, alone in a folder (no
// node_modules), loaded as index.mjs. ssh2's native addons must be absent
// and its pure-JavaScript path must work.
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { cleanTempDirs, repoRoot, tempDir } from './helpers/project.js';

const bundle = path.join(repoRoot, 'dist', 'handler', 'index.js');

describe('handler bundle (dist/handler/index.js)', function () {
  after(cleanTempDirs);

  it('imports nothing but Node built-ins', function () {
    const code = readFileSync(bundle, 'utf8');
    const specifiers = [
      ...code.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1] ?? m[2]);
    expect(specifiers.length).to.be.greaterThan(0);
    for (const s of specifiers) expect(s, `bundle imports ${s}`).to.match(/^node:/);
    // ssh2's optional addon stays a require() inside try/catch (never bundled).
    expect(code).to.match(/try\{\w+=\w+\("cpu-features"\)\(\)\}catch\{\}/);
  });

  it('loads alone as index.mjs and exports handler', async function () {
    const dir = tempDir();
    const file = path.join(dir, 'index.mjs');
    copyFileSync(bundle, file);
    const mod = (await import(pathToFileURL(file).href)) as { handler?: unknown };
    expect(mod.handler).to.be.a('function');
  });

  it('refuses to run without SECRET_PREFIX, saying which variable is missing', async function () {
    const dir = tempDir();
    const file = path.join(dir, 'index.mjs');
    copyFileSync(bundle, file);
    const saved = process.env.SECRET_PREFIX;
    delete process.env.SECRET_PREFIX;
    try {
      const { handler } = (await import(pathToFileURL(file).href + '?fresh')) as {
        handler: (e: unknown, c: unknown) => Promise<unknown>;
      };
      let error: Error | undefined;
      await handler(
        { Records: [] },
        { awsRequestId: 'r', getRemainingTimeInMillis: () => 60_000 },
      ).catch((e: Error) => {
        error = e;
      });
      expect(error?.message).to.match(/SECRET_PREFIX is not set/);
    } finally {
      if (saved !== undefined) process.env.SECRET_PREFIX = saved;
    }
  });
});
