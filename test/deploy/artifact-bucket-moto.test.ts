// A missing artifact bucket, against moto as a process: package and deploy
// name the bucket, where its name comes from (artifacts.bucket and its line,
// or --s3-bucket) and what to do, instead of S3's bare NoSuchBucket.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanTempDirs, exampleProject, runCliAsync } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

describe('a missing artifact bucket (moto)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let env: Record<string, string>;

  before(async () => {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  });
  after(async () => {
    await moto?.stop();
    cleanTempDirs();
  });

  /** The example gateway with artifacts.bucket naming a bucket moto does not have. */
  function project(): { dir: string; line: number } {
    const dir = exampleProject();
    const file = path.join(dir, 'sftpgw.yaml');
    const text = `${readFileSync(file, 'utf8')}\nartifacts:\n  bucket: no-such-artifacts\n`;
    writeFileSync(file, text);
    return { dir, line: text.split('\n').indexOf('  bucket: no-such-artifacts') + 1 };
  }

  for (const command of [['package'], ['deploy', '--yes']]) {
    it(`${command[0]}: names the bucket, artifacts.bucket and its line, and what to do`, async () => {
      const { dir, line } = project();
      const r = await runCliAsync([...command, '--no-lint'], { cwd: dir, env });
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr).to.include(
        `the artifact bucket no-such-artifacts does not exist (the name comes from artifacts.bucket in sftpgw.yaml:${line})`,
      );
      expect(r.stderr).to.include(
        'create it (aws s3 mb s3://no-such-artifacts --region us-east-1)',
      );
      expect(r.stderr).to.include('set artifacts.bucket in sftpgw.yaml (or pass --s3-bucket)');
      expect(r.stderr).not.to.match(/AWS refused the request/);
    });
  }

  it('--s3-bucket: the flag is named as where the name comes from', async () => {
    const { dir } = project();
    const r = await runCliAsync(['package', '--no-lint', '--s3-bucket', 'flag-bucket-missing'], {
      cwd: dir,
      env,
    });
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stderr).to.include(
      'the artifact bucket flag-bucket-missing does not exist (the name comes from --s3-bucket)',
    );
  });
});
