// The identity function's artifact (cli/engine/handler-artifact.ts
// identityArtifact, package.ts): its own zip holding identity.mjs alone,
// named sftpgw/identity/<sha256 over the bundle>.zip in the template, so the
// push/ingest zip's key never moves with it; `package` uploads it under
// <prefix>/identity/<sha256 of the zip>.zip and refuses a template built by
// another version. The artifact store is an in-memory stand-in for S3 (the
// unit tier runs no server); the moto deploy tests upload through the real one.
import { expect } from 'chai';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ArtifactStore } from '../../cli/adapters/aws/artifact-store.js';
import {
  handlerArtifact,
  IDENTITY_BUNDLE,
  identityArtifact,
} from '../../cli/engine/handler-artifact.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { identityZip, needsPackaging, packageTemplate } from '../../cli/engine/package/package.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { cleanTempDirs, tempDir } from '../helpers/project.js';

function zipEntries(zip: Buffer): string[] {
  const names: string[] = [];
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
    const nameLength = zip.readUInt16LE(at + 26);
    names.push(zip.subarray(at + 30, at + 30 + nameLength).toString());
    at += 30 + nameLength + zip.readUInt16LE(at + 28) + zip.readUInt32LE(at + 18);
  }
  return names;
}

function memoryStore(): ArtifactStore & { objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  return {
    bucket: 'artifacts',
    objects,
    exists: async (k) => objects.has(k),
    put: async (k, body) => {
      objects.set(k, body);
    },
    url: (k) => `https://artifacts.s3.amazonaws.com/${k}`,
  };
}

const template = (codeKey: string): CfnTemplate => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { ArtifactBucket: { Type: 'String' } },
  Resources: {
    IdentityFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Handler: 'identity.handler',
        Code: { S3Bucket: { Ref: 'ArtifactBucket' }, S3Key: codeKey },
      },
    },
  },
});

describe('the identity artifact', () => {
  afterEach(cleanTempDirs);

  it('is its own zip: identity.mjs alone, under 1 MiB, named by the bundle; the handler key does not move with it', async () => {
    const a = identityArtifact();
    expect(a.codeKey).to.equal(`sftpgw/identity/${a.sha256}.zip`);
    const { zip, bundleSha256 } = await identityZip();
    expect(zipEntries(zip)).to.deep.equal(['identity.mjs']);
    expect(zip.length).to.be.below(1024 * 1024);
    expect(bundleSha256).to.equal(a.sha256);

    const dir = tempDir();
    const copy = path.join(dir, 'identity.js');
    copyFileSync(IDENTITY_BUNDLE, copy);
    expect(identityArtifact(copy).sha256).to.equal(a.sha256);
    const handlerKey = handlerArtifact().codeKey;
    writeFileSync(copy, 'export const handler = async () => ({});\n');
    expect(identityArtifact(copy).sha256).to.not.equal(a.sha256);
    expect(handlerArtifact().codeKey).to.equal(handlerKey);
  });

  it('a missing bundle is named, with what to do', () => {
    const missing = path.join(tempDir(), 'identity.js');
    try {
      identityArtifact(missing);
      expect.fail('no error');
    } catch (err) {
      expect(err).to.be.instanceOf(SftpgwError);
      const e = err as SftpgwError;
      expect(e.message).to.match(/the identity function bundle is missing/);
      expect(e.problems[0].file).to.equal(missing);
      expect(e.problems[0].hint).to.match(/npm run build|service-managed/);
    }
  });

  it('package uploads it once under <prefix>/identity/<sha256 of the zip>.zip and points the function there', async () => {
    const { codeKey } = identityArtifact();
    const t = template(codeKey);
    expect(needsPackaging(t)).to.equal(true);
    const store = memoryStore();
    const opts = { templateDir: tempDir(), prefix: 'sftpgw/gw' };
    const first = await packageTemplate(t, opts, store, new RecordingReporter());
    const [key] = [...store.objects.keys()];
    expect(key).to.match(/^sftpgw\/gw\/identity\/[0-9a-f]{64}\.zip$/);
    expect(zipEntries(store.objects.get(key)!)).to.deep.equal(['identity.mjs']);
    expect(first.template.Resources.IdentityFunction.Properties?.Code).to.deep.equal({
      S3Bucket: 'artifacts',
      S3Key: key,
    });
    expect(first.template.Parameters).to.equal(undefined);
    const again = await packageTemplate(t, opts, store, new RecordingReporter());
    expect(again.uploads.map((u) => u.uploaded)).to.deep.equal([false]);
  });

  it('package refuses a template whose identity hash this sftpgw does not ship', async () => {
    const t = template(`sftpgw/identity/${'0'.repeat(64)}.zip`);
    try {
      await packageTemplate(
        t,
        { templateDir: tempDir(), prefix: 'p' },
        memoryStore(),
        new RecordingReporter(),
      );
      expect.fail('no error');
    } catch (err) {
      expect((err as Error).message).to.match(
        /IdentityFunction: the template names identity function 000000000000…, but this sftpgw ships/,
      );
      expect((err as SftpgwError).hint).to.match(/sftpgw build/);
    }
  });
});
