// The push rows of the bench table (run.ts), selected by environment:
//   SFTPGW_BENCH_PUSH_MIB=512 loopback size (0: skip)
//   SFTPGW_BENCH_WAN_MIB=64,1024 wide-area sizes (empty: skip)
//   SFTPGW_BENCH_WAN_RTT_MS=50,150 round trips (every size at every one)
//   SFTPGW_BENCH_PUSH_REPEAT=3  SFTPGW_BENCH_PUSH_EXTRAS=1 (S3 read and push() alone)
// `node dist/bench/push-rows.js` prints only these rows.
import { fileURLToPath } from 'node:url';
import { benchPush, type PushRow } from './push.js';

const list = (v: string | undefined, fallback: number[]): number[] =>
  v === undefined
    ? fallback
    : v
        .split(',')
        .filter(Boolean)
        .map(Number)
        .filter((n) => n > 0);

export async function pushRows(env: NodeJS.ProcessEnv): Promise<string[][]> {
  const loopback = Number(env.SFTPGW_BENCH_PUSH_MIB ?? 512);
  const wan = list(env.SFTPGW_BENCH_WAN_MIB, [64, 1024]);
  const rtts = list(env.SFTPGW_BENCH_WAN_RTT_MS, [50, 150]);
  const plan = [
    ...(loopback > 0 ? [{ mib: loopback, rttMs: 0 }] : []),
    ...wan.flatMap((mib) => rtts.map((rttMs) => ({ mib, rttMs }))),
  ];
  if (plan.length === 0) return [];
  const result = await benchPush(
    {
      rows: plan,
      repeat: Number(env.SFTPGW_BENCH_PUSH_REPEAT ?? 3),
      extras: env.SFTPGW_BENCH_PUSH_EXTRAS === '1',
    },
    (line) => console.error(`bench: ${line}`),
  );
  return result.flatMap(rowsOf);
}

function rowsOf(p: PushRow): string[][] {
  const link = p.rttMs ? `${p.rttMs} ms RTT (delay proxy)` : 'loopback';
  const secs = (t: { seconds: number; min: number; max: number }) =>
    `${t.seconds.toFixed(2)} (${(p.mib / t.seconds).toFixed(0)} MiB/s; ${t.min.toFixed(2)}–${t.max.toFixed(2)} over ${p.runs})`;
  const vs = (t: { seconds: number }) => `${(p.openssh.seconds / t.seconds).toFixed(2)}× OpenSSH`;
  const rows: string[][] = [];
  if (p.s3Read)
    rows.push([
      `S3 GetObject alone, ${p.mib} MiB over HTTPS from moto, ${p.s3Read.meanChunkKiB.toFixed(0)} KiB chunks, first byte after ${p.s3Read.firstByte.seconds.toFixed(2)} s (the handler's source)`,
      '—',
      secs(p.s3Read),
      '—',
      '',
      '',
    ]);
  rows.push([
    `OpenSSH sftp -b put, ${p.mib} MiB from a file, aes128-gcm, ${link} (baseline)`,
    '—',
    secs(p.openssh),
    '—',
    '',
    '',
  ]);
  rows.push([
    `handler bundle (warm), ${p.mib} MiB from S3 over HTTPS, defaults (${p.handler.channels} channels), aes128-gcm, ${link}; CPU ${p.handler.cpuSeconds.toFixed(2)} s`,
    '—',
    secs(p.handler),
    p.handler.rssMiB.toFixed(0),
    vs(p.handler),
    p.rttMs === 50 && p.mib === 64 ? '≥ 2× OpenSSH' : p.rttMs ? '' : '≥ 0.8× OpenSSH, ≤ 160 MiB',
  ]);
  rows.push([
    `handler bundle (warm), same, MaxConnections 1 (one channel in order), ${link}; CPU ${p.oneChannel.cpuSeconds.toFixed(2)} s`,
    '—',
    secs(p.oneChannel),
    p.oneChannel.rssMiB.toFixed(0),
    vs(p.oneChannel),
    '',
  ]);
  if (p.streamPush)
    rows.push([
      `handler push() alone (no S3), ${p.mib} MiB from a file in 16 KiB chunks (ranges for parallel channels), ${link}`,
      '—',
      secs(p.streamPush),
      p.streamPush.rssMiB.toFixed(0),
      vs(p.streamPush),
      '',
    ]);
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const header = ['what', '', 'seconds (rate; min–max)', 'peak RSS MiB', 'vs', 'target'];
  for (const r of [header, ...(await pushRows(process.env))]) console.log(`| ${r.join(' | ')} |`);
}
