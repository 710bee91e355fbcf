// The module graph of the compiled CLI and push function: no import cycles,
// and the commands that never talk to AWS never load the AWS SDK. Runs on
// dist/ (npm test builds it first), as Node loads it.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { IModule } from 'dependency-cruiser';
import {
  HANDLER_BUNDLE,
  importCycles,
  importGraph,
  staticClosure,
} from './helpers/import-graph.js';
import { repoRoot } from './helpers/project.js';

/** tsc's handler modules; not the 1.2 MB bundle that replaced tsc's index.js (it imports nothing). */
function handlerModules(): string[] {
  return readdirSync(path.join(repoRoot, 'dist', 'handler'))
    .filter((f) => f.endsWith('.js') && `dist/handler/${f}` !== HANDLER_BUNDLE)
    .map((f) => `dist/handler/${f}`);
}

describe('import graph (dependency-cruiser on dist/cli and dist/handler)', function () {
  let modules: IModule[];
  before(async function () {
    modules = await importGraph(['dist/cli', ...handlerModules()]);
  });

  it('has no import cycles', function () {
    for (const m of ['dist/cli/main.js', 'dist/handler/deliver.js'])
      expect(
        modules.some((x) => x.source === m),
        `${m} was not found: run npm run build`,
      ).to.equal(true);
    expect(importCycles(modules), 'import cycles (each as the modules on it)').to.deep.equal([]);
  });

  it("no module imports the push function's entry (handler/index.ts)", function () {
    const importers = modules
      .filter((m) => m.dependencies.some((d) => d.resolved === HANDLER_BUNDLE))
      .map((m) => m.source);
    expect(importers).to.deep.equal([]);
  });

  it('finds a cycle closed by a dynamic import (test/fixtures/import-cycle)', async function () {
    const modules = await importGraph(['test/fixtures/import-cycle']);
    expect(importCycles(modules)).to.deep.equal([
      ['test/fixtures/import-cycle/orders.js', 'test/fixtures/import-cycle/parse.js'],
    ]);
  });

  it('build, validate, users and init load no AWS SDK module; deploy does (so the check can see one)', function () {
    const sdk = (entry: string[]) =>
      [...staticClosure(modules, entry)].filter((m) => m.includes('@aws-sdk/'));
    for (const command of ['build', 'validate', 'users', 'init']) {
      expect(
        sdk(['dist/cli/main.js', `dist/cli/commands/${command}.js`]),
        `sftpgw ${command}`,
      ).to.deep.equal([]);
    }
    expect(sdk(['dist/cli/main.js', 'dist/cli/commands/deploy.js'])).not.to.deep.equal([]);
  });
});
