// The docs stay true to the code: the rule tables of docs/validation.md are
// what scripts/docs-rules.ts renders from the rules and their fixtures; every
// relative link and anchor in README.md, CONTRIBUTING.md and docs/ resolves,
// every repository path they cite exists, and every docs/… pointer the code
// gives users (hints, help texts, comments) resolves; the package ships the
// docs, and every relative link in the packed markdown resolves inside the
// package (sources and fixtures are cited as repository paths in code spans,
// as the package holds neither); the README stays short and names the test
// command CI runs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  BEGIN,
  END,
  renderRuleTables,
  spliceRuleTables,
  VALIDATION_DOC,
} from '../../scripts/docs-rules.js';
import { BASELINE_RULES } from '../../cli/engine/validate/rules/baseline.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const read = (rel: string) => readFileSync(path.join(repoRoot, rel), 'utf8');

const docFiles = () => [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(path.join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown outside fenced code blocks (links and headings in code are text). */
function prose(md: string): string {
  let fenced = false;
  return md
    .split('\n')
    .filter((line) => {
      if (/^\s*```/.test(line)) fenced = !fenced;
      return !fenced && !/^\s*```/.test(line);
    })
    .join('\n')
    .replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()]/g, ' '));
}

/** GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of md.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Problems with one link target (a path under root, maybe with #anchor), or undefined when it resolves. */
function brokenTarget(target: string, root = repoRoot): string | undefined {
  const [file, anchor] = target.split('#', 2) as [string, string | undefined];
  const full = path.join(root, file);
  if (!existsSync(full)) return `${file} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(full).isDirectory() || !file.endsWith('.md'))
    return `${file} is not a markdown file, so #${anchor} cannot be checked`;
  return anchors(readFileSync(full, 'utf8')).has(anchor)
    ? undefined
    : `${file} has no heading for #${anchor}`;
}

/** Every relative link (and anchor) in the markdown files (paths under root): how many, and the broken ones. */
function checkLinks(files: string[], root = repoRoot): { links: number; broken: string[] } {
  const broken: string[] = [];
  let links = 0;
  for (const file of files) {
    const text = prose(readFileSync(path.join(root, file), 'utf8'));
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1];
      if (/^[a-z]+:/i.test(href)) continue; // https:, mailto:
      links++;
      const target = href.startsWith('#')
        ? `${file}${href}`
        : path.posix.normalize(path.posix.join(path.posix.dirname(file), href));
      const problem = target.startsWith('../')
        ? `${target} is outside ${root === repoRoot ? 'the repository' : 'the package'}`
        : brokenTarget(target, root);
      if (problem) broken.push(`${file}: (${href}): ${problem}`);
    }
  }
  return { links, broken };
}

describe('docs', () => {
  after(cleanTempDirs);

  describe(`the rule tables in ${VALIDATION_DOC}`, () => {
    it('are what npm run docs:rules renders from the rules and the fixtures', () => {
      const doc = read(VALIDATION_DOC);
      expect(
        spliceRuleTables(doc, renderRuleTables()) === doc,
        `${VALIDATION_DOC} is stale: run npm run docs:rules`,
      ).to.equal(true);
    });

    it('have a row for every baseline rule, with its description', () => {
      const doc = read(VALIDATION_DOC);
      const block = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END));
      const missing = BASELINE_RULES.filter(
        (r) => !block.includes(`| \`${r.id}\` | ${r.description.replace(/\|/g, '\\|')} |`),
      ).map((r) => r.id);
      expect(missing).to.deep.equal([]);
      expect(block)
        .to.include('| `baseline/alarm-recipients` |')
        .and.to.match(/\| `baseline\/alarm-recipients` \| [^\n]* \| warning \|/);
    });

    it('refuse a doc without exactly one pair of markers in order, naming the file', () => {
      const block = 'TABLE';
      const bad = {
        'no markers': '# Validation\n',
        'no end marker': `${BEGIN}\n`,
        'end before begin': `${END}\n${BEGIN}\n`,
        'two begin markers': `${BEGIN}\n${BEGIN}\n${END}\n`,
        'two end markers': `${BEGIN}\n${END}\n${END}\n`,
      };
      for (const [why, doc] of Object.entries(bad)) {
        expect(() => spliceRuleTables(doc, block, 'docs/x.md'), why).to.throw(
          /^docs\/x\.md: needs exactly one .* line followed by one .* line, where the rule tables go$/,
        );
      }
      expect(spliceRuleTables(`a\n${BEGIN}\nold\n${END}\nb\n`, block)).to.equal(
        `a\n${BEGIN}\nTABLE\n${END}\nb\n`,
      );
    });

    it('are not rendered when a baseline rule is declared in no file, naming the rule', () => {
      // a copy of the repository's inputs with the rules folder emptied but for baseline.ts
      const root = tempDir('sftpgw-docs-');
      mkdirSync(path.join(root, 'cli/engine/validate/rules'), { recursive: true });
      cpSync(
        path.join(repoRoot, 'cli/engine/validate/rules/baseline.ts'),
        path.join(root, 'cli/engine/validate/rules/baseline.ts'),
      );
      cpSync(
        path.join(repoRoot, 'test/fixtures/bad-templates'),
        path.join(root, 'test/fixtures/bad-templates'),
        { recursive: true },
      );
      expect(() => renderRuleTables(root)).to.throw(
        `${BASELINE_RULES[0].id}: expected exactly one file under cli/engine/validate/rules/ to declare it, found 0`,
      );
    });
  });

  it('every relative link and anchor in README.md, CONTRIBUTING.md and docs/ resolves', () => {
    expect(checkLinks(docFiles()).broken).to.deep.equal([]);
  });

  it('every repository path the docs cite exists (so a rename that leaves a doc behind fails here)', () => {
    // cli/…, handler/…, libsonnet/…: in prose, code spans and diagrams alike; not dist/handler/…
    // (a build output) or sftpgw/handler/<hash>.zip (an S3 key), and not placeholders (test/<name>.test.ts, …/*)
    const cited =
      /(?<![\w./<:-])((?:cli|handler|libsonnet|templates|scripts|test|bench|schemas)\/[A-Za-z0-9_./-]*)/g;
    const missing: string[] = [];
    let count = 0;
    for (const file of docFiles()) {
      const text = read(file);
      for (const m of text.matchAll(cited)) {
        if ('<*{'.includes(text[m.index + m[0].length] ?? ' ')) continue;
        const rel = m[1].replace(/[.-]+$/, '');
        count++;
        if (!existsSync(path.join(repoRoot, rel))) missing.push(`${file}: ${rel}`);
      }
      // a repository file (and section) cited in a code span where the package has no
      // copy to link to: `CONTRIBUTING.md#regenerating-schemas`
      for (const m of text.matchAll(/`([A-Za-z0-9_./-]+\.md(?:#[a-z0-9-]+)?)`/g)) {
        count++;
        const problem = brokenTarget(m[1]);
        if (problem) missing.push(`${file}: ${m[1]}: ${problem}`);
      }
    }
    expect(missing).to.deep.equal([]);
    expect(count).to.be.greaterThan(100);
  });

  it("the anchor check knows GitHub's rules (so it can fail)", () => {
    const a = anchors(
      '# `sftpgw users add | list | remove`\n## User files: `users/<username>.libsonnet`\n### `--output json`\n## Waivers\n## Waivers\n```\n# not a heading\n```\n',
    );
    expect([...a]).to.deep.equal([
      'sftpgw-users-add--list--remove',
      'user-files-usersusernamelibsonnet',
      '--output-json',
      'waivers',
      'waivers-1',
    ]);
    expect(brokenTarget('docs/validation.md#no-such-heading')).to.equal(
      'docs/validation.md has no heading for #no-such-heading',
    );
    expect(brokenTarget('docs/no-such-file.md')).to.equal('docs/no-such-file.md does not exist');
  });

  it('every docs/… pointer the code gives (hints, help, comments, the scaffold) resolves', () => {
    const broken: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory())
          return e.name === 'generated' || e.name === 'fixtures' || e.name === 'golden'
            ? []
            : walk(rel);
        return /\.(ts|jsonnet|libsonnet|sh|yml)$/.test(e.name) ? [rel] : [];
      });
    const files = [
      ...['cli', 'handler', 'libsonnet', 'templates', 'scripts', 'bench'].flatMap(walk),
      'sftpgw.yaml',
    ];
    let pointers = 0;
    for (const file of files) {
      for (const m of read(file).matchAll(/\bdocs\/([a-z-]+\.md)(#[a-z0-9-]+)?/g)) {
        pointers++;
        const problem = brokenTarget(`docs/${m[1]}${m[2] ?? ''}`);
        if (problem) broken.push(`${file}: ${m[0]}: ${problem}`);
      }
    }
    expect(broken).to.deep.equal([]);
    expect(
      pointers,
      'the code points users at docs/ (error hints, help, the scaffold)',
    ).to.be.greaterThan(5);
  });

  it('the package ships README.md and every doc (hints and the scaffold point gateway repositories at node_modules/<sftpgw>/docs/)', () => {
    // npm's own pack list, without running the prepare script (a build)
    const r = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    const packed = new Set(
      (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path),
    );
    const docs = docFiles().filter((f) => f !== 'CONTRIBUTING.md');
    expect(docs.filter((f) => !packed.has(f))).to.deep.equal([]);
    expect(
      packed.has('CONTRIBUTING.md'),
      "CONTRIBUTING.md is for sftpgw's own developers",
    ).to.equal(false);
  });

  it('every relative link and anchor in the markdown of the packed tarball resolves inside the package (the scaffold sends users to node_modules/<sftpgw>/docs/)', function () {
    this.timeout(60_000);
    // The tarball itself, unpacked (npm pack without the prepare script: the
    // markdown does not depend on a build), so the check sees exactly what an
    // install holds and nothing of the working tree.
    const dir = tempDir('sftpgw-packed-docs-');
    const pack = spawnSync(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(pack.status, pack.stderr).to.equal(0);
    const tarball = (JSON.parse(pack.stdout) as { filename: string }[])[0].filename;
    const untar = spawnSync('tar', ['-xzf', path.join(dir, tarball), '-C', dir], {
      encoding: 'utf8',
    });
    expect(untar.status, untar.stderr).to.equal(0);
    const root = path.join(dir, 'package');
    const markdown = (readdirSync(root, { recursive: true }) as string[])
      .map((f) => f.split(path.sep).join('/'))
      .filter((f) => f.endsWith('.md'));
    expect(markdown).to.include.members(['README.md', 'docs/getting-started.md']);
    const { links, broken } = checkLinks(markdown, root);
    expect(
      broken.length,
      `${broken.length} of ${links} relative links in the packed markdown lead outside the package (link a shipped doc, or cite the repository path in a code span):\n${broken.join('\n')}`,
    ).to.equal(0);
    expect(links, 'the packed docs link each other').to.be.greaterThan(100);
  });

  it('the README stays short: at most 150 lines', () => {
    expect(read('README.md').split('\n').length).to.be.at.most(151);
  });

  it('the README gives the build command, and the test command is exactly what .ci/run runs', () => {
    const readme = read('README.md');
    const section = readme.slice(
      readme.indexOf('## Two commands'),
      readme.indexOf('\n## ', readme.indexOf('## Two commands') + 1),
    );
    const block = /```sh\n([\s\S]*?)```/.exec(section);
    expect(block, 'README "Two commands" has an sh block').to.not.equal(null);
    const commands = block![1]
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).to.have.length(2);
    expect(commands[0]).to.equal('npm ci && npx sftpgw build');
    const ciLines = read('.ci/run')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ciLines, ".ci/run runs the README's test command as it is written").to.include(
      commands[1],
    );
    expect(
      ciLines.filter((l) => /\b(npm (run )?test|mocha)\b/.test(l)),
      'and no other test command',
    ).to.deep.equal([commands[1]]);
  });
});
