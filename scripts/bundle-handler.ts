// Bundles the outbound handler into one ESM file, dist/handler/index.js (the
// Lambda artifact; `sftpgw package` zips it as index.mjs). Runs after tsc in
// `npm run build` and replaces tsc's unbundled index.js.
//
// ssh2 tries two optional native addons (cpu-features, sshcrypto.node) inside
// try/catch and falls back to pure JavaScript: both stay external, so the
// require fails cleanly at run time and the pure path is used, as it is in
// development (npm's allowScripts never builds them).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const HANDLER_ENTRY = 'handler/index.ts';
export const HANDLER_BUNDLE = 'dist/handler/index.js';

export async function bundleHandler(root: string): Promise<{ bytes: number }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [HANDLER_ENTRY],
    outfile: HANDLER_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    external: ['cpu-features', '*.node'],
    // CommonJS dependencies (ssh2 and its emscripten poly1305) use require()
    // and __dirname, which an ES module lacks: define them.
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
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes } = await bundleHandler(fileURLToPath(new URL('..', import.meta.url)));
  console.log(`${HANDLER_BUNDLE}: ${(bytes / 1024).toFixed(0)} KiB`);
}
