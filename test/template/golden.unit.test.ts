// Golden templates. The cases come from folders, not from hand-written its:
//   - the shipped example gateway, once per environment in its sftpgw.yaml
//     (plus the top level alone): golden/example/<env>.json
//   - every project under fixtures/projects/<name>/: golden/<name>/<env>.json
// A project whose config selects server.identityProvider.type lambda also
// has <env>.directory.json (the directory the build writes) and the forward
// switch's staging template, <env>.staging.json (+ <env>.staging.<child>).
// Output is canonical JSON with volatile values scrubbed. UPDATE_GOLDEN=1
// npm test rewrites the files; a mismatch prints mocha's line diff.
import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { synthesize } from '../../cli/engine/synthesize.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { repoRoot } from '../helpers/project.js';

const goldenDir = path.join(repoRoot, 'test', 'golden');
/**
 * The build's date, pinned: user keys expire (docs/keys.md), so without it a
 * golden would change with the calendar. fixtures/projects/user-key-expiry
 * is written around this day.
 */
const GOLDEN_TODAY = '2026-06-01';
const update = process.env.UPDATE_GOLDEN === '1';

/** Sorted keys at every level, two-space indent, final newline. */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

/** Values that change without the sources changing (none yet; code hashes arrive with packaging). */
function scrub(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/"S3Key":"[^"]*"/g, '"S3Key":"<scrubbed>"'));
}

function environments(projectDir: string): (string | undefined)[] {
  const cfg = parseYaml(readFileSync(path.join(projectDir, 'sftpgw.yaml'), 'utf8')) as {
    environments?: Record<string, unknown>;
  };
  return [undefined, ...Object.keys(cfg.environments ?? {})];
}

const projects: { name: string; dir: string }[] = [
  { name: 'example', dir: repoRoot },
  ...readdirSync(path.join(repoRoot, 'test', 'fixtures', 'projects')).map((name) => ({
    name,
    dir: path.join(repoRoot, 'test', 'fixtures', 'projects', name),
  })),
];

describe('golden templates', () => {
  for (const project of projects) {
    for (const env of environments(project.dir)) {
      const label = env ?? 'default';
      it(`${project.name} / ${label}`, async () => {
        const synth = (identityStage: boolean) =>
          synthesize(
            {
              configFile: path.join(project.dir, 'sftpgw.yaml'),
              env,
              cwd: project.dir,
              environment: {},
              today: GOLDEN_TODAY,
              identityStage,
            },
            { jsonnet: libjsonnet, reporter: new RecordingReporter() },
          );
        const { template, children, directory } = await synth(false);
        // The root as <env>.json, each child stack of users as <env>.<its file>.
        const outputs: { name: string; template: unknown }[] = [
          { name: `${label}.json`, template },
          ...children.map((c) => ({ name: `${label}.${c.file}`, template: c.template })),
        ];
        if (directory) {
          const staged = await synth(true);
          outputs.push(
            { name: `${label}.directory.json`, template: directory },
            { name: `${label}.staging.json`, template: staged.template },
            ...staged.children.map((c) => ({
              name: `${label}.staging.${c.file}`,
              template: c.template,
            })),
          );
        }
        for (const o of outputs) {
          const actual = canonicalJson(scrub(o.template));
          const file = path.join(goldenDir, project.name, o.name);
          if (update || !existsSync(file)) {
            if (!update)
              throw new Error(
                `no golden file ${path.relative(repoRoot, file)}: run UPDATE_GOLDEN=1 npm test to create it`,
              );
            mkdirSync(path.dirname(file), { recursive: true });
            writeFileSync(file, actual);
            continue;
          }
          expect(
            actual,
            `${path.relative(repoRoot, file)} differs (UPDATE_GOLDEN=1 npm test rewrites it)`,
          ).to.equal(readFileSync(file, 'utf8'));
        }
      });
    }
  }

  it('has no golden file without a case (stale goldens are removed)', () => {
    const expected = new Set(
      projects.flatMap((p) => environments(p.dir).map((e) => `${p.name}/${e ?? 'default'}`)),
    );
    const present = readdirSync(goldenDir).flatMap((d) =>
      readdirSync(path.join(goldenDir, d)).map((f) => `${d}/${f}`),
    );
    // <env>.json and <env>.users-NN.json (child stacks) belong to a case, and
    // for a lambda gateway <env>.directory.json, <env>.staging[.users-NN].json.
    expect(
      present.filter(
        (f) => !expected.has(f.replace(/(\.directory|(\.staging)?(\.users-\d+)?)\.json$/, '')),
      ),
    ).to.deep.equal([]);
  });
});
