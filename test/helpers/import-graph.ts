// The module graph of compiled JavaScript, from dependency-cruiser (it parses
// JavaScript with acorn, so it does not depend on the TypeScript version the
// project compiles with). Dynamic import() counts as an edge: a command module
// loaded lazily that imports its loader back is still a cycle.
// dist/handler/index.js and dist/handler/ingest.js are the esbuild bundles
// (scripts/bundle-handler.ts), not tsc's modules: they are not read (an
// import of one is still an edge), and a test checks that no module imports
// them (the only way a cycle could pass through an entry).
import { cruise, type IModule } from 'dependency-cruiser';
import { repoRoot } from './project.js';

export const HANDLER_BUNDLE = 'dist/handler/index.js';
export const INGEST_BUNDLE = 'dist/handler/ingest.js';
const HANDLER_BUNDLE_PATTERN = '^dist/handler/(index|ingest)[.]js$';

/** Every module in `paths` (files or folders, relative to the repository) and what it imports, with what that imports. */
export async function importGraph(paths: string[]): Promise<IModule[]> {
  const result = await cruise(paths, {
    baseDir: repoRoot,
    doNotFollow: { path: ['node_modules', HANDLER_BUNDLE_PATTERN] },
    validate: true,
    ruleSet: {
      forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }],
    },
  });
  if (typeof result.output === 'string')
    throw new Error('dependency-cruiser returned a report, not a graph');
  return result.output.modules;
}

/** Each import cycle once, as the modules on it (sorted, so a cycle found from any of its modules is the same). */
export function importCycles(modules: IModule[]): string[][] {
  const cycles = new Map<string, string[]>();
  for (const m of modules) {
    for (const d of m.dependencies) {
      if (!d.circular || !d.cycle) continue;
      const members = [...new Set([m.source, ...d.cycle.map((c) => c.name)])].sort();
      cycles.set(members.join(' '), members);
    }
  }
  return [...cycles.values()];
}

/** The modules `from` loads before it runs: static imports followed, dynamic import() not. */
export function staticClosure(modules: IModule[], from: string[]): Set<string> {
  const bySource = new Map(modules.map((m) => [m.source, m]));
  const seen = new Set<string>();
  const todo = [...from];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    for (const d of bySource.get(next)?.dependencies ?? []) {
      if (d.dynamic || d.typeOnly) continue;
      todo.push(d.resolved);
    }
  }
  return seen;
}
