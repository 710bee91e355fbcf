// sftpgw package: put the artifacts a template needs in the artifact bucket
// and write the template that points at them.
//   - the functions: dist/handler/index.js (push) and dist/handler/ingest.js
//     (ingest) zipped as index.mjs and ingest.mjs, key
//     <prefix>/handler/<sha256 of the zip>.zip (the template built with this
//     sftpgw names the bundles' hash: a mismatch means it was built by another
//     version, and is refused rather than deployed with the wrong code);
//   - the identity function (server.identityProvider.type: lambda):
//     dist/handler/identity.js zipped alone as identity.mjs, key
//     <prefix>/identity/<sha256 of the zip>.zip, checked against the
//     template's hash the same way;
//   - child templates (AWS::CloudFormation::Stack with a local TemplateURL),
//     key <prefix>/templates/<sha256>.json, packaged recursively.
// An upload is skipped when its key exists: the key is the content hash.
// For a preview (sftpgw diff) the handler zip is not uploaded at all: its key
// is its content hash, worked out locally, and CloudFormation does not read
// the code to create a change set; child templates it does read.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../../adapters/aws/artifact-store.js';
import { SftpgwError } from '../errors.js';
import {
  CODE_KEY_PREFIX,
  handlerArtifact,
  handlerBundles,
  IDENTITY_CODE_KEY_PREFIX,
  identityArtifact,
  identityBundle,
} from '../handler-artifact.js';
import type { Reporter } from '../reporter.js';
import { deployBody } from '../template/deploy-body.js';
import { readTemplateText } from '../template/read.js';
import type { CfnTemplate } from '../template/types.js';
import { deterministicZip } from './zip.js';

export interface Upload {
  what: string;
  key: string;
  bytes: number;
  /** false when the key already held these bytes. */
  uploaded: boolean;
}

export interface PackageResult {
  template: CfnTemplate;
  uploads: Upload[];
  /** Packaged child templates by the logical id of their stack (the deploy guard reads them). */
  children: Record<string, CfnTemplate>;
}

export interface PackageOptions {
  /** Folder relative TemplateURLs resolve against. */
  templateDir: string;
  prefix: string;
  /** The push bundle to zip, ingest.js beside it (default: this package's dist/handler/index.js). */
  handlerFile?: string;
  /** The identity bundle to zip (default: this package's dist/handler/identity.js). */
  identityFile?: string;
  /** false: name the handler zip by its key without uploading it (a preview). Default true. */
  uploadCode?: boolean;
  /** Child templates already in memory by absolute path (a build's): not read back from disk. */
  built?: ReadonlyMap<string, CfnTemplate>;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** `<prefix>/<rest>`, the prefix without leading or trailing slashes (may be empty). */
export function artifactKey(prefix: string, rest: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p ? `${p}/${rest}` : rest;
}

/** Uploads unless the key exists: keys are content hashes, so same key = same bytes. Returns whether it uploaded. */
export async function storeOnce(
  store: ArtifactStore,
  key: string,
  body: Buffer,
  contentType: string,
): Promise<boolean> {
  if (await store.exists(key)) return false;
  await store.put(key, body, contentType);
  return true;
}

/** The handler zip: index.mjs and ingest.mjs (Lambda loads .mjs as an ES module). */
export async function handlerZip(
  handlerFile?: string,
): Promise<{ zip: Buffer; bundleSha256: string }> {
  const artifact = handlerArtifact(handlerFile);
  return {
    zip: await deterministicZip(
      handlerBundles(artifact.file).map((b) => ({ name: b.name, data: b.code })),
    ),
    bundleSha256: artifact.sha256,
  };
}

/** The identity function's zip: identity.mjs alone. */
export async function identityZip(
  identityFile?: string,
): Promise<{ zip: Buffer; bundleSha256: string }> {
  const artifact = identityArtifact(identityFile);
  const b = identityBundle(artifact.file);
  return {
    zip: await deterministicZip([{ name: b.name, data: b.code }]),
    bundleSha256: artifact.sha256,
  };
}

/** Which artifact a function's S3Key names (built keys only), or undefined. */
function codeArtifact(key: unknown): 'handler' | 'identity' | undefined {
  if (typeof key !== 'string') return undefined;
  if (key.startsWith(CODE_KEY_PREFIX)) return 'handler';
  if (key.startsWith(IDENTITY_CODE_KEY_PREFIX)) return 'identity';
  return undefined;
}

/** Whether the template names artifacts package would upload. */
export function needsPackaging(template: CfnTemplate): boolean {
  return Object.values(template.Resources).some((r) => {
    const p = (r.Properties ?? {}) as Record<string, unknown>;
    if (r.Type === 'AWS::Lambda::Function') {
      return codeArtifact((p.Code as { S3Key?: unknown } | undefined)?.S3Key) !== undefined;
    }
    return (
      r.Type === 'AWS::CloudFormation::Stack' &&
      typeof p.TemplateURL === 'string' &&
      !/^https?:\/\//.test(p.TemplateURL)
    );
  });
}

export async function packageTemplate(
  template: CfnTemplate,
  opts: PackageOptions,
  store: ArtifactStore,
  reporter: Reporter,
): Promise<PackageResult> {
  const uploads: Upload[] = [];
  const children: Record<string, CfnTemplate> = {};
  const key = (rest: string) => artifactKey(opts.prefix, rest);

  const upload = async (
    what: string,
    k: string,
    body: Buffer,
    contentType: string,
  ): Promise<void> => {
    // An interrupted PutObject leaves no object: say so if interrupted here.
    reporter.phase?.({ kind: 'upload', url: `s3://${store.bucket}/${k}` });
    const uploaded = await storeOnce(store, k, body, contentType);
    reporter.phase?.({ kind: 'local' });
    uploads.push({ what, key: k, bytes: body.length, uploaded });
    reporter.progress(
      `${uploaded ? 'uploaded to' : 'already in'} s3://${store.bucket}/${k}: ${what} (${body.length} bytes)`,
    );
  };

  const out = structuredClone(template);
  const zips: Partial<Record<'handler' | 'identity', { zip: Buffer; bundleSha256: string }>> = {};
  for (const [id, r] of Object.entries(out.Resources)) {
    const props = (r.Properties ?? {}) as Record<string, unknown>;
    if (r.Type === 'AWS::Lambda::Function') {
      const code = props.Code as { S3Bucket?: unknown; S3Key?: unknown } | undefined;
      const kind = codeArtifact(code?.S3Key);
      if (kind === undefined) continue;
      const artifact = (zips[kind] ??=
        kind === 'handler'
          ? await handlerZip(opts.handlerFile)
          : await identityZip(opts.identityFile));
      const prefix = kind === 'handler' ? CODE_KEY_PREFIX : IDENTITY_CODE_KEY_PREFIX;
      const built = (code!.S3Key as string).slice(prefix.length).replace(/\.zip$/, '');
      if (built !== artifact.bundleSha256) {
        throw new SftpgwError(
          'failed',
          `${id}: the template names ${kind === 'handler' ? 'handler' : 'identity function'} ${built.slice(0, 12)}…, but this sftpgw ships ${artifact.bundleSha256.slice(0, 12)}…`,
          {
            hint: 'rebuild the template with this sftpgw version (sftpgw build), then package it',
          },
        );
      }
      const k = key(`${kind}/${sha256(artifact.zip)}.zip`);
      if (opts.uploadCode === false)
        reporter.progress(
          `${id} code: s3://${store.bucket}/${k} (not uploaded: a preview only names it)`,
        );
      else await upload(`${id} code`, k, artifact.zip, 'application/zip');
      props.Code = { S3Bucket: store.bucket, S3Key: k };
    } else if (
      r.Type === 'AWS::CloudFormation::Stack' &&
      typeof props.TemplateURL === 'string' &&
      !/^https?:\/\//.test(props.TemplateURL)
    ) {
      const file = path.resolve(opts.templateDir, props.TemplateURL);
      const child = opts.built?.get(file) ?? readTemplateText(await readFile(file, 'utf8'), file);
      const packaged = await packageTemplate(
        child,
        { ...opts, templateDir: path.dirname(file) },
        store,
        reporter,
      );
      uploads.push(...packaged.uploads);
      children[id] = packaged.template;
      const body = Buffer.from(deployBody(packaged.template));
      const k = key(`templates/${sha256(body)}.json`);
      await upload(`${id} child template`, k, body, 'application/json');
      props.TemplateURL = store.url(k);
    }
  }
  // The code location is filled in: the parameter build left for it goes.
  if (
    out.Parameters?.ArtifactBucket &&
    !JSON.stringify(out.Resources).includes('"Ref":"ArtifactBucket"')
  ) {
    delete out.Parameters.ArtifactBucket;
    if (Object.keys(out.Parameters).length === 0) delete out.Parameters;
  }
  return { template: out, uploads, children };
}
