// Key and username rules, on real keys from ssh-keygen.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { SftpgwError } from '../cli/engine/errors.js';
import { discoverUsers } from '../cli/engine/users/discover.js';
import { chunkCount, evaluateUserFiles } from '../cli/engine/users/evaluate.js';
import { replaceKeyList } from '../cli/engine/users/edit-keys.js';
import { checkPublicKey } from '../cli/engine/users/keys.js';
import { userLogicalId } from '../cli/engine/users/logical-id.js';
import { homeDirectoryProblem, usernameProblem } from '../cli/engine/users/spec.js';
import { keyPair } from './helpers/keys.js';
import { cleanTempDirs, tempDir } from './helpers/project.js';

describe('public key checks', () => {
  for (const spec of ['ed25519', 'rsa:2048', 'rsa:4096', 'ecdsa:256', 'ecdsa:384', 'ecdsa:521']) {
    it(`accepts ${spec} and reports the same fingerprint as ssh-keygen -lf`, () => {
      const { publicKey } = keyPair(spec);
      const r = checkPublicKey(publicKey);
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      const f = path.join(mkdtempSync(path.join(tmpdir(), 'fp-')), 'k.pub');
      writeFileSync(f, publicKey + '\n');
      const expected = execFileSync('ssh-keygen', ['-lf', f], { encoding: 'utf8' }).split(' ')[1];
      expect(r.ok && r.fingerprint).to.equal(expected);
      if (spec.startsWith('rsa')) expect(r.ok && r.bits).to.equal(Number(spec.split(':')[1]));
    });
  }

  it('refuses RSA below 2048 bits, naming the size', () => {
    const r = checkPublicKey(keyPair('rsa:1024').publicKey);
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.message).to.match(/1024-bit/);
  });

  it('refuses a private key, flagged as secret, without quoting it', () => {
    const { privateKey } = keyPair('ed25519');
    const r = checkPublicKey(privateKey);
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.secret).to.equal(true);
    expect(!r.ok && r.message + (r.hint ?? '')).to.not.include(
      privateKey.split('\n')[1].slice(0, 20),
    );
  });
});

describe('usernames, home directories and logical ids', () => {
  it('applies the Transfer Family username rule', () => {
    for (const ok of ['abc', 'a_b', 'user@example.com', 'x'.repeat(100), '_svc', 'Bob-1'])
      expect(usernameProblem(ok), ok).to.equal(undefined);
    for (const bad of [
      'ab',
      'root',
      'ROOT',
      '-abc',
      '.abc',
      'a b',
      'x'.repeat(101),
      'a/b',
      'é-user',
    ])
      expect(usernameProblem(bad), bad).to.not.equal(undefined);
  });

  it('keeps home directories inside the bucket', () => {
    for (const ok of ['alice', 'partners/acme', 'a.b/c@d'])
      expect(homeDirectoryProblem(ok), ok).to.equal(undefined);
    for (const bad of [
      '',
      '/abs',
      'a/',
      'a//b',
      '../x',
      'a/../b',
      './a',
      'a/.',
      '${Bucket}',
      'a b',
      "a'b",
      'a"b',
    ])
      expect(homeDirectoryProblem(bad), bad).to.not.equal(undefined);
  });

  it('derives stable, valid, distinct logical ids', () => {
    const names = ['alice', 'Alice2', 'a.b.c', 'abc', 'a_bc', 'user@example.com', 'userexamplecom'];
    const ids = names.map(userLogicalId);
    for (const id of ids) expect(id).to.match(/^[A-Za-z0-9]{1,255}$/);
    expect(new Set(ids).size).to.equal(names.length);
    expect(userLogicalId('alice')).to.equal('UserAlice');
    expect(userLogicalId('a.b.c')).to.equal(userLogicalId('a.b.c'));
  });
});

// User files are evaluated inlined into a few snippets (evaluate.ts); a
// string or comment one file leaves open runs on into the files after it.
describe('user file errors name the file that has the mistake', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it('among 600 users in 3 snippets: an unclosed string and an unclosed comment, each reported in its own file at its own line:column', async () => {
    const dir = tempDir();
    const users = path.join(dir, 'users');
    mkdirSync(users);
    const key = keyPair('ed25519').publicKey;
    const good = (i: number) =>
      `// partner ${i}'s orders /* not a comment */ */\n{ /* partner ${i} */\n  sshPublicKeys: ['${key}'],\n}\n`;
    const bad: Record<number, string> = {
      100: `// partner 100\n{\n  sshPublicKeys: [\n    '${key},\n  ],\n}\n`,
      450: `{\n  sshPublicKeys: ['${key}'], /* the key\n  from the partner portal\n}\n`,
    };
    for (let i = 0; i < 600; i++)
      writeFileSync(
        path.join(users, `partner${String(i).padStart(5, '0')}.libsonnet`),
        bad[i] ?? good(i),
      );
    expect(chunkCount(600)).to.equal(3);
    const files = await discoverUsers(users, dir);
    const err = await evaluateUserFiles(files, users, libjsonnet, []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SftpgwError);
    const alone = async (n: number) => {
      const file = path.join(users, `partner${String(n).padStart(5, '0')}.libsonnet`);
      const text = await libjsonnet.evaluateFile(file, { jpath: [] }).then(
        () => '',
        (e: Error) => e.message,
      );
      const m = /:(\d+):(\d+)/.exec(text)!;
      return `users/partner${String(n).padStart(5, '0')}.libsonnet:${m[1]}:${m[2]}`;
    };
    const reported = (err as SftpgwError).problems
      .map((p) => `${p.file}:${p.line}:${p.column}`)
      .sort();
    expect(reported).to.deep.equal([await alone(100), await alone(450)]);
    expect((err as SftpgwError).problems.map((p) => p.message).sort()).to.deep.equal([
      'multi-line comment has no terminating */.',
      'unterminated string',
    ]);
  });
});

// users add --force edits the text of a plain-data user file; libjsonnet is
// the judge that nothing but the keys changed.
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
