// Every bad input is refused with a message naming the file (and field and
// line where there is one), nothing is written, and no private key is printed.
// Cases are folders: fixtures/bad-users/<case>/{users/, expect.json} run on the
// example config; fixtures/bad-config/<case>/{sftpgw.yaml, expect.json}.
import { expect } from 'chai';
import { cpSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { build } from '../../cli/engine/build.js';
import { writeOutputs } from '../../cli/engine/template/write.js';
import { formatProblem, SftpgwError } from '../../cli/engine/errors.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { keyPair, secretFragments } from '../helpers/keys.js';
import {
  cleanTempDirs,
  copyFixture,
  listFiles,
  repoRoot,
  runCli,
  tempDir,
} from '../helpers/project.js';

interface Expect {
  file?: string;
  field?: string;
  line?: number;
  column?: number;
  message: string;
  /** A regular expression the problem's hint matches. */
  hint?: string;
  /** The problem shows its line of the file as written. */
  excerpt?: boolean;
  minProblems?: number;
  exactProblems?: number;
  /** The environment built (--env); the top level without it. */
  env?: string;
  /** Every problem names `file`: no other file is blamed. */
  onlyThisFile?: boolean;
}

async function expectRefused(dir: string, out: string, env?: string): Promise<SftpgwError> {
  try {
    await build(
      { configFile: path.join(dir, 'sftpgw.yaml'), cwd: dir, outDir: out, environment: {}, env },
      { jsonnet: libjsonnet, reporter: new RecordingReporter() },
    );
  } catch (err) {
    if (err instanceof SftpgwError) return err;
    throw err;
  }
  throw new Error('build succeeded but should have been refused');
}

function assertMatches(err: SftpgwError, exp: Expect, text?: string) {
  const rendered = err.problems.map(formatProblem).join('\n');
  const match = err.problems.find(
    (p) =>
      (exp.file === undefined || p.file === exp.file) &&
      (exp.field === undefined || p.field === exp.field) &&
      (exp.line === undefined || p.line === exp.line) &&
      (exp.column === undefined || p.column === exp.column) &&
      (exp.hint === undefined || new RegExp(exp.hint).test(p.hint ?? '')) &&
      new RegExp(exp.message).test(p.message),
  );
  expect(
    match,
    `no problem matching ${JSON.stringify(exp)} in:\n${err.message}\n${rendered}`,
  ).to.not.equal(undefined);
  expect(err.problems.length).to.be.at.least(exp.minProblems ?? 1);
  if (exp.exactProblems !== undefined)
    expect(err.problems, rendered).to.have.length(exp.exactProblems);
  if (exp.onlyThisFile)
    expect(
      err.problems.map((p) => p.file),
      rendered,
    ).to.deep.equal(err.problems.map(() => exp.file));
  if (text === undefined) return;
  // Lines are lines of the file (never one past its end), and the line shown is the line named.
  const lines = text.split('\n');
  for (const p of err.problems)
    if (p.line !== undefined)
      expect(p.line, formatProblem(p)).to.be.within(
        1,
        lines.length - (text.endsWith('\n') ? 1 : 0),
      );
  if (exp.excerpt) {
    expect(match!.excerpt, rendered).to.equal(lines[match!.line! - 1]);
    expect(formatProblem(match!)).to.include(
      `${match!.line} | ${lines[match!.line! - 1].replace(/\t/g, '\\t')}`,
    );
  }
}

const privateKeyFragments = () => secretFragments(keyPair('ed25519').privateKey);

describe('bad user files', () => {
  afterEach(cleanTempDirs);
  const root = path.join(repoRoot, 'test', 'config', 'fixtures', 'bad-users');
  for (const name of readdirSync(root).sort()) {
    it(name, async () => {
      const dir = tempDir();
      cpSync(path.join(repoRoot, 'sftpgw.yaml'), path.join(dir, 'sftpgw.yaml'));
      copyFixture(path.join(root, name), dir);
      const out = path.join(dir, 'out');
      const err = await expectRefused(dir, out);
      assertMatches(
        err,
        JSON.parse(readFileSync(path.join(root, name, 'expect.json'), 'utf8')) as Expect,
      );
      expect(err.kind).to.equal('invalid-input');
      expect(listFiles(out), 'nothing is written').to.deep.equal([]);
      const text = [err.message, ...err.problems.map(formatProblem)].join('\n');
      for (const frag of privateKeyFragments()) expect(text).to.not.include(frag);
    });
  }
});

describe('bad config files', () => {
  afterEach(cleanTempDirs);
  const root = path.join(repoRoot, 'test', 'config', 'fixtures', 'bad-config');
  for (const name of readdirSync(root).sort()) {
    it(name, async () => {
      const dir = tempDir();
      copyFixture(path.join(root, name), dir);
      mkdirSync(path.join(dir, 'users'));
      const exp = JSON.parse(readFileSync(path.join(root, name, 'expect.json'), 'utf8')) as Expect;
      const err = await expectRefused(dir, path.join(dir, 'out'), exp.env);
      assertMatches(
        err,
        { file: 'sftpgw.yaml', ...exp },
        readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8'),
      );
      expect(listFiles(path.join(dir, 'out'))).to.deep.equal([]);
      // No part of a private key in the message, a problem, its excerpt or hint.
      const text = [err.message, err.hint ?? '', ...err.problems.map(formatProblem)].join('\n');
      for (const frag of privateKeyFragments()) expect(text).to.not.include(frag);
      if (name.includes('private-key'))
        expect(
          err.problems.filter((p) => p.excerpt !== undefined),
          'no excerpt of a file that holds a key',
        ).to.deep.equal([]);
    });
  }
});

describe('a failed build leaves the last good output alone, and writes nothing of its own', () => {
  afterEach(cleanTempDirs);

  it('build good, break a user file, build fails: the previous template is still there byte for byte, foreign files too', async () => {
    const dir = tempDir();
    cpSync(path.join(repoRoot, 'sftpgw.yaml'), path.join(dir, 'sftpgw.yaml'));
    cpSync(path.join(repoRoot, 'users'), path.join(dir, 'users'), { recursive: true });
    const out = path.join(dir, 'out');
    const ok = runCli(['build', '--out', 'out'], { cwd: dir });
    expect(ok.status, ok.stderr).to.equal(0);
    writeFileSync(path.join(out, 'notes.txt'), 'not ours');
    const snapshot = () =>
      Object.fromEntries(listFiles(out).map((f) => [f, readFileSync(path.join(out, f))]));
    const before = snapshot();
    expect(Object.keys(before)).to.deep.equal(['.sftpgw-build.json', 'notes.txt', 'template.json']);
    writeFileSync(path.join(dir, 'users', 'zed.libsonnet'), '{ sshPublicKeys: [] }\n');
    const bad = runCli(['build', '--out', 'out'], { cwd: dir });
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/users\/zed\.libsonnet.*sshPublicKeys: is empty/);
    expect(bad.stderr).to.include(
      "out still holds the last good build's template.json, left as it was: it does not match the sources",
    );
    const after = snapshot();
    expect(Object.keys(after)).to.deep.equal(Object.keys(before));
    for (const f of Object.keys(before))
      expect(after[f].equals(before[f]), `${f} byte for byte`).to.equal(true);
  });

  it('a write that fails half-way puts the previous files back and leaves no temporary file', async () => {
    const dir = tempDir();
    await writeOutputs(dir, [
      { name: 'template.json', content: 'old root\n' },
      { name: 'child-1.json', content: 'old child\n' },
    ]);
    // A fake rename, because no local part fails a rename half-way on demand:
    // the second new file's rename into place fails, after the first new file
    // has replaced the previous one.
    const err = await writeOutputs(
      dir,
      [
        { name: 'template.json', content: 'new root\n' },
        { name: 'child-2.json', content: 'new child\n' },
      ],
      {
        rename: async (from, to) => {
          if (path.basename(to) === 'child-2.json') throw new Error('EIO: simulated');
          await rename(from, to);
        },
      },
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/cannot write build output to/);
    expect(readFileSync(path.join(dir, 'template.json'), 'utf8')).to.equal('old root\n');
    expect(readFileSync(path.join(dir, 'child-1.json'), 'utf8')).to.equal('old child\n');
    expect(JSON.parse(readFileSync(path.join(dir, '.sftpgw-build.json'), 'utf8'))).to.deep.equal({
      files: ['template.json', 'child-1.json'],
    });
    expect(readdirSync(dir).sort()).to.deep.equal([
      '.sftpgw-build.json',
      'child-1.json',
      'template.json',
    ]);
  });

  it('switching format replaces template.json by template.yaml', () => {
    const dir = tempDir();
    cpSync(path.join(repoRoot, 'sftpgw.yaml'), path.join(dir, 'sftpgw.yaml'));
    cpSync(path.join(repoRoot, 'users'), path.join(dir, 'users'), { recursive: true });
    expect(runCli(['build', '-o', 'out'], { cwd: dir }).status).to.equal(0);
    expect(runCli(['build', '-o', 'out', '--format', 'yaml'], { cwd: dir }).status).to.equal(0);
    expect(listFiles(path.join(dir, 'out'))).to.deep.equal(['.sftpgw-build.json', 'template.yaml']);
  });
});

describe('private keys never reach the terminal', () => {
  afterEach(cleanTempDirs);
  for (const variant of [
    'host-key-private-key-pasted',
    'host-key-private-key-unquoted',
    'host-key-private-key-unknown-key',
  ]) {
    it(`sftpgw.yaml, ${variant}: build, validate and info refuse it and print no part of the key`, () => {
      const dir = tempDir();
      copyFixture(path.join(repoRoot, 'test', 'config', 'fixtures', 'bad-config', variant), dir);
      mkdirSync(path.join(dir, 'users'));
      for (const args of [['build', '--debug'], ['validate'], ['info', '--output', 'json']]) {
        const r = runCli(args, { cwd: dir });
        expect(r.status, `${args[0]}: ${r.stderr}`).to.equal(1);
        expect(r.stderr).to.match(/looks like a private key \(not shown\)/);
        for (const frag of privateKeyFragments()) {
          expect(r.stderr).to.not.include(frag);
          expect(r.stdout).to.not.include(frag);
        }
        expect(r.stderr + r.stdout).to.not.match(/PRIVATE KEY|b3BlbnNzaC1rZXktdjE/);
      }
    });
  }
  for (const variant of ['private-key-text-block', 'private-key-escaped']) {
    it(`${variant}: CLI stderr and stdout hold no part of the key`, () => {
      const dir = tempDir();
      cpSync(path.join(repoRoot, 'sftpgw.yaml'), path.join(dir, 'sftpgw.yaml'));
      copyFixture(path.join(repoRoot, 'test', 'config', 'fixtures', 'bad-users', variant), dir);
      const r = runCli(['build', '--debug'], { cwd: dir });
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/PRIVATE key \(not shown\)/);
      for (const frag of privateKeyFragments()) {
        expect(r.stderr).to.not.include(frag);
        expect(r.stdout).to.not.include(frag);
      }
    });
  }
});
