// Validation layers on generated gateways: our schema + semantic + baseline
// checks (in process, after one warm-up run) against cfn-lint on the same
// 1,000-user gateway, measured in the same run. Past 400 users the gateway
// has child stacks (userStacks: 32, as the README advises), and every
// template is checked, as build checks them.
//
// "cold" is a fresh node process (bench/validate-cold.ts) that imports the
// checks and validates the same templates once: module loading and parsing
// of the generated validators included, which the in-process first run hides
// (synthesize starts loading them while jsonnet runs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { silentReporter } from '../cli/engine/reporter.js';
import { synthesize } from '../cli/engine/synthesize.js';
import { serializeTemplate } from '../cli/engine/template/serialize.js';
import type { CfnTemplate } from '../cli/engine/template/types.js';
import { runLayers } from '../cli/engine/validate/layers.js';
import { lintArgs } from '../cli/engine/validate/lint.js';
import { writeUsers } from './users.js';

export interface ValidationRow {
  users: number;
  resources: number;
  templates: number;
  firstSeconds: number;
  seconds: number;
  /** Median of fresh processes: import + one check of every template. */
  coldSeconds: number;
  errors: string[];
  lintSeconds?: number;
}

const SHARED_TAGS = { 'sftpgw:gateway': 'bench' };

async function templatesFor(users: number): Promise<{ dir: string; templates: CfnTemplate[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), `sftpgw-bench-validate-${users}-`));
  writeFileSync(
    path.join(dir, 'sftpgw.yaml'),
    `stackName: bench\n${users > 400 ? 'userStacks: 32\n' : ''}`,
  );
  writeUsers(path.join(dir, 'users'), users);
  const { template, children } = await synthesize(
    { cwd: dir, environment: {} },
    { jsonnet: libjsonnet, reporter: silentReporter },
  );
  return { dir, templates: [template, ...children.map((c) => c.template)] };
}

/** Our layers on each template, as build calls them (the serialized text is at hand: build writes it). */
export async function timeChecks(
  templates: CfnTemplate[],
): Promise<{ seconds: number; errors: string[] }> {
  const texts = templates.map((t) => serializeTemplate(t, 'json'));
  const errors = new Set<string>();
  const t0 = performance.now();
  for (const [i, template] of templates.entries()) {
    const { findings } = await runLayers(template, {
      sharedTags: SHARED_TAGS,
      bodyBytes: Buffer.byteLength(texts[i]),
      text: texts[i],
    });
    for (const f of findings) if (f.severity === 'error') errors.add(f.rule);
  }
  return { seconds: (performance.now() - t0) / 1000, errors: [...errors] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function coldRun(files: string[]): number {
  const child = fileURLToPath(new URL('./validate-cold.js', import.meta.url));
  const r = spawnSync(process.execPath, [child, ...files], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`bench/validate-cold.js failed: ${r.stderr || r.error?.message}`);
  return Number(r.stdout.trim());
}

export async function benchValidation(
  sizes: number[],
  lintSize: number,
  repeat: number,
): Promise<ValidationRow[]> {
  const rows: ValidationRow[] = [];
  for (const users of sizes) {
    console.error(`bench: validation layers, ${users} users…`);
    const { dir, templates } = await templatesFor(users);
    const files = templates.map((t, i) => {
      const file = path.join(dir, `template${i}.json`);
      writeFileSync(file, serializeTemplate(t, 'json'));
      return file;
    });
    const cold = median(Array.from({ length: Math.max(repeat, 3) }, () => coldRun(files)));
    const first = await timeChecks(templates);
    const runs: number[] = [];
    for (let i = 0; i < repeat; i++) runs.push((await timeChecks(templates)).seconds);
    const row: ValidationRow = {
      users,
      resources: templates.reduce((n, t) => n + Object.keys(t.Resources).length, 0),
      templates: templates.length,
      firstSeconds: first.seconds,
      seconds: median(runs),
      coldSeconds: cold,
      errors: first.errors,
    };
    if (users === lintSize) {
      console.error(`bench: cfn-lint, ${users} users…`);
      const t0 = performance.now();
      const r = spawnSync(
        process.env.SFTPGW_CFN_LINT || 'cfn-lint',
        [...lintArgs(), '--', ...files],
        { encoding: 'utf8', maxBuffer: 1 << 28 },
      );
      if (r.error) throw new Error(`cfn-lint: ${r.error.message}`);
      row.lintSeconds = (performance.now() - t0) / 1000;
    }
    rows.push(row);
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
