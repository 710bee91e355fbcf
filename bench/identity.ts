// The custom identity provider function at n users (run.ts: SFTPGW_BENCH_IDENTITY,
// default 10000): the directory (directoryOf, test/helpers/identity-harness.ts)
// written to moto S3 (versioned, SSE-KMS, over loopback HTTP), then the bundle
// (dist/handler/identity.js as identity.mjs) in fresh Node processes
// (bench/identity-child.ts), as Lambda cold starts are:
//   cold: process start → first answer (Node start, bundle import, S3
//         GetObject of the whole directory, parse, decision), per process
//   warm: the median (and p99) of `warm` key logins in the same process
//         (random users, each from inside its network; the directory cached)
//   password: the median of 20 warm password logins (one scrypt each)
// Lambda's own start (the runtime, the sandbox) and a real S3 round trip are
// not in these figures: loopback moto stands in for S3.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../shared/identity/password-hash.js';
import { directoryOf, loginEvent, startIdentityHarness } from '../test/helpers/identity-harness.js';

export interface IdentityFigures {
  users: number;
  directoryBytes: number;
  /** Per fresh process: ms from process start to the first answer. */
  coldMs: number[];
  /** Of those, the bundle's import and the first invocation alone (median process). */
  importMs: number;
  firstMs: number;
  warmMedianMs: number;
  warmP99Ms: number;
  warmRuns: number;
  passwordMedianMs: number;
  rssMiB: number;
  /** Every login the bench expected to pass did. */
  allAllowed: boolean;
}

/** A key line as ssh-keygen writes one for ed25519 (the function never parses it). */
function keyLine(i: number): string {
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.alloc(4 + type.length + 4 + 32);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(32, 4 + type.length);
  randomBytes(32).copy(blob, 8 + type.length);
  return `ssh-ed25519 ${blob.toString('base64')} user-${i}@partner`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

export async function benchIdentity(
  root: string,
  users: number,
  opts: { warm?: number; processes?: number } = {},
): Promise<IdentityFigures> {
  const warmRuns = opts.warm ?? 200;
  const processes = opts.processes ?? 5;
  const h = await startIdentityHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'sftpgw-bench-identity-'));
  try {
    const directory = directoryOf(users, keyLine) as {
      passwords: boolean;
      users: Record<string, { passwordHash?: string }>;
    };
    // Password logins on, and 20 users with a hash (hashing all 10,000 would take minutes).
    directory.passwords = true;
    const password = 'bench password';
    const hash = await hashPassword(password);
    const names = Object.keys(directory.users);
    const pwUsers = names.slice(0, 20);
    for (const n of pwUsers) directory.users[n].passwordHash = hash;
    const text = JSON.stringify(directory);
    await h.putDirectory(text);

    const bundle = path.join(dir, 'identity.mjs');
    copyFileSync(path.join(root, 'dist', 'handler', 'identity.js'), bundle);
    const ipOf = (name: string) => {
      const i = Number(name.slice(5));
      return `10.${(i >> 8) & 255}.${i & 255}.5`;
    };
    const pick = () => names[Math.floor(Math.random() * names.length)];
    const eventsFile = path.join(dir, 'events.json');
    const child = path.join(path.dirname(new URL(import.meta.url).pathname), 'identity-child.js');
    const samples: Array<{
      importMs: number;
      firstMs: number;
      coldMs: number;
      warmMs: number[];
      passwordMs: number[];
      rssMiB: number;
      allowed: boolean;
    }> = [];
    for (let p = 0; p < processes; p++) {
      const first = pick();
      writeFileSync(
        eventsFile,
        JSON.stringify({
          cold: loginEvent(first, { sourceIp: ipOf(first) }),
          warm: Array.from({ length: warmRuns }, () => {
            const n = pick();
            return loginEvent(n, { sourceIp: ipOf(n) });
          }),
          password: pwUsers.map((n) => loginEvent(n, { sourceIp: ipOf(n), password })),
        }),
      );
      const r = spawnSync(process.execPath, [child, bundle, eventsFile, path.join(dir, 'log')], {
        env: h.env(),
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (r.status !== 0) throw new Error(`identity bench child failed: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as {
        importMs: number;
        firstMs: number;
        firstAllowed: boolean;
        warmMs: number[];
        warmAllowed: number;
        passwordMs: number[];
        passwordAllowed: number;
        rssMiB: number;
        coldMs: number;
      };
      samples.push({
        importMs: out.importMs,
        firstMs: out.firstMs,
        coldMs: out.coldMs,
        warmMs: out.warmMs,
        passwordMs: out.passwordMs,
        rssMiB: out.rssMiB,
        allowed:
          out.firstAllowed &&
          out.warmAllowed === warmRuns &&
          out.passwordAllowed === pwUsers.length,
      });
    }
    const mid = [...samples].sort((a, b) => a.coldMs - b.coldMs)[Math.floor(samples.length / 2)];
    const warm = samples.flatMap((s) => s.warmMs);
    return {
      users,
      directoryBytes: Buffer.byteLength(text),
      coldMs: samples.map((s) => s.coldMs),
      importMs: mid.importMs,
      firstMs: mid.firstMs,
      warmMedianMs: median(mid.warmMs),
      warmP99Ms: quantile(warm, 0.99),
      warmRuns,
      passwordMedianMs: median(samples.flatMap((s) => s.passwordMs)),
      rssMiB: Math.max(...samples.map((s) => s.rssMiB)),
      allAllowed: samples.every((s) => s.allowed),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await h.stop();
  }
}

// Run alone: node dist/bench/identity.js [users]
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const f = await benchIdentity(root, Number(process.argv[2] ?? 10000));
  console.log(JSON.stringify(f, null, 2));
}
