// npm run bench: wall time and peak RSS of whole `sftpgw build` processes on
// generated gateways, against the naive layout measured in the same run (these
// machines are noisy: compare within a run, not across runs).
// Then validation layers vs cfn-lint, push throughput vs OpenSSH, the Lambda
// artifact and a deploy/redeploy of the example to moto.
//   SFTPGW_BENCH_SIZES=100,1000,10000  SFTPGW_BENCH_NAIVE=100,1000  SFTPGW_BENCH_REPEAT=3
//   SFTPGW_BENCH_VALIDATE=1000,10000  SFTPGW_BENCH_DEPLOY=0 (skip)
//   push rows: SFTPGW_BENCH_PUSH_MIB=512 (loopback; 0: skip)  SFTPGW_BENCH_WAN_MIB=64,1024
//     (sizes; empty: skip)  SFTPGW_BENCH_WAN_RTT_MS=50,150 (every size at every round trip)
//     SFTPGW_BENCH_PUSH_REPEAT=3  SFTPGW_BENCH_PUSH_EXTRAS=1 (also the S3 read and push() alone)
//   an empty list skips that part: SFTPGW_BENCH_SIZES= SFTPGW_BENCH_NAIVE= …
//   SFTPGW_BENCH_MEMORY=512,1024,1769,3008: the push per Lambda memory size, the
//     handler in a CPU-quota cgroup of memory/1769 vCPU (root; off by default)
//     SFTPGW_BENCH_MEMORY_MIB=256 (loopback)  SFTPGW_BENCH_MEMORY_WAN_MIB=64
//     SFTPGW_BENCH_MEMORY_REPEAT=3 (RTT: SFTPGW_BENCH_WAN_RTT_MS)
//   SFTPGW_BENCH_SNOWFLAKE=1000:150: a gateway of 1,000 users whose
//     downstream.snowflake.users names 150 (its build is refused: the Snowflake
//     role's policy is over IAM's quota); its largest role policy and build time
//   SFTPGW_BENCH_IDENTITY=10000: the identity provider function at that many
//     users (cold start in fresh processes, warm median of 200 logins; empty: skip)
//   SFTPGW_BENCH_DIRECTORY=10000: the identity provider's directory of that many
//     users: bytes, gzip bytes, time to make it from the build's render (and to parse it)
//   SFTPGW_BENCH_IDENTITY_BUILD=10000: `sftpgw build --no-lint` (whole process) of a
//     gateway with server.identityProvider.type lambda and that many users: no
//     user resources, no child stacks, the directory written beside the template
//   SFTPGW_BENCH_BASELINE=<git rev>: each build size also runs that revision's
//     build, alternating with ours, and reports both (see baseline.ts)
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeUsers } from './users.js';
import { benchValidation } from './validate.js';
import { benchMemory } from './memory.js';
import { pushRows } from './push-rows.js';
import { handlerZip, identityZip } from '../cli/engine/package/package.js';
import { handlerBundles, identityBundle } from '../cli/engine/handler-artifact.js';
import { benchRedeploy } from './deploy.js';
import { prepareBaseline } from './baseline.js';
import { largestRolePolicy, snowflakeProject } from './snowflake-users.js';
import { benchIdentity } from './identity.js';
import { benchDirectory } from './identity-directory.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = path.resolve(here, '..', '..');
const bin = path.join(root, 'bin', 'sftpgw.js');
const rusage = path.join(here, 'rusage.js');
const list = (v: string | undefined, d: number[]) =>
  v === undefined ? d : v.split(',').filter(Boolean).map(Number); // '' = none
const sizes = list(process.env.SFTPGW_BENCH_SIZES, [100, 1000, 10000]);
const naiveSizes = list(process.env.SFTPGW_BENCH_NAIVE, [100, 1000]);
const repeat = Number(process.env.SFTPGW_BENCH_REPEAT ?? 3);

interface Sample {
  seconds: number;
  rssMiB: number;
  cpuSeconds: number;
  ok: boolean;
  note?: string;
}

function measure(args: string[], cwd: string): Sample {
  const rdir = mkdtempSync(path.join(tmpdir(), 'sftpgw-rusage-'));
  const rfile = path.join(rdir, 'rss');
  const cfile = path.join(rdir, 'cpu');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', `file://${rusage}`, ...args], {
    cwd,
    env: { ...process.env, SFTPGW_BENCH_RUSAGE: rfile, SFTPGW_BENCH_CPU: cfile, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssMiB = NaN;
  let cpuSeconds = NaN;
  try {
    rssMiB = Number(readFileSync(rfile, 'utf8')) / 1024;
    cpuSeconds = Number(readFileSync(cfile, 'utf8'));
  } catch {
    /* killed before exit */
  }
  rmSync(rdir, { recursive: true, force: true });
  const ok = r.status === 0;
  return {
    seconds,
    rssMiB,
    cpuSeconds,
    ok,
    note: ok ? undefined : (r.stderr || `signal ${r.signal}`).split('\n').slice(-3).join(' '),
  };
}

function median(samples: Sample[]): Sample {
  const s = [...samples].sort((a, b) => a.seconds - b.seconds);
  const m = s[Math.floor(s.length / 2)];
  const cpu = samples.map((x) => x.cpuSeconds).sort((a, b) => a - b);
  return {
    ...m,
    rssMiB: Math.max(...samples.map((x) => x.rssMiB)),
    cpuSeconds: cpu[Math.floor(cpu.length / 2)],
  };
}

/** Over 400 users the users go to 32 child stacks (nested), as a real gateway of that size would. */
function project(users: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sftpgw-bench-${users}-`));
  writeFileSync(
    path.join(dir, 'sftpgw.yaml'),
    `stackName: bench\n${users > 400 ? 'userStacks: 32\n' : ''}`,
  );
  writeUsers(path.join(dir, 'users'), users);
  return dir;
}

const rows: string[][] = [];
const row = (figure: string, users: number | string, s: Sample, baseline?: Sample, target = '') => {
  const vs = baseline?.ok && s.ok ? `${(baseline.seconds / s.seconds).toFixed(1)}× faster` : '';
  rows.push([
    figure,
    String(users),
    s.ok ? s.seconds.toFixed(2) + (s.note ? ` (${s.note})` : '') : `failed: ${s.note}`,
    Number.isNaN(s.rssMiB) ? '—' : s.rssMiB.toFixed(0),
    vs,
    target,
  ]);
};

console.error(
  `bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
);

// The shipped example, whole process.
const example = median(
  Array.from({ length: Math.max(repeat, 5) }, () =>
    measure([bin, 'build', '--no-lint', '--out', mkdtempSync(path.join(tmpdir(), 'o-'))], root),
  ),
);
row('example build (3 users), whole process', 3, example, undefined, '≤ 0.5 s');

const naive = new Map<number, Sample>();
for (const n of naiveSizes) {
  const dir = project(n);
  console.error(`bench: naive layout, ${n} users…`);
  naive.set(n, measure([path.join(here, 'naive.js'), dir, path.join(dir, 'naive.json')], dir));
  row('naive layout (main file imports each user file)', n, naive.get(n)!);
  rmSync(dir, { recursive: true, force: true });
}
const baseline = process.env.SFTPGW_BENCH_BASELINE
  ? prepareBaseline(process.env.SFTPGW_BENCH_BASELINE, root)
  : undefined;
for (const n of sizes) {
  const dir = project(n);
  console.error(
    `bench: sftpgw build, ${n} users${baseline ? `, alternating with ${baseline.rev}` : ''}…`,
  );
  const runs = n >= 10000 && !baseline ? Math.min(repeat, 2) : repeat;
  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const both = [
      () => ours.push(measure([bin, 'build', '--no-lint', '--out', path.join(dir, 'out')], dir)),
      () =>
        theirs.push(
          measure(
            [baseline!.bin, 'build', '--no-lint', '--out', path.join(dir, 'out-baseline')],
            dir,
          ),
        ),
    ];
    if (!baseline) both[0]();
    else for (const f of i % 2 === 0 ? both : [...both].reverse()) f();
  }
  const s = median(ours);
  const label = `sftpgw build + validate, no cfn-lint${n > 400 ? ' (32 child stacks)' : ''}`;
  row(
    label,
    n,
    s,
    naive.get(n),
    n === 1000 ? '≤ 0.6 s, ≥ 20× naive' : n === 10000 ? '≤ 3 s, ≤ 1024 MiB' : '',
  );
  if (baseline) {
    const b = median(theirs);
    row(`${label}, baseline ${baseline.rev}`, n, b);
    const pct = (x: number, y: number) => `${x >= y ? '+' : ''}${((x / y - 1) * 100).toFixed(1)} %`;
    rows.push([
      `this tree vs baseline: median wall ${pct(s.seconds, b.seconds)}, median CPU ${pct(s.cpuSeconds, b.cpuSeconds)} (${s.cpuSeconds.toFixed(2)} s vs ${b.cpuSeconds.toFixed(2)} s), over ${runs} alternating runs`,
      String(n),
      pct(s.seconds, b.seconds),
      pct(s.rssMiB, b.rssMiB),
      '',
      '≤ +10 %',
    ]);
  }
  rmSync(dir, { recursive: true, force: true });
}
baseline?.remove();

for (const spec of (process.env.SFTPGW_BENCH_SNOWFLAKE ?? '1000:150').split(',').filter(Boolean)) {
  const [n, named] = spec.split(':').map(Number);
  const dir = snowflakeProject(n, named);
  console.error(`bench: sftpgw build, ${n} users, ${named} named for Snowflake…`);
  const p = await largestRolePolicy(dir);
  const s = median(
    Array.from({ length: repeat }, () =>
      measure([bin, 'build', '--no-lint', '--out', path.join(dir, 'out')], dir),
    ),
  );
  // Refused for the quota is the expected outcome over 10,240: report its time, not "failed".
  const refused = !s.ok && p.worstCase > 10_240;
  row(
    `sftpgw build, no cfn-lint, downstream.snowflake.users naming ${named}${refused ? ', refused: iam/role-policy-size' : ''}; largest role policy ${p.role} ${p.policy}: ${p.rendered} characters as rendered, ${p.worstCase} at worst case (IAM: 10,240)`,
    n,
    refused ? { ...s, ok: true, note: undefined } : s,
  );
  rmSync(dir, { recursive: true, force: true });
}

for (const n of list(process.env.SFTPGW_BENCH_DIRECTORY, [10000])) {
  console.error(`bench: identity directory, ${n} users…`);
  const d = await benchDirectory(n, repeat);
  rows.push([
    `identity directory (format v1) from the build's render: ${d.bytes.toLocaleString('en')} bytes, ${d.gzipBytes.toLocaleString('en')} gzipped; time to make it (the render before it: ${(d.renderMs / 1000).toFixed(2)} s; parseDirectory of it: ${d.parseMs.toFixed(0)} ms)`,
    String(n),
    (d.ms / 1000).toFixed(3),
    '—',
    '',
    '',
  ]);
}

for (const n of list(process.env.SFTPGW_BENCH_IDENTITY_BUILD, [10000])) {
  const dir = mkdtempSync(path.join(tmpdir(), `sftpgw-bench-lambda-${n}-`));
  writeFileSync(
    path.join(dir, 'sftpgw.yaml'),
    'stackName: bench\nserver:\n  identityProvider:\n    type: lambda\n',
  );
  writeUsers(path.join(dir, 'users'), n);
  console.error(`bench: sftpgw build, lambda identity provider, ${n} users…`);
  const out = path.join(dir, 'out');
  const s = median(
    Array.from({ length: repeat }, () => measure([bin, 'build', '--no-lint', '--out', out], dir)),
  );
  let bytes = 0;
  try {
    bytes = readFileSync(path.join(out, 'directory.json')).length;
  } catch {
    /* the build failed: the row says so */
  }
  row(
    `sftpgw build, no cfn-lint, server.identityProvider.type lambda (no user resources, no child stacks; directory.json ${bytes.toLocaleString('en')} bytes)`,
    n,
    s,
    undefined,
    '≤ 2 s',
  );
  rmSync(dir, { recursive: true, force: true });
}

const validationSizes = list(process.env.SFTPGW_BENCH_VALIDATE, [1000, 10000]);
for (const v of await benchValidation(validationSizes, 1000, repeat)) {
  const vs = v.lintSeconds ? `${(v.lintSeconds / v.seconds).toFixed(0)}× faster than cfn-lint` : '';
  const where = v.templates > 1 ? ` in ${v.templates} templates` : '';
  rows.push([
    `schema + semantic + baseline checks, ${v.resources} resources${where} (first run in process ${v.firstSeconds.toFixed(2)} s; cold, fresh process ${v.coldSeconds.toFixed(2)} s)`,
    String(v.users),
    v.seconds.toFixed(3),
    '—',
    vs,
    v.users >= 10000 ? '≤ 0.2 s' : '≥ 20× cfn-lint',
  ]);
  if (v.lintSeconds)
    rows.push([
      `cfn-lint -c I, same templates`,
      String(v.users),
      v.lintSeconds.toFixed(2),
      '—',
      '',
      '',
    ]);
}

rows.push(...(await pushRows(process.env)));
const memorySizes = list(process.env.SFTPGW_BENCH_MEMORY, []);
if (memorySizes.length > 0) {
  const memoryRows = await benchMemory(
    {
      memoryMb: memorySizes,
      loopbackMiB: Number(process.env.SFTPGW_BENCH_MEMORY_MIB ?? 256),
      wanMiB: Number(process.env.SFTPGW_BENCH_MEMORY_WAN_MIB ?? 64),
      rttMs: Number(list(process.env.SFTPGW_BENCH_WAN_RTT_MS, [50])[0]),
      repeat: Number(process.env.SFTPGW_BENCH_MEMORY_REPEAT ?? 3),
    },
    (line) => console.error(`bench: ${line}`),
  );
  for (const m of memoryRows) {
    const link = m.rttMs ? `${m.rttMs} ms RTT (delay proxy)` : 'loopback';
    const t = m.delivery;
    rows.push([
      `handler bundle (warm) at Lambda ${m.memoryMb} MB (${m.vcpus.toFixed(2)} vCPU: ${m.how}), ${m.mib} MiB from S3 over HTTPS, ${link}; CPU ${m.cpuSeconds.toFixed(2)} s, throttled in ${(m.throttledShare * 100).toFixed(0)} % of periods`,
      '—',
      `${t.seconds.toFixed(2)} (${(m.mib / t.seconds).toFixed(1)} MiB/s; ${(m.mib / t.max).toFixed(1)}–${(m.mib / t.min).toFixed(1)} over ${m.runs})`,
      '—',
      '',
      '',
    ]);
  }
}
for (const n of list(process.env.SFTPGW_BENCH_IDENTITY, [10000])) {
  console.error(`bench: identity provider function, ${n} users…`);
  const f = await benchIdentity(root, n);
  const cold = [...f.coldMs].sort((a, b) => a - b);
  const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
  const failed = f.allAllowed ? '' : ' (SOME EXPECTED LOGINS WERE DENIED)';
  rows.push([
    `identity function, cold: process start → first answer (import ${ms(f.importMs)}, first login ${ms(f.firstMs)}: GetObject of the ${(f.directoryBytes / 2 ** 20).toFixed(1)} MiB directory from loopback moto + parse), median of ${cold.length} fresh processes${failed}`,
    String(n),
    `${(cold[Math.floor(cold.length / 2)] / 1000).toFixed(3)} (${cold.map((c) => c.toFixed(0)).join(', ')} ms)`,
    f.rssMiB.toFixed(0),
    '',
    '',
  ]);
  rows.push([
    `identity function, warm key login: median of ${f.warmRuns} (p99 ${ms(f.warmP99Ms)}); warm password login (scrypt): median ${ms(f.passwordMedianMs)}`,
    String(n),
    (f.warmMedianMs / 1000).toFixed(5),
    '—',
    '',
    '',
  ]);
}

const { zip } = await handlerZip();
const bundles = handlerBundles(path.join(root, 'dist', 'handler', 'index.js'));
rows.push([
  `Lambda artifact: the zip sftpgw package uploads (${bundles.map((b) => b.name).join(' + ')}: push and ingest functions)`,
  '—',
  `${(zip.length / 1024).toFixed(0)} KiB (${bundles.map((b) => `${b.name} ${(b.code.length / 1024).toFixed(0)} KiB`).join(', ')} unzipped)`,
  '—',
  '',
  '≤ 1024 KiB, one bundled file per function',
]);
const identity = await identityZip();
rows.push([
  `identity artifact: the zip sftpgw package uploads for a lambda gateway (identity.mjs alone, sftpgw/identity/<sha256>.zip)`,
  '—',
  `${(identity.zip.length / 1024).toFixed(0)} KiB (${(identityBundle().code.length / 1024).toFixed(0)} KiB unzipped)`,
  '—',
  '',
  '≤ 1024 KiB',
]);

/** "9 resources (S3::BucketPolicy ×3, …)": what moto did not create, by type. */
function skippedTypes(skipped: { type: string }[]): string {
  if (skipped.length === 0) return 'nothing';
  const byType = new Map<string, number>();
  for (const s of skipped) byType.set(s.type, (byType.get(s.type) ?? 0) + 1);
  const types = [...byType].map(([t, n]) => `${t.replace(/^AWS::/, '')}${n > 1 ? ` ×${n}` : ''}`);
  return `${skipped.length} resources (${types.join(', ')})`;
}

if (process.env.SFTPGW_BENCH_DEPLOY !== '0') {
  console.error('bench: deploy the example to moto, twice…');
  const [first, second] = await benchRedeploy(root);
  const describe = (r: typeof first) =>
    `${r.seconds.toFixed(2)} (${r.outcome}; ${r.uploads} upload${r.uploads === 1 ? '' : 's'}, ${r.uploadedBytes} bytes; ${r.executed} change set${r.executed === 1 ? '' : 's'} executed; ${r.calls} API calls; moto skipped ${skippedTypes(r.skipped)})`;
  rows.push([
    'deploy the example to moto (package + change set + execute)',
    '3',
    describe(first),
    '—',
    '',
    '',
  ]);
  rows.push([
    'redeploy with nothing changed',
    '3',
    describe(second),
    '—',
    '',
    '0 bytes uploaded, no change set executed',
  ]);
}

const header = ['figure', 'users', 'wall (s)', 'peak RSS (MiB)', 'vs naive', 'target'];
const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
console.log(lines.join('\n'));
