// Preloaded into measured processes (node --import): writes the process's
// peak RSS (KiB, including libjsonnet's native heap) to the file named by
// SFTPGW_BENCH_RUSAGE when the process exits, and its CPU seconds (user +
// system, all threads: libjsonnet runs on the libuv pool) to SFTPGW_BENCH_CPU.
// CPU time moves far less than wall time on a machine other work shares.
//
// On Linux this reads VmHWM (the peak of this process's own address space):
// getrusage's maxRSS survives fork + exec, so a child spawned by a large
// parent reports the parent's size (seen: a 100 MiB push reported as 311 MiB
// after the bench had validated 10,000 users in process).
import { readFileSync, writeFileSync } from 'node:fs';

function peakKiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

const out = process.env.SFTPGW_BENCH_RUSAGE;
if (out) process.on('exit', () => writeFileSync(out, String(peakKiB())));
const cpuOut = process.env.SFTPGW_BENCH_CPU;
if (cpuOut) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(cpuOut, String((u.userCPUTime + u.systemCPUTime) / 1e6));
  });
}
