// The unit tier (`npm run test:unit`: every test/**/*.unit.test.ts) runs in
// the minute a developer waits, without root and without any process of its
// own: no sshd, moto, ProFTPD, cfn-lint, npm pack, gitlab-ci-local, ssh-keygen
// or sftpgw CLI process. A file is in the tier by its name alone, so this test
// reads each one and refuses an import that starts a process: node's
// child_process, the helpers that start servers or tools, and the helpers of
// test/helpers/project.ts that run the CLI or fill fixtures with ssh-keygen
// keys. Such a test belongs in a plain *.test.ts file (npm test runs both).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../helpers/project.js';

const testDir = path.join(repoRoot, 'test');

/** Helper modules that start a server or a child tool (sshd, moto, ProFTPD, cfn-lint, npm, ssh-keygen). */
const PROCESS_HELPERS = [
  'servers',
  'server-registry',
  'proftpd',
  'cfn-lint',
  'packed',
  'keys',
  'handler-harness',
  'ingest-harness',
  'moto-calls',
  'cutting-proxy',
  'throttling-proxy',
  'transfer-recorder',
];
/** What test/helpers/project.ts exports that runs the CLI or ssh-keygen (copyFixture fills {{key}} placeholders). */
const PROCESS_PROJECT_EXPORTS = ['runCli', 'runCliAsync', 'buildProject', 'copyFixture', 'cliBin'];

/** Each import statement of a file: what it names and where from. */
function imports(text: string): { names: string[]; from: string }[] {
  return [...text.matchAll(/^\s*import\s+(?:type\s+)?([\s\S]*?)\s+from\s+'([^']+)'/gm)].map(
    (m) => ({ names: m[1].match(/[A-Za-z_$][\w$]*/g) ?? [], from: m[2] }),
  );
}

/** Why a unit-tier file's text may not stay in the tier (empty when it may). */
function unitTierProblems(text: string): string[] {
  const problems: string[] = [];
  for (const { names, from } of imports(text)) {
    if (/^(node:)?child_process$/.test(from)) problems.push(`imports ${from}`);
    // test files sit one folder down (test/<module>/), so '../helpers/'.
    const helper = /^(?:\.\.?\/)+helpers\/([\w-]+)\.js$/.exec(from)?.[1];
    if (helper && PROCESS_HELPERS.includes(helper))
      problems.push(`imports ${from}, which starts a server or a child tool`);
    if (helper === 'project')
      for (const n of names.filter((n) => PROCESS_PROJECT_EXPORTS.includes(n)))
        problems.push(`imports ${n} from ${from}, which starts a process`);
  }
  if (/\bimport\(\s*['"](node:)?child_process['"]\s*\)/.test(text))
    problems.push('imports child_process dynamically');
  if (/\b(spawn|spawnSync|execFile|execFileSync|execSync|fork)\s*\(/.test(text))
    problems.push('spawns a process');
  return problems;
}

const unitFiles = (readdirSync(testDir, { recursive: true }) as string[])
  .map((f) => f.split(path.sep).join('/'))
  .filter((f) => f.endsWith('.unit.test.ts') && !f.split('/').includes('fixtures'))
  .sort();

describe('the unit tier (test/**/*.unit.test.ts)', () => {
  it('starts no server and no child tool: no file imports child_process or a helper that does', () => {
    expect(unitFiles.length, 'the tier has files').to.be.greaterThan(10);
    const bad = unitFiles.flatMap((f) =>
      unitTierProblems(readFileSync(path.join(testDir, f), 'utf8')).map(
        (p) => `test/${f}: ${p} (move the test to a *.test.ts file)`,
      ),
    );
    expect(bad).to.deep.equal([]);
  });

  it('the check catches each way in (so the test above can fail)', () => {
    const cases: [string, RegExp][] = [
      ["import { spawnSync } from 'node:child_process';", /imports node:child_process/],
      ["import cp from 'child_process';", /imports child_process/],
      ["import { startMoto } from '../helpers/servers.js';", /starts a server/],
      ["import { checkCfnLintVersion } from '../helpers/cfn-lint.js';", /child tool/],
      ["import { keyPair } from '../helpers/keys.js';", /child tool/],
      [
        "import {\n  cleanTempDirs,\n  runCli,\n  tempDir,\n} from '../helpers/project.js';",
        /runCli from/,
      ],
      ["import { copyFixture } from '../helpers/project.js';", /copyFixture from/],
      // (spelled in two parts, or this file would refuse itself)
      [`const cp = await import('node:${'child_process'}');`, /dynamically/],
    ];
    for (const [text, says] of cases)
      expect(unitTierProblems(text).join('; '), text).to.match(says);
    expect(
      unitTierProblems("import { repoRoot, tempDir } from '../helpers/project.js';"),
    ).to.deep.equal([]);
  });

  it('the full command runs it too: npm test takes every *.test.ts, npm run test:unit the *.unit.test.ts', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.test).to.equal('mocha "test/**/*.test.ts"');
    expect(pkg.scripts['test:unit']).to.equal('mocha "test/**/*.unit.test.ts"');
  });
});
