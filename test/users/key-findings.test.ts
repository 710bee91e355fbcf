// The findings on user files' keys (cli/engine/validate/rules/users/): each
// case is a folder test/users/fixtures/key-findings/<case>/ with users/ (keys
// are placeholders, made by ssh-keygen), an optional sftpgw.yaml and
// expect.json: the build's date, and exactly the users/* findings it must
// make (rule, severity, file, field, line, message). docs/validation.md's
// table of these rules lists the fixtures (npm run docs:rules).
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { build } from '../../cli/engine/build.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import type { Finding } from '../../cli/engine/validate/index.js';
import { formatFindings } from '../../cli/findings-text.js';
import { keyPair, secretFragments } from '../helpers/keys.js';
import { cleanTempDirs, copyFixture, listFiles, repoRoot, tempDir } from '../helpers/project.js';

interface Expected {
  rule: string;
  severity: 'error' | 'warning';
  file?: string;
  field?: string;
  line?: number;
  message: string;
  hint?: string;
}

interface Case {
  today: string;
  /** The build is refused (an error finding). */
  refused?: boolean;
  findings: Expected[];
  /** How many keys each user resource has in the template written. */
  userKeys?: Record<string, number>;
}

const root = path.join(repoRoot, 'test', 'users', 'fixtures', 'key-findings');

describe('findings on user keys (expiry, shared keys)', function () {
  this.timeout(60_000);
  afterEach(cleanTempDirs);

  for (const name of readdirSync(root).sort()) {
    it(name, async () => {
      const exp = JSON.parse(readFileSync(path.join(root, name, 'expect.json'), 'utf8')) as Case;
      const dir = tempDir();
      copyFixture(path.join(root, name), dir);
      if (!existsSync(path.join(dir, 'sftpgw.yaml')))
        writeFileSync(
          path.join(dir, 'sftpgw.yaml'),
          'stackName: key-findings\noutbound:\n  enabled: false\n',
        );
      const out = path.join(dir, 'out');
      let findings: Finding[];
      try {
        const r = await build(
          {
            configFile: path.join(dir, 'sftpgw.yaml'),
            cwd: dir,
            outDir: out,
            environment: {},
            today: exp.today,
          },
          { jsonnet: libjsonnet, reporter: new RecordingReporter() },
        );
        expect(exp.refused, 'the build succeeded').to.not.equal(true);
        findings = r.findings;
        for (const [id, n] of Object.entries(exp.userKeys ?? {}))
          expect(
            (r.template.Resources[id].Properties as { SshPublicKeys: string[] }).SshPublicKeys,
            id,
          ).to.have.length(n);
      } catch (err) {
        if (!(err instanceof SftpgwError) || !exp.refused) throw err;
        expect(err.kind).to.equal('invalid-input');
        expect(listFiles(out), 'nothing is written').to.deep.equal([]);
        findings = err.findings ?? [];
      }
      const ours = findings.filter((f) => f.rule.startsWith('users/'));
      const shown = formatFindings(findings, false);
      // Exactly the findings expected, in any order (they are sorted by message).
      expect(ours, shown).to.have.length(exp.findings.length);
      const left = [...ours];
      for (const e of exp.findings) {
        const i = left.findIndex(
          (f) =>
            f.rule === e.rule &&
            f.severity === e.severity &&
            new RegExp(e.message).test(f.message) &&
            (e.file === undefined || f.source?.file === e.file) &&
            (e.field === undefined || f.source?.field === e.field) &&
            (e.line === undefined || f.source?.line === e.line) &&
            (e.hint === undefined || new RegExp(e.hint).test(f.hint ?? '')),
        );
        expect(i, `no finding matching ${JSON.stringify(e)} in:\n${shown}`).to.be.at.least(0);
        left.splice(i, 1);
      }
      // Public keys only, and of them only fingerprints and comments: no key text.
      for (const f of ours) expect(f.message).to.not.match(/AAAA[A-Za-z0-9+/]{16,}/);
      for (const frag of secretFragments(keyPair('ed25519').privateKey))
        expect(shown).to.not.include(frag);
    });
  }
});
