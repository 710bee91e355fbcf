// Bundles the three Lambda functions, each into one ESM file (the Lambda
// artifact; `sftpgw package` zips them into one archive):
//   handler/index.ts          → dist/handler/index.js     (push; zipped as index.mjs)
//   handler/ingest/index.ts   → dist/handler/ingest.js    (ingest; zipped as ingest.mjs)
//   handler/identity/index.ts → dist/handler/identity.js  (custom identity provider; identity.mjs)
// Runs after tsc in `npm run build` and replaces tsc's unbundled index.js.
//
// ssh2 tries two optional native addons (cpu-features, sshcrypto.node) inside
// try/catch and falls back to pure JavaScript: both stay external, so the
// require fails cleanly at run time and the pure path is used, as it is in
// development (npm's allowScripts never builds them).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const HANDLER_ENTRY = 'handler/index.ts';
export const HANDLER_BUNDLE = 'dist/handler/index.js';
export const INGEST_ENTRY = 'handler/ingest/index.ts';
export const INGEST_BUNDLE = 'dist/handler/ingest.js';
export const IDENTITY_ENTRY = 'handler/identity/index.ts';
export const IDENTITY_BUNDLE = 'dist/handler/identity.js';

async function bundle(root: string, entry: string, outfile: string): Promise<number> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    external: ['cpu-features', '*.node'],
    // CommonJS dependencies (ssh2 and its emscripten poly1305, parts of the
    // AWS SDK) use require() and __dirname, which an ES module lacks: define them.
    banner: {
      js: [
        "import { createRequire as __sftpgwRequire } from 'node:module';",
        "import { fileURLToPath as __sftpgwPath } from 'node:url';",
        'const require = __sftpgwRequire(import.meta.url);',
        'const __filename = __sftpgwPath(import.meta.url);',
        "const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');",
      ].join(' '),
    },
  });
  return Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
}

/** Every bundle; bytes of each. */
export async function bundleHandler(
  root: string,
): Promise<{ bytes: number; ingestBytes: number; identityBytes: number }> {
  const [bytes, ingestBytes, identityBytes] = await Promise.all([
    bundle(root, HANDLER_ENTRY, HANDLER_BUNDLE),
    bundle(root, INGEST_ENTRY, INGEST_BUNDLE),
    bundle(root, IDENTITY_ENTRY, IDENTITY_BUNDLE),
  ]);
  return { bytes, ingestBytes, identityBytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes, ingestBytes, identityBytes } = await bundleHandler(
    fileURLToPath(new URL('..', import.meta.url)),
  );
  console.log(`${HANDLER_BUNDLE}: ${(bytes / 1024).toFixed(0)} KiB`);
  console.log(`${INGEST_BUNDLE}: ${(ingestBytes / 1024).toFixed(0)} KiB`);
  console.log(`${IDENTITY_BUNDLE}: ${(identityBytes / 1024).toFixed(0)} KiB`);
}
