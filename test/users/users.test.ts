// Public key rules, on real keys from ssh-keygen, and user file errors among
// many user files with such keys. Username and home directory rules:
// user-names.unit.test.ts; replacing a file's key list: user-key-list.unit.test.ts.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { discoverUsers } from '../../cli/engine/users/discover.js';
import { chunkCount, evaluateUserFiles } from '../../cli/engine/users/evaluate.js';
import { checkPublicKey } from '../../cli/engine/users/keys.js';
import { keyPair } from '../helpers/keys.js';
import { cleanTempDirs, tempDir } from '../helpers/project.js';

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
