// The Lambda artifact as Lambda sees it: each function one file, alone in a
// folder (no node_modules), loaded as index.mjs (push) or ingest.mjs
// (ingest) or identity.mjs (custom identity provider). ssh2's native addons
// must be absent and its pure-JavaScript path must work. The zip the
// functions name holds the push and ingest bundles; the identity bundle joins
// it when the mode is wired in (cli/engine/handler-artifact.ts says why).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { handlerArtifact } from '../../cli/engine/handler-artifact.js';
import { handlerZip } from '../../cli/engine/package/package.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const bundle = path.join(repoRoot, 'dist', 'handler', 'index.js');
const ingestBundle = path.join(repoRoot, 'dist', 'handler', 'ingest.js');
const identityBundle = path.join(repoRoot, 'dist', 'handler', 'identity.js');

/** Module specifiers a bundle imports. */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
}

describe('handler bundle (dist/handler/index.js)', function () {
  after(cleanTempDirs);

  it('imports nothing but Node built-ins', function () {
    const code = readFileSync(bundle, 'utf8');
    const specifiers = importsOf(bundle);
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

describe('identity bundle (dist/handler/identity.js)', function () {
  after(cleanTempDirs);

  it('imports nothing but Node built-ins', function () {
    const specifiers = importsOf(identityBundle);
    expect(specifiers.length).to.be.greaterThan(0);
    for (const s of specifiers) expect(s, `bundle imports ${s}`).to.match(/^node:/);
  });

  it('loads alone as identity.mjs, exports handler, and denies when its environment is incomplete', async function () {
    const dir = tempDir();
    const file = path.join(dir, 'identity.mjs');
    copyFileSync(identityBundle, file);
    const saved = process.env.DIRECTORY_BUCKET;
    delete process.env.DIRECTORY_BUCKET;
    const write = process.stdout.write;
    const out: string[] = [];
    try {
      const { handler } = (await import(pathToFileURL(file).href)) as {
        handler: (e: unknown, c: unknown) => Promise<unknown>;
      };
      process.stdout.write = ((chunk: string) => {
        out.push(String(chunk));
        return true;
      }) as typeof write;
      const answer = await handler(
        { username: 'u', protocol: 'SFTP', serverId: 's-1', sourceIp: '192.0.2.1' },
        { awsRequestId: 'r' },
      );
      process.stdout.write = write;
      expect(answer).to.deep.equal({});
      const line = JSON.parse(out.join('')) as Record<string, unknown>;
      expect(line).to.deep.include({ level: 'error', reason: 'misconfigured' });
      expect(line.problem).to.match(/^DIRECTORY_BUCKET(, .*)? (is|are) not set$/);
    } finally {
      process.stdout.write = write;
      if (saved !== undefined) process.env.DIRECTORY_BUCKET = saved;
    }
  });
});

describe('ingest bundle (dist/handler/ingest.js) and the zip of both', function () {
  after(cleanTempDirs);

  it('imports nothing but Node built-ins', function () {
    const specifiers = importsOf(ingestBundle);
    expect(specifiers.length).to.be.greaterThan(0);
    for (const s of specifiers) expect(s, `bundle imports ${s}`).to.match(/^node:/);
  });

  it('loads alone as ingest.mjs, exports handler, and names a bad INGEST_PREFIX', async function () {
    const dir = tempDir();
    const file = path.join(dir, 'ingest.mjs');
    copyFileSync(ingestBundle, file);
    const saved = process.env.INGEST_PREFIX;
    process.env.INGEST_PREFIX = '/absolute';
    try {
      const { handler } = (await import(pathToFileURL(file).href)) as {
        handler: (e: unknown, c: unknown) => Promise<unknown>;
      };
      expect(handler).to.be.a('function');
      let error: Error | undefined;
      await handler({}, { awsRequestId: 'r' }).catch((e: Error) => {
        error = e;
      });
      expect(error?.message).to.equal(
        'INGEST_PREFIX must be a key prefix such as ingest/, not "/absolute"',
      );
    } finally {
      if (saved === undefined) delete process.env.INGEST_PREFIX;
      else process.env.INGEST_PREFIX = saved;
    }
  });

  it('zips index.mjs and ingest.mjs (the identity bundle has a zip of its own: identity-artifact.unit.test.ts), under 1 MiB, named by a hash over both bundles', async function () {
    const { zip, bundleSha256 } = await handlerZip();
    expect(zip.length, 'the artifact stays under 1 MiB').to.be.below(1024 * 1024);
    const names: string[] = [];
    for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
      const nameLength = zip.readUInt16LE(at + 26);
      names.push(zip.subarray(at + 30, at + 30 + nameLength).toString());
      at += 30 + nameLength + zip.readUInt16LE(at + 28) + zip.readUInt32LE(at + 18);
    }
    expect(names).to.deep.equal(['index.mjs', 'ingest.mjs']);
    expect(handlerArtifact().sha256).to.equal(bundleSha256);

    // A change to either bundle changes the name; a missing ingest bundle is named.
    const dir = tempDir();
    const push = path.join(dir, 'index.js');
    copyFileSync(bundle, push);
    copyFileSync(ingestBundle, path.join(dir, 'ingest.js'));
    expect(handlerArtifact(push).sha256).to.equal(bundleSha256);
    // The identity bundle beside them changes nothing: every gateway's code key stays.
    writeFileSync(path.join(dir, 'identity.js'), `${readFileSync(identityBundle, 'utf8')}\n`);
    expect(handlerArtifact(push).sha256).to.equal(bundleSha256);
    writeFileSync(path.join(dir, 'ingest.js'), `${readFileSync(ingestBundle, 'utf8')}\n`);
    expect(handlerArtifact(push).sha256).not.to.equal(bundleSha256);
    const lonely = path.join(tempDir(), 'index.js');
    copyFileSync(bundle, lonely);
    expect(() => handlerArtifact(lonely)).to.throw(/the ingest function bundle is missing/);
  });
});
