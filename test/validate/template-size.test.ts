// The template-size rule (quota/template-size) measures what deploy sends:
// minified JSON (cli/engine/template/deploy-body.ts), not the pretty file
// `sftpgw build` writes. Through the real CLI: the downstream-malware fixture
// (its pretty template is over 51,200 bytes, its minified one well under),
// and hand-written templates on either side of the limit, JSON and YAML.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import {
  buildProject,
  cleanTempDirs,
  copyFixture,
  repoRoot,
  runCli,
  tempDir,
} from '../helpers/project.js';

const INLINE = 51_200;
const minified = (t: unknown) => Buffer.byteLength(JSON.stringify(t));
const SIZE_NOTE =
  /the template is (\d+) bytes as deploy sends it \(minified JSON\): over the 51200-byte inline limit, so it must be deployed from S3/;

/** A template (no baseline findings) of exactly `minifiedBytes` bytes minified, padded in its Metadata. */
function templateOf(minifiedBytes: number): Record<string, unknown> {
  const t = {
    AWSTemplateFormatVersion: '2010-09-09',
    Metadata: { Padding: '' },
    Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
  };
  t.Metadata.Padding = 'x'.repeat(Math.max(0, minifiedBytes - minified(t)));
  return t;
}

describe('template size: measured as deploy sends it (minified)', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it('the downstream-malware gateway: pretty over 51,200 bytes, minified under — no "deployed from S3"', function () {
    const dir = tempDir();
    copyFixture(path.join(repoRoot, 'test', 'fixtures', 'projects', 'downstream-malware'), dir);
    const b = buildProject(dir, ['--no-lint']);
    expect(b.status, b.output).to.equal(0);
    const written = readFileSync(path.join(dir, 'out', 'template.json'));
    expect(written.length, 'the file build writes').to.be.above(INLINE);
    expect(minified(b.template), 'what deploy sends').to.be.below(INLINE);
    expect(b.output).not.to.match(/deployed from S3|quota\/template-size/);
  });

  it('between the limits: over 51,200 pretty, under minified — no finding; over minified — the note names the minified size', function () {
    const dir = tempDir();
    const validate = (file: string) =>
      runCli(['validate', '--template', file, '--no-lint', '--output', 'json'], { cwd: dir });
    const sizeFindings = (out: string) =>
      (JSON.parse(out) as { findings: Array<{ rule: string; message: string }> }).findings.filter(
        (f) => f.rule === 'quota/template-size',
      );
    // Under: many short keys, so the pretty form (indentation, newlines) is well over.
    const under: Record<string, unknown> = templateOf(0);
    const meta: Record<string, string> = {};
    for (let i = 0; minified({ ...under, Metadata: meta }) < INLINE - 200; i++) meta[`k${i}`] = 'v';
    under.Metadata = meta;
    writeFileSync(path.join(dir, 'under.json'), JSON.stringify(under, null, 2));
    expect(Buffer.byteLength(JSON.stringify(under, null, 2))).to.be.above(INLINE);
    expect(minified(under)).to.be.at.most(INLINE);
    const u = validate('under.json');
    expect(u.status, u.stderr).to.equal(0);
    expect(sizeFindings(u.stdout)).to.deep.equal([]);

    const over = templateOf(INLINE + 1);
    for (const [file, text] of [
      ['over.json', JSON.stringify(over, null, 2)],
      ['over.yaml', stringify(over)],
    ]) {
      writeFileSync(path.join(dir, file), text);
      const o = validate(file);
      expect(o.status, o.stderr).to.equal(0);
      const [finding] = sizeFindings(o.stdout);
      expect(finding?.message, file).to.match(SIZE_NOTE);
      expect(Number(SIZE_NOTE.exec(finding.message)![1]), file).to.equal(minified(over));
    }
    expect(minified(over)).to.equal(INLINE + 1);
  });
});
