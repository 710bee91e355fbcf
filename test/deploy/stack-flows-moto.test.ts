// The stack flows (cli/engine/flows/) read the config once and go on from
// the build in memory: `deploy`, `diff` and `package` print a config warning
// once (it was printed by the build and again by a second load), and
// packaging takes the child templates the build synthesized rather than the
// files it wrote. Against a real moto server on 127.0.0.1.
import { rmSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { s3ArtifactStore } from '../../cli/adapters/aws/artifact-store.js';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { templateInput } from '../../cli/engine/deploy/inputs.js';
import { packageTemplate } from '../../cli/engine/package/package.js';
import { silentReporter } from '../../cli/engine/reporter.js';
import { createHostedZone } from '../helpers/moto-calls.js';
import { cleanTempDirs, exampleProject, runCli } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const ARTIFACTS = 'sftpgw-flows-artifacts';
const WARNING = 'ignoring unknown environment variable SFTPGW_BOGUS';

describe('stack flows: config read once, the build used from memory (moto)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let s3: S3Client;

  before(async function () {
    moto = await startMoto();
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  /** The shipped example, its hosted zone made in moto. */
  async function example(): Promise<string> {
    const dir = exampleProject();
    const zone = await createHostedZone(moto, 'example.com');
    const yaml = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      yaml,
      readFileSync(yaml, 'utf8').replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`),
    );
    return dir;
  }

  const occurrences = (text: string, what: string) => text.split(what).length - 1;

  for (const args of [
    ['deploy', '--no-lint', '--yes', '--s3-bucket', ARTIFACTS],
    ['diff', '--no-lint', '--s3-bucket', ARTIFACTS],
    ['package', '--no-lint', '--s3-bucket', ARTIFACTS],
  ]) {
    it(`SFTPGW_BOGUS=1 sftpgw ${args[0]} warns about the unknown variable once`, async function () {
      const dir = await example();
      const r = runCli(args, {
        cwd: dir,
        env: {
          ...moto.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          SFTPGW_BOGUS: '1',
        },
      });
      expect([0, 3], r.stderr).to.include(r.status);
      expect(occurrences(r.stderr, WARNING), r.stderr).to.equal(1);
    });
  }

  it('packages the child templates the build synthesized, not the files it wrote', async function () {
    const dir = exampleProject();
    appendFileSync(path.join(dir, 'sftpgw.yaml'), '\nuserStacks: 2\n');
    const input = await templateInput(
      { cwd: dir, configFile: path.join(dir, 'sftpgw.yaml') },
      { jsonnet: libjsonnet, reporter: silentReporter },
    );
    expect([...(input.built?.keys() ?? [])].map((f) => path.basename(f))).to.have.length(2);
    // What the build wrote is gone: packaging must not need it.
    rmSync(input.templateDir, { recursive: true, force: true });
    const store = s3ArtifactStore(s3, ARTIFACTS, 'us-east-1', moto.env);
    const packaged = await packageTemplate(
      input.template,
      { templateDir: input.templateDir, prefix: 'flows', built: input.built },
      store,
      silentReporter,
    );
    expect(Object.keys(packaged.children).sort()).to.deep.equal(
      Object.entries(input.template.Resources)
        .filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack')
        .map(([id]) => id)
        .sort(),
    );
    expect(packaged.uploads.filter((u) => u.what.endsWith('child template'))).to.have.length(2);
  });
});
