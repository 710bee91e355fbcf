// Generated validators and resource-type data are committed (no schema is
// compiled at run time); regenerating them from the installed cfn-lint must
// give the committed files, byte for byte.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFiles } from '../scripts/compile-schemas.js';
import { RESOURCE_TYPES } from '../scripts/resource-schemas.js';
import { repoRoot } from './helpers/project.js';

describe('generated schema validators', function () {
  this.timeout(120_000);
  const files = generatedFiles();

  for (const file of Object.keys(files)) {
    it(`${file} is up to date (npm run schemas regenerates it)`, () => {
      const committed = readFileSync(path.join(repoRoot, file), 'utf8');
      expect(files[file] === committed, `${file} is stale: run npm run schemas`).to.equal(true);
    });
  }

  it('has one module for every listed resource type and nothing else', () => {
    const modules = readdirSync(path.join(repoRoot, 'cli/generated/resources')).sort();
    expect(modules).to.deep.equal(Object.keys(files).filter((f) => f.startsWith('cli/generated/resources/')).map((f) => path.basename(f)).sort());
    expect(modules).to.have.length(RESOURCE_TYPES.length);
  });

  it('records the cfn-lint version the schemas came from', () => {
    const index = JSON.parse(files['cli/generated/resource-types.json']) as { source: { cfnLint: string } };
    expect(index.source.cfnLint).to.match(/^\d+\.\d+\.\d+/);
  });
});
