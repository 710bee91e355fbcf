// Redeploy with nothing changed: the shipped example deployed twice to a moto
// server through the engine, with counting wrappers around the artifact store
// and the CloudFormation adapter (the interfaces deploy takes), so the table
// shows bytes uploaded, change sets executed and API calls per deploy. moto
// runs through the tests' launcher (startMoto), which creates the Transfer
// Family resources moto alone skips; what it still skips is listed in the
// row, so a CREATE_COMPLETE is not taken on trust. The example's DNS record
// needs its hosted zone: it is made in moto first and the example's config
// copied with that zone's id.
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { s3ArtifactStore, type ArtifactStore } from '../cli/adapters/aws/artifact-store.js';
import { cloudFormationClient, s3Client } from '../cli/adapters/aws/clients.js';
import { sdkCloudFormation, type CloudFormationApi } from '../cli/adapters/aws/cloudformation.js';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { build } from '../cli/engine/build.js';
import { deploy } from '../cli/engine/deploy/deploy.js';
import { realClock } from '../cli/engine/deploy/watch.js';
import { packageTemplate } from '../cli/engine/package/package.js';
import { silentReporter } from '../cli/engine/reporter.js';
import { readTemplateFile } from '../cli/engine/template/read.js';
import { createHostedZone } from '../test/helpers/moto-calls.js';
import type { MotoReportEntry } from '../test/helpers/moto-report.js';
import { startMoto } from '../test/helpers/servers.js';

export interface DeployRun {
  seconds: number;
  uploadedBytes: number;
  uploads: number;
  executed: number;
  calls: number;
  outcome: string;
  /** Resources moto reported as skipped, not updated or failed so far. */
  skipped: MotoReportEntry[];
}

function counting<T extends object>(target: T, counts: Map<string, number>): T {
  return new Proxy(target, {
    get(t, prop, recv) {
      const v = Reflect.get(t, prop, recv) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        counts.set(String(prop), (counts.get(String(prop)) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

export async function benchRedeploy(root: string): Promise<DeployRun[]> {
  const moto = await startMoto();
  const saved = { ...process.env };
  const out = mkdtempSync(path.join(tmpdir(), 'sftpgw-bench-deploy-'));
  try {
    Object.assign(process.env, moto.env, {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const zone = await createHostedZone(moto, 'example.com');
    const config = path.join(out, 'sftpgw.yaml');
    writeFileSync(
      config,
      readFileSync(path.join(root, 'sftpgw.yaml'), 'utf8')
        .replace(/^( +hostedZoneId:) Z\w+$/m, `$1 ${zone}`)
        .replace(/^usersDir: .*$/m, `usersDir: ${path.join(root, 'users')}`),
    );
    const s3 = s3Client({ region: 'us-east-1' });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-artifacts' }));
    const built = await build(
      { configFile: config, cwd: root, outDir: path.join(out, 'dist'), environment: {} },
      { jsonnet: libjsonnet, reporter: silentReporter },
    );
    const { template } = await readTemplateFile(built.files[0], 'template.json');
    const runs: DeployRun[] = [];
    for (let i = 0; i < 2; i++) {
      const counts = new Map<string, number>();
      let uploadedBytes = 0;
      let uploads = 0;
      const realStore = s3ArtifactStore(s3, 'bench-artifacts', 'us-east-1');
      const store: ArtifactStore = counting(
        {
          ...realStore,
          put: async (k, b, c) => {
            uploads++;
            uploadedBytes += b.length;
            await realStore.put(k, b, c);
          },
        },
        counts,
      );
      const cfn: CloudFormationApi = counting(
        sdkCloudFormation(cloudFormationClient({ region: 'us-east-1' })),
        counts,
      );
      const t0 = process.hrtime.bigint();
      const packaged = await packageTemplate(
        template,
        { templateDir: out, prefix: 'bench' },
        store,
        silentReporter,
      );
      const result = await deploy(
        {
          stackName: 'bench-example',
          template: packaged.template,
          parameters: {},
          tags: {},
          capabilities: ['CAPABILITY_IAM'],
          allowReplace: [],
          recreateFailed: 'no',
          templatePrefix: 'bench',
          execute: 'yes',
        },
        {
          cfn,
          store,
          reporter: silentReporter,
          clock: { ...realClock, pollMs: 200 },
          confirm: async () => false,
        },
        () => {},
      );
      runs.push({
        seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        uploadedBytes,
        uploads,
        executed: counts.get('executeChangeSet') ?? 0,
        calls: [...counts.values()].reduce((a, b) => a + b, 0),
        outcome: result.kind,
        skipped: moto.report(),
      });
    }
    return runs;
  } finally {
    process.env = saved;
    await moto.stop();
    rmSync(out, { recursive: true, force: true });
  }
}
