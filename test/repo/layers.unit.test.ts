// Which top-level folder may import which. The CLI and the push function are
// separate programs that share code through shared/: if cli/ imported
// handler/ (or the reverse), the Lambda bundle could pull in commander and the
// CloudFormation SDK, and the CLI would start up loading delivery code; if
// shared/ imported either, "shared" would no longer say what it is.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/project.js';

/** Folders each top-level folder must never import from. */
const FORBIDDEN: Record<string, string[]> = {
  cli: ['handler'],
  handler: ['cli'],
  shared: ['cli', 'handler'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(ts|js|mjs)$/.test(name))
    .map((name) => path.join(dir, name));
}

// Static imports, re-exports and dynamic import() with a literal specifier.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g;

/** Top-level folders a file imports from, as "specifier -> folder". */
function importedFolders(
  file: string,
  text = readFileSync(file, 'utf8'),
): { specifier: string; folder: string }[] {
  const out: { specifier: string; folder: string }[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const specifier = m[2];
    if (!specifier.startsWith('.')) continue;
    const target = path.relative(repoRoot, path.resolve(path.dirname(file), specifier));
    out.push({ specifier, folder: target.split(path.sep)[0] });
  }
  return out;
}

describe('layers: cli/, handler/ and shared/ import only what they may', () => {
  for (const [folder, forbidden] of Object.entries(FORBIDDEN)) {
    it(`${folder}/ imports nothing from ${forbidden.map((f) => `${f}/`).join(' or ')}`, () => {
      const files = sourceFiles(path.join(repoRoot, folder));
      expect(files.length, `${folder}/ has source files`).to.be.greaterThan(0);
      const offending = files.flatMap((f) =>
        importedFolders(f)
          .filter((i) => forbidden.includes(i.folder))
          .map((i) => `${path.relative(repoRoot, f)} imports ${i.specifier}`),
      );
      expect(offending).to.deep.equal([]);
    });
  }

  it('sees static, type-only, re-exported and dynamic imports (the check itself works)', () => {
    const text = [
      "import { a } from '../../handler/a.js';",
      "import type { B } from '../../handler/b.js';",
      "export { c } from '../../handler/c.js';",
      "const d = await import('../../handler/d.js');",
      "import '../../handler/e.js';",
      "import { f } from 'node:fs';",
    ].join('\n');
    expect(
      importedFolders(path.join(repoRoot, 'cli', 'engine', 'x.ts'), text).map((i) => i.folder),
    ).to.deep.equal(['handler', 'handler', 'handler', 'handler', 'handler']);
  });
});
