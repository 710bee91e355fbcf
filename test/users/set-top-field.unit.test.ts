// setTopField (cli/engine/users/edit-keys.ts): users passwd's edit of a
// plain-data user file: one field set, the file's layout kept, nothing else changed.
import { expect } from 'chai';
import { setTopField } from '../../cli/engine/users/edit-keys.js';
import { readPlainData } from '../../cli/engine/users/plain-data.js';

const V = "'$scrypt$N=32768,r=8,p=3$c2FsdA$a2V5'";

function set(src: string): string {
  const r = setTopField(src, 'passwordHash', V);
  if (!r.ok) throw new Error(r.reason);
  expect(readPlainData(r.text), r.text).to.deep.equal({
    ...(readPlainData(src) as object),
    passwordHash: V.slice(1, -1),
  });
  return r.text;
}

describe('setTopField: one field of a plain-data user file', function () {
  it('adds a line after the last field, at its indent, keeping a trailing comma style', function () {
    expect(set("// who\n{\n  sshPublicKeys: [\n    'k',\n  ],\n}\n")).to.equal(
      `// who\n{\n  sshPublicKeys: [\n    'k',\n  ],\n  passwordHash: ${V},\n}\n`,
    );
    expect(set("{\n    sshPublicKeys: ['k'],\n    readOnly: true\n}\n")).to.equal(
      `{\n    sshPublicKeys: ['k'],\n    readOnly: true,\n    passwordHash: ${V}\n}\n`,
    );
  });

  it('keeps a comment ending the last field on its line', function () {
    expect(set("{\n  sshPublicKeys: ['k'],  // the laptop\n}\n")).to.equal(
      `{\n  sshPublicKeys: ['k'],  // the laptop\n  passwordHash: ${V},\n}\n`,
    );
  });

  it('keeps a one-line file on one line', function () {
    expect(set("{ sshPublicKeys: ['k'] }")).to.equal(
      `{ sshPublicKeys: ['k'], passwordHash: ${V} }`,
    );
    expect(set("{ sshPublicKeys: ['k'], }")).to.equal(
      `{ sshPublicKeys: ['k'], passwordHash: ${V}, }`,
    );
  });

  it('replaces the value of the field where the file has it, nothing else', function () {
    const src = "{\n  passwordHash: 'old', // set 2026-01-01\n  sshPublicKeys: ['k'],\n}\n";
    expect(set(src)).to.equal(
      `{\n  passwordHash: ${V}, // set 2026-01-01\n  sshPublicKeys: ['k'],\n}\n`,
    );
  });

  it('refuses a file that computes its value, saying why', function () {
    for (const src of [
      "local k = 'x'; { sshPublicKeys: [k] }",
      "(import '_partner.libsonnet').new('k', 'acme')",
      "{ sshPublicKeys: ['k'] } + { readOnly: true }",
    ]) {
      const r = setTopField(src, 'passwordHash', V);
      expect(r.ok, src).to.equal(false);
      if (!r.ok) expect(r.reason).to.match(/computes its value|continues after its object/);
    }
  });
});
