// The module graph of compiled JavaScript, from dependency-cruiser (it parses
// JavaScript with acorn, so it does not depend on the TypeScript version the
// project compiles with). Dynamic import() counts as an edge: a command module
// loaded lazily that imports its loader back is still a cycle.
// dist/handler/index.js, ingest.js and identity.js are the esbuild bundles
// (scripts/bundle-handler.ts), not tsc's modules: they are not read (an
// import of one is still an edge), and a test checks that no module imports
// them (the only way a cycle could pass through an entry).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type IModule } from 'dependency-cruiser';
import { repoRoot } from './project.js';

export const HANDLER_BUNDLE = 'dist/handler/index.js';
export const INGEST_BUNDLE = 'dist/handler/ingest.js';
export const IDENTITY_BUNDLE = 'dist/handler/identity.js';
const HANDLER_BUNDLE_PATTERN = '^dist/handler/(index|ingest|identity)[.]js$';

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

/**
 * Every relative module a TypeScript source names: static and dynamic
 * imports, re-exports, and type-only ones (`import type`, `typeof
 * import('…')`), which compiled JavaScript no longer holds. A lexical scan:
 * an import spelled in a comment or a string counts too, which can only add
 * an edge (a false cycle fails loudly), never hide one.
 */
export function sourceImports(text: string): string[] {
  const specs = new Set<string>();
  const patterns = [
    // import … from '…', export … from '…' (type-only included), over lines
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm,
    // import '…' (for its effects)
    /^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm,
    // import('…'): dynamic, or a type query
    /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.add(m[1]);
  return [...specs];
}

/**
 * The module graph of TypeScript sources with type-only imports as edges.
 * dependency-cruiser reads TypeScript (its tsPreCompilationDeps) only through
 * the compiler API of typescript < 7, which this project does not have
 * (TypeScript 7 ships no JavaScript API): so each source becomes a stub module
 * in a temporary folder that imports what the source names (sourceImports),
 * and dependency-cruiser cruises the stubs. Module names are the sources'
 * (foo.ts), relative to the repository.
 */
export async function sourceImportGraph(dirs: string[]): Promise<IModule[]> {
  const stubRoot = mkdtempSync(path.join(os.tmpdir(), 'sftpgw-import-graph-'));
  try {
    for (const dir of dirs) {
      for (const rel of readdirSync(path.join(repoRoot, dir), { recursive: true }).map(String)) {
        if (!rel.endsWith('.ts') || rel.endsWith('.d.ts')) continue;
        const source = path.join(dir, rel);
        const text = readFileSync(path.join(repoRoot, source), 'utf8');
        const stub = path.join(stubRoot, source.replace(/\.ts$/, '.js'));
        mkdirSync(path.dirname(stub), { recursive: true });
        writeFileSync(
          stub,
          sourceImports(text)
            .map((s) => `import '${s}';\n`)
            .join(''),
        );
      }
    }
    const result = await cruise(dirs, {
      baseDir: stubRoot,
      validate: true,
      ruleSet: {
        forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }],
      },
    });
    if (typeof result.output === 'string')
      throw new Error('dependency-cruiser returned a report, not a graph');
    const asSource = (name: string) => name.replace(/\.js$/, '.ts');
    return result.output.modules.map((m) => ({
      ...m,
      source: asSource(m.source),
      dependencies: m.dependencies.map((d) => ({
        ...d,
        resolved: asSource(d.resolved),
        cycle: d.cycle?.map((c) => ({ ...c, name: asSource(c.name) })),
      })),
    }));
  } finally {
    rmSync(stubRoot, { recursive: true, force: true });
  }
}
