// Outbound push throughput: the Lambda artifact (the bundled handler, invoked
// with an S3 event in a child process) against OpenSSH's own `sftp -b` put,
// both to the same real sshd with the same cipher (aes128-gcm), alternating,
// in the same run; every delivered file is checked against the source.
//
// The handler reads the object from S3 over HTTPS, as on Lambda: moto behind a
// throwaway self-signed certificate (tls-cert.ts), trusted through
// NODE_EXTRA_CA_CERTS. OpenSSH puts the same bytes from a local file.
//
// Rows: loopback, and wide-area links made by a delay proxy between the SFTP
// client and sshd (test/helpers/delay-proxy.ts) — both clients go through it; S3 does not
// (on Lambda the bucket is in the same region). Each row (size × round trip)
// times, alternating within each run: OpenSSH sftp -b, the handler with its
// defaults (large files over several channels), and the handler with the
// destination's MaxConnections 1 (one channel in order: the earlier path).
// `extras` adds the S3 read alone and push() from a file.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
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
import { startDelayProxy, type DelayProxy } from '../test/helpers/delay-proxy.js';
import { selfSignedCert } from './tls-cert.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
export const BUCKET = 'bench-staging';
export const PREFIX = 'bench';
const CIPHER = 'aes128-gcm@openssh.com';

export interface PushBenchOptions {
  /** Rows: size in MiB and round trip in ms (0: loopback). */
  rows: Array<{ mib: number; rttMs: number }>;
  repeat: number;
  /** Also time the S3 read alone and push() from a file (slower runs). */
  extras: boolean;
}

export interface Timing {
  /** Median, and the spread over the runs. */
  seconds: number;
  min: number;
  max: number;
}

export interface PushRow {
  name: 'loopback' | 'wan';
  mib: number;
  rttMs: number;
  runs: number;
  openssh: Timing;
  handler: Timing & { rssMiB: number; cpuSeconds: number; channels: number };
  /** The handler with MaxConnections 1: one channel, in order. */
  oneChannel: Timing & { rssMiB: number; cpuSeconds: number };
  /** The S3 read alone: what the handler could at best do; moto's time to first byte. */
  s3Read?: Timing & { meanChunkKiB: number; firstByte: Timing };
  /** push() alone (no S3, no handler) from a file in 16 KiB chunks: the SFTP side by itself. */
  streamPush?: Timing & { rssMiB: number };
}

// Asynchronous, never spawnSync: the delay proxy runs in this process's event loop.
export function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      err
        ? reject(
            new Error(`${path.basename(file)} failed: ${err.message}\n${stderr}\n${stdout}`.trim()),
          )
        : resolve(stdout),
    );
  });
}

/** `channels` of the handler's "file delivered" log line for `key`. */
function channelsLogged(stdout: string, key: string): number {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const l = JSON.parse(line) as { outcome?: string; key?: string; channels?: number };
    if (l.outcome === 'delivered' && l.key === key) return l.channels ?? 1;
  }
  throw new Error(`no "file delivered" line for ${key} in the handler's output`);
}

export function timing(xs: number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  return { seconds: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function randomFile(file: string, mib: number): string {
  const fd = openSync(file, 'w');
  const hash = createHash('sha256');
  for (let i = 0; i < mib; i++) {
    const block = randomBytes(1024 * 1024);
    hash.update(block);
    writeSync(fd, block);
  }
  closeSync(fd);
  return hash.digest('hex');
}

export function s3Event(key: string, size: number): unknown {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
          object: { key, size, eTag: 'x', sequencer: '0' },
        },
      },
    ],
  };
}

export async function benchPush(
  opts: PushBenchOptions,
  progress: (line: string) => void = () => {},
): Promise<PushRow[]> {
  const dir = tempDir('sftpgw-bench-push-');
  const tls = selfSignedCert(dir);
  const [sshd, moto] = await startTogether(startSshd(), startMoto({ tls }));
  let proxy: DelayProxy | undefined;
  try {
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
    const keyFile = path.join(dir, 'client_key');
    writeFileSync(keyFile, sshd.clientKey.privateKey, { mode: 0o600 });
    const childEnv = {
      ...process.env,
      ...moto.env,
      NODE_EXTRA_CA_CERTS: tls.certFile,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // The handler's own defaults otherwise: in a warm container the destination
      // read by the warm-up delivery is still cached (DESTINATION_CACHE_SECONDS).
      SECRET_PREFIX: PREFIX,
      GATEWAY: 'bench',
    };

    const rows: PushRow[] = [];
    for (const { mib, rttMs } of opts.rows) {
      const name: PushRow['name'] = rttMs > 0 ? 'wan' : 'loopback';
      const tag = `${name}-${mib}-${rttMs}`;
      let port = sshd.port;
      if (rttMs > 0) {
        proxy = await startDelayProxy(sshd.port, rttMs);
        port = proxy.port;
      }
      const src = path.join(dir, `${tag}.bin`);
      const srcSha = randomFile(src, mib);
      const size = mib * 1024 * 1024;
      // Two destinations on the same server: defaults, and MaxConnections 1.
      const setups: Record<
        'many' | 'one',
        { key: string; remoteDir: string; event: string; warmUp: string; warmKey: string }
      > = {} as never;
      for (const variant of ['many', 'one'] as const) {
        const dest = `${tag}-${variant}`;
        const remoteDir = path.join(sshd.root, dest);
        mkdirSync(remoteDir);
        await sm.send(
          new CreateSecretCommand({
            Name: `${PREFIX}/${dest}`,
            SecretString: JSON.stringify({
              Host: '127.0.0.1',
              Port: port,
              Username: sshd.user,
              PrivateKey: sshd.clientKey.privateKey,
              TrustedHostKeys: [sshd.hostPublicKey],
              RemoteDirectory: remoteDir,
              FilePattern: '.*',
              ...(variant === 'one' ? { MaxConnections: 1 } : {}),
            }),
          }),
        );
        const key = `${dest}/object.bin`;
        // A Buffer body: a stream would be sent aws-chunked with a checksum
        // trailer, which moto decodes in Python at a few MiB/s.
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: readFileSync(src) }));
        const event = path.join(dir, `${dest}-event.json`);
        writeFileSync(event, JSON.stringify(s3Event(key, size)));
        const warmKey = `${dest}/warm-up.bin`;
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: warmKey, Body: 'x' }));
        const warmUp = path.join(dir, `${dest}-warm-up.json`);
        writeFileSync(warmUp, JSON.stringify(s3Event(warmKey, 1)));
        setups[variant] = { key, remoteDir, event, warmUp, warmKey };
      }
      const opensshDir = path.join(sshd.root, `${tag}-openssh`);
      mkdirSync(opensshDir);
      const batch = path.join(dir, `${tag}-batch`);
      writeFileSync(batch, `put ${src} ${path.join(opensshDir, 'openssh.bin')}\n`);

      const check = (file: string, who: string): void => {
        if (sha256(file) !== srcSha)
          throw new Error(`push bench (${tag}): the file ${who} delivered differs from the source`);
        rmSync(file);
      };
      const openssh: number[] = [];
      const handler = { many: [] as number[], one: [] as number[] };
      const cpu = { many: [] as number[], one: [] as number[] };
      const rss = { many: [] as number[], one: [] as number[] };
      let channels = 0;
      const reads: number[] = [];
      const firstBytes: number[] = [];
      const streamed: number[] = [];
      const streamRss: number[] = [];
      let chunkBytes = 0;
      const resultFile = path.join(dir, 'result.json');
      const rssFile = path.join(dir, 'rss');
      const runHandler = async (variant: 'many' | 'one'): Promise<void> => {
        const s = setups[variant];
        // A fresh run each time: the handler skips versions tagged delivered.
        for (const k of [s.key, s.warmKey])
          await s3.send(new DeleteObjectTaggingCommand({ Bucket: BUCKET, Key: k }));
        const stdout = await run(
          process.execPath,
          [
            '--import',
            `file://${path.join(here, 'rusage.js')}`,
            path.join(here, 'push-child.js'),
            s.warmUp,
            s.event,
            resultFile,
          ],
          { ...childEnv, SFTPGW_BENCH_RUSAGE: rssFile },
        );
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as {
          seconds: number;
          cpuSeconds: number;
          outcomes: Array<{ outcome: string }>;
        };
        if (result.outcomes[0]?.outcome !== 'delivered')
          throw new Error(`the handler did not deliver: ${JSON.stringify(result.outcomes)}`);
        handler[variant].push(result.seconds);
        cpu[variant].push(result.cpuSeconds);
        rss[variant].push(Number(readFileSync(rssFile, 'utf8')) / 1024);
        const logged = channelsLogged(stdout, s.key);
        if (variant === 'many') channels = logged;
        else if (logged !== 1) throw new Error(`MaxConnections 1 wrote over ${logged} channels`);
        check(path.join(s.remoteDir, 'object.bin'), `the handler (${variant})`);
        rmSync(path.join(s.remoteDir, 'warm-up.bin'));
      };
      for (let i = 0; i < opts.repeat; i++) {
        progress(
          `push ${mib} MiB${rttMs ? `, ${rttMs} ms RTT` : ', loopback'}: run ${i + 1} of ${opts.repeat}`,
        );
        // Alternate the order too, so neither side always runs first.
        const order =
          i % 2 === 0
            ? (['openssh', 'many', 'one'] as const)
            : (['one', 'many', 'openssh'] as const);
        for (const who of order) {
          if (who !== 'openssh') {
            await runHandler(who);
            continue;
          }
          const t0 = process.hrtime.bigint();
          await run('sftp', [
            '-q',
            '-b',
            batch,
            '-i',
            keyFile,
            '-P',
            String(port),
            '-c',
            CIPHER,
            '-o',
            'StrictHostKeyChecking=no',
            '-o',
            'UserKnownHostsFile=/dev/null',
            '-o',
            'BatchMode=yes',
            `${sshd.user}@127.0.0.1`,
          ]);
          openssh.push(Number(process.hrtime.bigint() - t0) / 1e9);
          check(path.join(opensshDir, 'openssh.bin'), 'OpenSSH sftp');
        }
        if (!opts.extras) continue;

        await run(
          process.execPath,
          [path.join(here, 's3-read-child.js'), BUCKET, setups.many.key, resultFile],
          childEnv,
        );
        const read = JSON.parse(readFileSync(resultFile, 'utf8')) as {
          seconds: number;
          firstByteSeconds: number;
          chunks: number;
          bytes: number;
        };
        reads.push(read.seconds);
        firstBytes.push(read.firstByteSeconds);
        chunkBytes = read.bytes / read.chunks;

        await run(
          process.execPath,
          [
            '--import',
            `file://${path.join(here, 'rusage.js')}`,
            path.join(here, 'stream-push-child.js'),
            src,
            String(port),
            sshd.user,
            keyFile,
            sshd.hostPublicKey,
            setups.many.remoteDir,
            String(16 * 1024),
            resultFile,
          ],
          { ...process.env, SFTPGW_BENCH_RUSAGE: rssFile },
        );
        streamed.push(Number(readFileSync(resultFile, 'utf8')));
        streamRss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
        check(path.join(setups.many.remoteDir, 'stream.bin'), 'push() from a file');
      }
      rmSync(src);
      rows.push({
        name,
        mib,
        rttMs,
        runs: opts.repeat,
        openssh: timing(openssh),
        handler: {
          ...timing(handler.many),
          rssMiB: Math.max(...rss.many),
          cpuSeconds: timing(cpu.many).seconds,
          channels,
        },
        oneChannel: {
          ...timing(handler.one),
          rssMiB: Math.max(...rss.one),
          cpuSeconds: timing(cpu.one).seconds,
        },
        ...(opts.extras
          ? {
              s3Read: {
                ...timing(reads),
                meanChunkKiB: chunkBytes / 1024,
                firstByte: timing(firstBytes),
              },
              streamPush: { ...timing(streamed), rssMiB: Math.max(...streamRss) },
            }
          : {}),
      });
      await proxy?.close();
      proxy = undefined;
    }
    return rows;
  } finally {
    await proxy?.close();
    await Promise.all([sshd.stop(), moto.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
