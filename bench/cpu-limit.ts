// Lambda's CPU share, emulated with a CPU quota. Lambda gives a function CPU
// in proportion to its memory: one vCPU-second per second at 1,769 MB
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html),
// spread over the two vCPUs a function of up to 3,008 MB sees. A CFS bandwidth
// quota on a control group is the same budget: `quota` microseconds of CPU per
// `period`, over all the cores of the machine, for every thread of the
// processes in the group (the JavaScript thread, libuv's pool, V8's GC).
//
// cgroup v2 (`cpu.max` = "<quota> <period>") where the cpu controller is
// there; else cgroup v1's cpu controller (`cpu.cfs_quota_us` and
// `cpu.cfs_period_us`, the same CFS bandwidth control under older names: the
// development machine mounts v1 for cpu and an empty v2 hierarchy). Needs root.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One vCPU's worth of CPU at this memory size (MB). */
export const MB_PER_VCPU = 1769;
const PERIOD_US = 100_000;

export interface CpuLimit {
  /** The vCPUs the memory size buys (memoryMb / 1769). */
  vcpus: number;
  /** Which interface set the quota, for the report. */
  how: string;
  /** A shell prefix that moves the shell into the group before exec'ing the command. */
  enter: string;
  /** Times the group's processes were throttled, and for how long (s), so far. */
  throttled(): { periods: number; throttledPeriods: number; throttledSeconds: number };
  remove(): void;
}

function cgroupRoot(): { version: 1 | 2; dir: string } | string {
  const v2 = '/sys/fs/cgroup';
  try {
    if (readFileSync(path.join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu'))
      return { version: 2, dir: v2 };
  } catch {
    // not a v2 root
  }
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(path.join(v1, 'cpu.cfs_quota_us'))) return { version: 1, dir: v1 };
  return 'neither a cgroup v2 cpu controller at /sys/fs/cgroup nor cgroup v1 cpu at /sys/fs/cgroup/cpu';
}

/** A control group whose processes get the CPU Lambda gives `memoryMb`; throws when none can be made. */
export function lambdaCpuLimit(memoryMb: number): CpuLimit {
  const root = cgroupRoot();
  if (typeof root === 'string')
    throw new Error(`cannot emulate Lambda's CPU share: ${root} (run as root on Linux)`);
  const vcpus = memoryMb / MB_PER_VCPU;
  const quota = Math.round(vcpus * PERIOD_US);
  const dir = path.join(root.dir, `sftpgw-bench-${process.pid}-${memoryMb}`);
  try {
    mkdirSync(dir);
    if (root.version === 2) {
      writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
    } else {
      writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
    }
  } catch (err) {
    throw new Error(
      `cannot emulate Lambda's CPU share: creating ${dir} failed (${(err as Error).message}); the memory bench needs root and a writable cpu cgroup`,
    );
  }
  const how =
    root.version === 2
      ? `cgroup v2 cpu.max "${quota} ${PERIOD_US}"`
      : `cgroup v1 cpu.cfs_quota_us=${quota} cpu.cfs_period_us=${PERIOD_US}`;
  return {
    vcpus,
    how,
    enter: `echo $$ > ${path.join(dir, 'cgroup.procs')} && exec`,
    throttled() {
      const stat = Object.fromEntries(
        readFileSync(path.join(dir, 'cpu.stat'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ') as [string, string]),
      );
      return {
        periods: Number(stat.nr_periods),
        throttledPeriods: Number(stat.nr_throttled),
        // v2: throttled_usec; v1: throttled_time (ns)
        throttledSeconds:
          stat.throttled_usec !== undefined
            ? Number(stat.throttled_usec) / 1e6
            : Number(stat.throttled_time) / 1e9,
      };
    },
    remove() {
      try {
        rmdirSync(dir);
      } catch {
        // still has a process in it (it exits shortly); nothing else to do
      }
    },
  };
}
