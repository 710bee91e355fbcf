// The module graph of the compiled CLI and push function: no import cycles,
// and the commands that never talk to AWS never load the AWS SDK. Runs on
// dist/ (npm test builds it first), as Node loads it; and on the TypeScript
// sources, where type-only imports (erased from dist/) can close a cycle too.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { IModule } from 'dependency-cruiser';
import {
  HANDLER_BUNDLE,
  IDENTITY_BUNDLE,
  INGEST_BUNDLE,
  importCycles,
  importGraph,
  sourceImportGraph,
  sourceImports,
  staticClosure,
} from '../helpers/import-graph.js';
import { repoRoot } from '../helpers/project.js';

/**
 * tsc's handler modules (with the ingest and identity functions' folders); not the
 * bundles that replaced tsc's index.js and sit beside it (they import nothing).
 */
function handlerModules(): string[] {
  return readdirSync(path.join(repoRoot, 'dist', 'handler'))
    .filter(
      (f) =>
        (f.endsWith('.js') || f === 'ingest' || f === 'identity') &&
        `dist/handler/${f}` !== HANDLER_BUNDLE &&
        `dist/handler/${f}` !== INGEST_BUNDLE &&
        `dist/handler/${f}` !== IDENTITY_BUNDLE,
    )
    .map((f) => `dist/handler/${f}`);
}

describe('import graph (dependency-cruiser on dist/cli and dist/handler)', function () {
  let modules: IModule[];
  before(async function () {
    modules = await importGraph(['dist/cli', ...handlerModules()]);
  });

  it('has no import cycles', function () {
    for (const m of [
      'dist/cli/main.js',
      'dist/handler/deliver.js',
      'dist/handler/ingest/ingest.js',
    ])
      expect(
        modules.some((x) => x.source === m),
        `${m} was not found: run npm run build`,
      ).to.equal(true);
    expect(importCycles(modules), 'import cycles (each as the modules on it)').to.deep.equal([]);
  });

  it("no module imports a function's entry (handler/index.ts, handler/ingest/index.ts, handler/identity/index.ts) or bundle", function () {
    const entries = [
      HANDLER_BUNDLE,
      INGEST_BUNDLE,
      IDENTITY_BUNDLE,
      'dist/handler/ingest/index.js',
      'dist/handler/identity/index.js',
    ];
    const importers = modules
      .filter((m) => m.dependencies.some((d) => entries.includes(d.resolved)))
      .map((m) => m.source);
    expect(importers).to.deep.equal([]);
  });

  it('finds a cycle closed by a dynamic import (test/repo/fixtures/import-cycle)', async function () {
    const modules = await importGraph(['test/repo/fixtures/import-cycle']);
    expect(importCycles(modules)).to.deep.equal([
      ['test/repo/fixtures/import-cycle/orders.js', 'test/repo/fixtures/import-cycle/parse.js'],
    ]);
  });

  it('build, validate, users, init, doctor (the SDK only without --offline) and destinations deliver (only with --secret-file) load no AWS SDK module; deploy does (so the check can see one)', function () {
    const sdk = (entry: string[]) =>
      [...staticClosure(modules, entry)].filter((m) => m.includes('@aws-sdk/'));
    // destinations-deliver imports the Secrets Manager store dynamically, only without --secret-file.
    for (const command of [
      'build',
      'validate',
      'users',
      'init',
      'doctor',
      'destinations-deliver',
    ]) {
      expect(
        sdk(['dist/cli/main.js', `dist/cli/commands/${command}.js`]),
        `sftpgw ${command}`,
      ).to.deep.equal([]);
    }
    expect(sdk(['dist/cli/main.js', 'dist/cli/commands/deploy.js'])).not.to.deep.equal([]);
  });
});

describe('import graph of the TypeScript sources (type-only imports included)', function () {
  it('has no import cycles in cli/, shared/ and handler/, type-only ones included', async function () {
    const modules = await sourceImportGraph(['cli', 'shared', 'handler']);
    for (const m of ['cli/main.ts', 'cli/engine/validate/rules/baseline-rule.ts'])
      expect(
        modules.some((x) => x.source === m),
        `${m} was not found`,
      ).to.equal(true);
    expect(importCycles(modules), 'import cycles (each as the modules on it)').to.deep.equal([]);
  });

  it('finds a cycle closed by a type-only import (test/repo/fixtures/import-cycle-type-only)', async function () {
    const modules = await sourceImportGraph(['test/repo/fixtures/import-cycle-type-only']);
    expect(importCycles(modules)).to.deep.equal([
      [
        'test/repo/fixtures/import-cycle-type-only/context.ts',
        'test/repo/fixtures/import-cycle-type-only/rule.ts',
      ],
    ]);
  });

  it('reads every form of import a source can spell', function () {
    const text = [
      "import type { A } from './a.js';",
      'import {',
      '  b,',
      '  type B,',
      "} from '../b.js';",
      "export { c } from './c.js';",
      "export type { D } from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      "type G = typeof import('./g.js');",
      "import path from 'node:path';",
      "export * from './h.js';",
    ].join('\n');
    expect(sourceImports(text).sort()).to.deep.equal([
      '../b.js',
      './a.js',
      './c.js',
      './d.js',
      './e.js',
      './f.js',
      './g.js',
      './h.js',
    ]);
  });
});
