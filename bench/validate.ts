// Validation layers on generated gateways: our schema + semantic + baseline
// checks (in process, after one warm-up run) against cfn-lint on the same
// 1,000-user template, measured in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { silentReporter } from '../cli/engine/reporter.js';
import { synthesize } from '../cli/engine/synthesize.js';
import { serializeTemplate } from '../cli/engine/template/serialize.js';
import type { CfnTemplate } from '../cli/engine/template/types.js';
import { checkTemplate } from '../cli/engine/validate/index.js';
import { lintArgs } from '../cli/engine/validate/lint.js';
import { writeUsers } from './users.js';

export interface ValidationRow { users: number; resources: number; firstSeconds: number; seconds: number; errors: string[]; lintSeconds?: number }

async function templateFor(users: number): Promise<{ dir: string; template: CfnTemplate }> {
  const dir = mkdtempSync(path.join(tmpdir(), `sftpgw-bench-validate-${users}-`));
  writeFileSync(path.join(dir, 'sftpgw.yaml'), 'stackName: bench\n');
  writeUsers(path.join(dir, 'users'), users);
  const { template } = await synthesize({ cwd: dir, environment: {} }, { jsonnet: libjsonnet, reporter: silentReporter });
  return { dir, template };
}

async function timeChecks(template: CfnTemplate): Promise<{ seconds: number; errors: string[] }> {
  // as build calls it: the serialized template is at hand (build writes it)
  const text = serializeTemplate(template, 'json');
  const t0 = performance.now();
  const { findings } = await checkTemplate(template, { sharedTags: { 'sftpgw:gateway': 'bench' }, bodyBytes: Buffer.byteLength(text), text });
  return { seconds: (performance.now() - t0) / 1000, errors: [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule))] };
}

export async function benchValidation(sizes: number[], lintSize: number, repeat: number): Promise<ValidationRow[]> {
  const rows: ValidationRow[] = [];
  for (const users of sizes) {
    console.error(`bench: validation layers, ${users} users…`);
    const { dir, template } = await templateFor(users);
    const first = await timeChecks(template);
    const runs: number[] = [];
    for (let i = 0; i < repeat; i++) runs.push((await timeChecks(template)).seconds);
    runs.sort((a, b) => a - b);
    const row: ValidationRow = { users, resources: Object.keys(template.Resources).length, firstSeconds: first.seconds, seconds: runs[Math.floor(runs.length / 2)], errors: first.errors };
    if (users === lintSize) {
      console.error(`bench: cfn-lint, ${users} users…`);
      const file = path.join(dir, 'template.json');
      writeFileSync(file, serializeTemplate(template, 'json'));
      const t0 = performance.now();
      const r = spawnSync(process.env.SFTPGW_CFN_LINT || 'cfn-lint', [...lintArgs(), '--', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.error) throw new Error(`cfn-lint: ${r.error.message}`);
      row.lintSeconds = (performance.now() - t0) / 1000;
    }
    rows.push(row);
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
