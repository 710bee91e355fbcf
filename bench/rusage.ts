// Preloaded into measured processes (node --import): writes the process's
// peak RSS (KiB, including libjsonnet's native heap) to the file named by
// SFTPGW_BENCH_RUSAGE when the process exits.
import { writeFileSync } from 'node:fs';

const out = process.env.SFTPGW_BENCH_RUSAGE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
