// The identity provider's directory (issue 27) of a generated gateway: its
// size as written (compact JSON) and gzipped, and the time to make it from a
// build's render (directoryFromUsers on synthesize's users and templates; the
// render itself is the build's, timed beside it for scale).
//   node dist/bench/identity-directory.js 10000
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { directoryFromUsers } from '../cli/engine/identity/directory-from-users.js';
import { silentReporter } from '../cli/engine/reporter.js';
import { synthesize } from '../cli/engine/synthesize.js';
import { parseDirectory } from '../shared/identity/directory.js';
import { writeUsers } from './users.js';

export interface DirectoryFigure {
  users: number;
  bytes: number;
  gzipBytes: number;
  /** Median of `repeat` runs of directoryFromUsers (render not included). */
  ms: number;
  /** synthesize (config, user files, jsonnet render) of the same gateway, once. */
  renderMs: number;
  /** Median parseDirectory of the text: what the function pays on a cold start or a new version. */
  parseMs: number;
}

export async function benchDirectory(users: number, repeat: number): Promise<DirectoryFigure> {
  const dir = mkdtempSync(path.join(tmpdir(), `sftpgw-bench-directory-${users}-`));
  try {
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      `stackName: bench\n${users > 400 ? 'userStacks: 32\n' : ''}`,
    );
    writeUsers(path.join(dir, 'users'), users);
    const t0 = performance.now();
    const s = await synthesize(
      { cwd: dir, format: 'json' },
      { jsonnet: libjsonnet, reporter: silentReporter },
    );
    const renderMs = performance.now() - t0;
    const input = {
      gateway: s.config.stackName,
      passwords: false,
      users: s.users,
      resources: [s.template.Resources, ...s.children.map((c) => c.template.Resources)],
    };
    const times: number[] = [];
    let text = '';
    for (let i = 0; i < Math.max(1, repeat); i++) {
      const t = performance.now();
      text = directoryFromUsers(input).text;
      times.push(performance.now() - t);
    }
    const parses: number[] = [];
    for (let i = 0; i < Math.max(1, repeat); i++) {
      const t = performance.now();
      parseDirectory(text);
      parses.push(performance.now() - t);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const bytes = Buffer.byteLength(text);
    return {
      users,
      bytes,
      gzipBytes: gzipSync(text).length,
      ms: median(times),
      renderMs,
      parseMs: median(parses),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const f = await benchDirectory(Number(process.argv[2] ?? 10000), 3);
  console.log(JSON.stringify(f));
}
