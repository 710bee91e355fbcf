// A user file written as plain data is read without jsonnet
// (cli/engine/users/plain-data.ts): it must give exactly what libjsonnet
// gives (fields sorted as jsonnet outputs them), and leave to jsonnet every
// text outside its subset. libjsonnet runs in process here, as the build runs it.
import { expect } from 'chai';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { readPlainData } from '../../cli/engine/users/plain-data.js';

async function jsonnetValue(text: string): Promise<unknown> {
  return JSON.parse(await libjsonnet.evaluateSnippet(text, '/tmp/user.libsonnet', { jpath: [] }));
}

const PLAIN = [
  "{\n  sshPublicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO+x0IsJ bob@host'],\n  homeDirectory: 'partners/bob',\n  readOnly: true,\n}\n",
  '{ "zeta": 1, alpha: [], "b c": {}, m: null, f: false, n: [1, 20, 300,], }',
  '// who: Alice\n# owner\n/* block */ { tags: { team: "x", cost_centre: \'42\' }, allowedSourceCidrs: ["10.0.0.0/8"] } // end',
  '{ s: "it\'s", t: \'say "hi"\', u: "héllo ✓", z: 0 }',
  '[{ b: 1, a: 2 }, "x", true]',
  '{}',
];

const NOT_PLAIN = [
  "local k = 'x'; { sshPublicKeys: [k] }",
  "{ sshPublicKeys: ['a'] + ['b'] }",
  '{ hidden:: 1, a: 2 }',
  '{ a+: { b: 1 } }',
  '{ a: 1, a: 2 }',
  '{ a: "tab\\tescaped" }',
  "{ a: 'two\nlines' }",
  "{ a: @'verbatim' }",
  '{ a: 1.5 }',
  '{ a: 1e3 }',
  '{ a: 007 }',
  '{ a: -1 }',
  '{ [std.toString(1)]: 1 }',
  "{ a: import 'x.libsonnet' }",
  '{ a: 1 } + { b: 2 }',
  '{ a: 1 }.a',
  '{ a: 1 ',
  '{ self: 1 }',
  '{ "é": 1 }',
  '{ __proto__: 1 }',
  '{ a: true, b: self.a }',
  '/* open',
  '',
];

describe('user files as plain data (read without jsonnet)', () => {
  for (const text of PLAIN) {
    it(`reads ${JSON.stringify(text.slice(0, 40))}… as libjsonnet evaluates it`, async () => {
      const ours = readPlainData(text);
      expect(ours).to.deep.equal(await jsonnetValue(text));
      // Field order too: jsonnet's output is sorted, and so is ours.
      expect(JSON.stringify(ours)).to.equal(JSON.stringify(await jsonnetValue(text)));
    });
  }
  for (const text of NOT_PLAIN) {
    it(`leaves ${JSON.stringify(text.slice(0, 40))} to jsonnet`, () => {
      expect(readPlainData(text)).to.equal(undefined);
    });
  }
});
