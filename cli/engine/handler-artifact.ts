// The functions' code as the template names it. The bundles ship in this
// package (dist/handler/index.js, the push function, dist/handler/ingest.js,
// the ingest function, built by `npm run build`) and travel in ONE zip, which
// every Lambda function names (Handler index.handler, ingest.handler). The
// template names it by content, so unchanged functions are never updated and
// `sftpgw package` knows the key to upload it under.
//
// dist/handler/identity.js (the custom identity provider, issue 27) travels
// in a zip of its OWN (identityArtifact: identity.mjs, key
// sftpgw/identity/<sha256>.zip): the push/ingest zip is named by a hash over
// its entries, so adding it there would make every gateway's next deploy
// update its push and ingest functions for code none of them runs, and a
// change to the identity function would update them too.
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

export const IDENTITY_BUNDLE = path.join(packageRoot, 'dist', 'handler', 'identity.js');
export const IDENTITY_CODE_KEY_PREFIX = 'sftpgw/identity/';
/** The identity artifact's one entry: Handler identity.handler. */
export const IDENTITY_ENTRY = 'identity.mjs';

/** The identity function's bundle (dist/handler/identity.js), or a clear error when it is missing. */
export function identityBundle(file = IDENTITY_BUNDLE): {
  name: string;
  file: string;
  code: Buffer;
} {
  try {
    return { name: IDENTITY_ENTRY, file, code: readFileSync(file) };
  } catch {
    throw invalidInput('the identity function bundle is missing', [
      {
        file,
        message: 'not found',
        hint: 'build the sftpgw package (npm run build), or set server.identityProvider.type: service-managed',
      },
    ]);
  }
}

/**
 * The identity function's artifact (server.identityProvider.type: lambda):
 * sha256 over its one entry (name, length, bytes, as handlerArtifact does),
 * key sftpgw/identity/<sha256>.zip.
 */
export function identityArtifact(file = IDENTITY_BUNDLE): HandlerArtifact {
  const b = identityBundle(file);
  const sha256 = createHash('sha256')
    .update(`${b.name}\0${b.code.length}\0`)
    .update(b.code)
    .digest('hex');
  return { file, sha256, codeKey: `${IDENTITY_CODE_KEY_PREFIX}${sha256}.zip` };
}
