// Generated validators are committed (no schema is compiled at run time);
// regenerating them must give the committed files.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { outputs } from '../scripts/compile-schemas.js';
import { repoRoot } from './helpers/project.js';

describe('generated schema validators', () => {
  for (const [file, generate] of Object.entries(outputs)) {
    it(`${file} is up to date (npm run schemas regenerates it)`, () => {
      expect(generate() === readFileSync(path.join(repoRoot, file), 'utf8'), `${file} is stale: run npm run schemas`).to.equal(true);
    });
  }
});
