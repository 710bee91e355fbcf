// The push's rate per Lambda memory size. Lambda's CPU follows memory (one
// vCPU at 1,769 MB; cpu-limit.ts), so the same delivery that runs at some rate
// on this machine's free cores runs slower on a 512 MB function. This runs the
// Lambda artifact exactly as the push rows do (push-child.ts: the bundle,
// warm, the object streamed from moto over HTTPS) with the child process in a
// control group whose CPU quota is the share each memory size buys; moto and
// sshd stay outside it, as S3 and the partner's server are on other machines.
// Sizes alternate within each round; every delivered file is checked by SHA-256.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  DeleteObjectTaggingCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto, startSshd, startTogether } from '../test/helpers/servers.js';
import { tempDir } from '../test/helpers/project.js';
import { lambdaCpuLimit, type CpuLimit } from './cpu-limit.js';
import { startDelayProxy, type DelayProxy } from '../test/helpers/delay-proxy.js';
import { BUCKET, PREFIX, randomFile, run, s3Event, sha256, type Timing, timing } from './push.js';
import { selfSignedCert } from './tls-cert.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench

export interface MemoryBenchOptions {
  /** Lambda memory sizes (MB); each becomes a CPU quota of memoryMb / 1769 vCPU. */
  memoryMb: number[];
  /** Loopback size (0: skip). */
  loopbackMiB: number;
  /** Wide-area size (0: skip). */
  wanMiB: number;
  rttMs: number;
  repeat: number;
}

export interface MemoryRow {
  link: 'loopback' | 'wan';
  mib: number;
  rttMs: number;
  memoryMb: number;
  vcpus: number;
  how: string;
  runs: number;
  /** Timed delivery (the second, warm invocation), median and spread. */
  delivery: Timing;
  /** CPU seconds of the timed delivery (median). */
  cpuSeconds: number;
  /** Share of the child's CFS periods in which it was throttled, whole process. */
  throttledShare: number;
}

export async function benchMemory(
  opts: MemoryBenchOptions,
  progress: (line: string) => void = () => {},
): Promise<MemoryRow[]> {
  const dir = tempDir('sftpgw-bench-memory-');
  const tls = selfSignedCert(dir);
  const limits = new Map<number, CpuLimit>();
  const [sshd, moto] = await startTogether(startSshd(), startMoto({ tls }));
  let proxy: DelayProxy | undefined;
  try {
    for (const mb of opts.memoryMb) limits.set(mb, lambdaCpuLimit(mb));
    const client = {
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: {
        accessKeyId: moto.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY,
      },
      requestHandler: { httpsAgent: new https.Agent({ ca: tls.cert }) },
    };
    const s3 = new S3Client({ ...client, forcePathStyle: true });
    const sm = new SecretsManagerClient(client);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const childEnv = {
      ...process.env,
      ...moto.env,
      NODE_EXTRA_CA_CERTS: tls.certFile,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SECRET_PREFIX: PREFIX,
      GATEWAY: 'bench',
    };

    const rows: MemoryRow[] = [];
    const plan = [
      { link: 'loopback' as const, mib: opts.loopbackMiB, rttMs: 0 },
      { link: 'wan' as const, mib: opts.wanMiB, rttMs: opts.rttMs },
    ].filter((p) => p.mib > 0);
    for (const { link, mib, rttMs } of plan) {
      let port = sshd.port;
      if (rttMs > 0) {
        proxy = await startDelayProxy(sshd.port, rttMs);
        port = proxy.port;
      }
      const name = `memory-${link}`;
      const remoteDir = path.join(sshd.root, name);
      mkdirSync(remoteDir);
      await sm.send(
        new CreateSecretCommand({
          Name: `${PREFIX}/${name}`,
          SecretString: JSON.stringify({
            Host: '127.0.0.1',
            Port: port,
            Username: sshd.user,
            PrivateKey: sshd.clientKey.privateKey,
            TrustedHostKeys: [sshd.hostPublicKey],
            RemoteDirectory: remoteDir,
            FilePattern: '.*',
          }),
        }),
      );
      const src = path.join(dir, `${name}.bin`);
      const srcSha = randomFile(src, mib);
      const key = `${name}/object.bin`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: readFileSync(src) }));
      rmSync(src);
      const eventFile = path.join(dir, `${name}-event.json`);
      writeFileSync(eventFile, JSON.stringify(s3Event(key, mib * 1024 * 1024)));
      const warmUpKey = `${name}/warm-up.bin`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: warmUpKey, Body: 'x' }));
      const warmUpFile = path.join(dir, `${name}-warm-up.json`);
      writeFileSync(warmUpFile, JSON.stringify(s3Event(warmUpKey, 1)));

      const seconds = new Map<number, number[]>();
      const cpu = new Map<number, number[]>();
      const throttled = new Map<number, { periods: number; throttledPeriods: number }>();
      for (let i = 0; i < opts.repeat; i++) {
        for (const mb of opts.memoryMb) {
          const limit = limits.get(mb) as CpuLimit;
          progress(
            `memory ${mb} MB (${limit.vcpus.toFixed(2)} vCPU), ${link} ${mib} MiB${rttMs ? `, ${rttMs} ms RTT` : ''}: run ${i + 1} of ${opts.repeat}`,
          );
          for (const k of [key, warmUpKey])
            await s3.send(new DeleteObjectTaggingCommand({ Bucket: BUCKET, Key: k }));
          const resultFile = path.join(dir, 'result.json');
          const before = limit.throttled();
          // sh moves itself into the group, then execs node: every thread the
          // function starts is inside the quota from its first instruction.
          await run(
            '/bin/sh',
            [
              '-c',
              `${limit.enter} "$0" "$@"`,
              process.execPath,
              path.join(here, 'push-child.js'),
              warmUpFile,
              eventFile,
              resultFile,
            ],
            childEnv,
          );
          const after = limit.throttled();
          const result = JSON.parse(readFileSync(resultFile, 'utf8')) as {
            seconds: number;
            cpuSeconds: number;
            outcomes: Array<{ outcome: string }>;
          };
          if (result.outcomes[0]?.outcome !== 'delivered')
            throw new Error(
              `memory bench (${mb} MB, ${link}): the handler did not deliver: ${JSON.stringify(result.outcomes)}`,
            );
          const delivered = path.join(remoteDir, 'object.bin');
          if (sha256(delivered) !== srcSha)
            throw new Error(
              `memory bench (${mb} MB, ${link}): the delivered file differs from the source`,
            );
          rmSync(delivered);
          rmSync(path.join(remoteDir, 'warm-up.bin'));
          seconds.set(mb, [...(seconds.get(mb) ?? []), result.seconds]);
          cpu.set(mb, [...(cpu.get(mb) ?? []), result.cpuSeconds]);
          const t = throttled.get(mb) ?? { periods: 0, throttledPeriods: 0 };
          throttled.set(mb, {
            periods: t.periods + after.periods - before.periods,
            throttledPeriods: t.throttledPeriods + after.throttledPeriods - before.throttledPeriods,
          });
        }
      }
      for (const mb of opts.memoryMb) {
        const limit = limits.get(mb) as CpuLimit;
        const t = throttled.get(mb) as { periods: number; throttledPeriods: number };
        rows.push({
          link,
          mib,
          rttMs,
          memoryMb: mb,
          vcpus: limit.vcpus,
          how: limit.how,
          runs: opts.repeat,
          delivery: timing(seconds.get(mb) as number[]),
          cpuSeconds: timing(cpu.get(mb) as number[]).seconds,
          throttledShare: t.periods ? t.throttledPeriods / t.periods : 0,
        });
      }
      await proxy?.close();
      proxy = undefined;
    }
    return rows;
  } finally {
    await proxy?.close();
    await Promise.all([sshd.stop(), moto.stop()]);
    for (const limit of limits.values()) limit.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
