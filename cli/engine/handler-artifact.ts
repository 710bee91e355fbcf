// The functions' code as the template names it. The bundles ship in this
// package (dist/handler/index.js, the push function, dist/handler/ingest.js,
// the ingest function, built by `npm run build`) and travel in ONE zip, which
// every Lambda function names (Handler index.handler, ingest.handler). The
// template names it by content, so unchanged functions are never updated and
// `sftpgw package` knows the key to upload it under.
//
// dist/handler/identity.js (the custom identity provider, issue 27) is built
// and tested but not zipped yet: the zip is named by a hash over every entry,
// so adding it would make every gateway's next deploy update its push and
// ingest functions for code none of them runs. The round that makes the
// lambda mode selectable adds it (docs/identity-provider.md, checklist).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { invalidInput } from './errors.js';
import { packageRoot } from './paths.js';

export const HANDLER_BUNDLE = path.join(packageRoot, 'dist', 'handler', 'index.js');
export const CODE_KEY_PREFIX = 'sftpgw/handler/';

/** The entries of the zip: its name in the zip, and the bundle's name beside the push bundle. */
export const HANDLER_ENTRIES = [
  { name: 'index.mjs', bundle: 'index.js', what: 'the push function bundle' },
  { name: 'ingest.mjs', bundle: 'ingest.js', what: 'the ingest function bundle' },
] as const;

export interface HandlerArtifact {
  /** The push bundle; the ingest bundle is ingest.js beside it. */
  file: string;
  /** Over every bundle (each entry's name, length and bytes, in order). */
  sha256: string;
  /** S3 key of the zipped functions: sftpgw/handler/<sha256>.zip */
  codeKey: string;
}

/** The bundles to zip, by entry name, read from `file`'s folder. */
export function handlerBundles(
  file = HANDLER_BUNDLE,
): Array<{ name: string; file: string; code: Buffer }> {
  const dir = path.dirname(file);
  return HANDLER_ENTRIES.map((e) => {
    const bundle = e.bundle === 'index.js' ? file : path.join(dir, e.bundle);
    try {
      return { name: e.name, file: bundle, code: readFileSync(bundle) };
    } catch {
      throw invalidInput(`${e.what} is missing`, [
        {
          file: bundle,
          message: 'not found',
          hint: 'build the sftpgw package (npm run build), or turn off what needs the functions (outbound.enabled: false, no downstream)',
        },
      ]);
    }
  });
}

export function handlerArtifact(file = HANDLER_BUNDLE): HandlerArtifact {
  const hash = createHash('sha256');
  for (const b of handlerBundles(file)) {
    hash.update(`${b.name}\0${b.code.length}\0`);
    hash.update(b.code);
  }
  const sha256 = hash.digest('hex');
  return { file, sha256, codeKey: `${CODE_KEY_PREFIX}${sha256}.zip` };
}
