// users add --force edits the text of a plain-data user file; libjsonnet is
// the judge that nothing but the keys changed.
import { expect } from 'chai';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { replaceKeyList } from '../../cli/engine/users/edit-keys.js';

describe('replacing the key list of a user file', () => {
  const keys = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 it's@new",
  ];
  const evaluate = async (text: string) =>
    JSON.parse(await libjsonnet.evaluateSnippet(text, 'u.libsonnet', { jpath: [] })) as Record<
      string,
      unknown
    >;
  const plain = [
    "{ sshPublicKeys: ['old'], homeDirectory: 'a/b', readOnly: true }",
    "// head\n{\n  'sshPublicKeys': [ // the keys\n    'old1',\n    \"old2\",\n  ],\n  tags: { 'x-y': @'it''s', n: -1.5e3, z: null, list: [1, [2], {}] },  # trailing\n}\n",
    '/* a */ { homeDirectory: |||\n  multi\n|||, sshPublicKeys: [], }',
  ];
  for (const text of plain) {
    it(`changes only the keys of ${JSON.stringify(text).slice(0, 40)}…`, async () => {
      const r = replaceKeyList(text, keys);
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      const out = r.ok ? r.text : '';
      expect(await evaluate(out)).to.deep.equal({ ...(await evaluate(text)), sshPublicKeys: keys });
      // Everything outside the list is the same text.
      const before = text.slice(0, text.indexOf('[', text.indexOf('sshPublicKeys')));
      expect(out.startsWith(before)).to.equal(true);
      for (const comment of text.match(/(\/\/|#)[^\n]*|\/\*.*?\*\//g) ?? [])
        if (!comment.includes('the keys')) expect(out).to.include(comment);
    });
  }
  const computed: [string, RegExp][] = [
    ["local k = 'x';\n{ sshPublicKeys: [k] }", /computes its value \("local" at line 1\)/],
    ["(import '_p.libsonnet').new('x')", /computes its value/],
    [
      "{ sshPublicKeys: ['x'] } + { readOnly: true }",
      /continues after its object \("\+" at line 1\)/,
    ],
    ["{ sshPublicKeys: ['x'], homeDirectory:: 'h' }", /field homeDirectory is "::"/],
    ["{ sshPublicKeys: ['x'], tags+: {} }", /field tags is "\+:"/],
    ["{ sshPublicKeys: ['x' + 'y'] }", /in a list/],
    ["{ sshPublicKeys: std.split('a,b', ',') }", /computes its value \("std" at line 1\)/],
    ['{ readOnly: true }', /has no sshPublicKeys list/],
  ];
  for (const [text, why] of computed) {
    it(`refuses a file that is not plain data: ${text.slice(0, 40)}`, () => {
      const r = replaceKeyList(text, keys);
      expect(r.ok).to.equal(false);
      expect(!r.ok && r.reason).to.match(why);
    });
  }
});
