// Parts of the outbound handler checked with ssh-keygen keys: pinned host
// keys, destination secrets, log scrubbing. Staging keys:
// staging-keys.unit.test.ts. The end-to-end cases with real servers are in
// handler.test.ts.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ssh2 from 'ssh2';
import { parseDestination } from '../../shared/destination/parse-secret.js';
import { fingerprint, parseTrustedHostKeys } from '../../shared/ssh/host-keys.js';
import { Logger } from '../../handler/log.js';
import { SecretValues } from '../../handler/secret-values.js';
import { keyPair, secretFragments } from '../helpers/keys.js';
import { cleanTempDirs, tempDir } from '../helpers/project.js';

describe('handler units', function () {
  after(cleanTempDirs);

  describe('pinned host keys', function () {
    it('computes the fingerprint ssh-keygen -lf prints, for every key type', function () {
      for (const spec of ['ed25519', 'rsa:2048', 'ecdsa:256', 'ecdsa:384', 'ecdsa:521']) {
        const { publicKey } = keyPair(spec);
        const file = path.join(tempDir(), 'k.pub');
        writeFileSync(file, publicKey + '\n');
        const expected = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(
          ' ',
        )[1];
        const key = ssh2.utils.parseKey(publicKey) as ssh2.ParsedKey;
        expect(fingerprint(key.getPublicSSH()), spec).to.equal(expected);
        expect([...parseTrustedHostKeys([publicKey]).pins]).to.deep.equal([expected]);
      }
    });

    it('refuses a private key, a malformed fingerprint and garbage, without echoing them', function () {
      const priv = keyPair('ed25519').privateKey;
      const { pins, problems } = parseTrustedHostKeys([priv, 'SHA256:tooShort', 'hello']);
      expect(pins.size).to.equal(0);
      expect(problems).to.deep.equal([
        "TrustedHostKeys/0: is a private key; pin the server's public host key (ssh-keyscan or ssh-keygen -lf)",
        'TrustedHostKeys/1: a SHA256 fingerprint is "SHA256:" followed by 43 base64 characters (as ssh-keygen -lf prints it)',
        'TrustedHostKeys/2: neither an OpenSSH public key line nor a SHA256: fingerprint (ssh-keyscan and ssh-keygen -lf output are accepted as printed)',
      ]);
    });
  });

  describe('destination secrets', function () {
    const base = {
      Host: 'sftp.example.com',
      Username: 'u',
      TrustedHostKeys: [keyPair('ed25519').publicKey],
      RemoteDirectory: '/in',
      FilePattern: '.*',
    };

    it('requires a private key or a password', function () {
      expect(() => parseDestination('p/x', JSON.stringify(base))).to.throw(
        'PrivateKey or Password: one of them is required',
      );
      expect(
        parseDestination('p/x', JSON.stringify({ ...base, Password: 'pw-123456' })).port,
      ).to.equal(22);
    });

    it('refuses a public key as PrivateKey and a wrong passphrase, quoting neither', function () {
      const pub = keyPair('ed25519').publicKey;
      expect(() => parseDestination('p/x', JSON.stringify({ ...base, PrivateKey: pub }))).to.throw(
        /PrivateKey: is a public key/,
      );
      const file = path.join(tempDir(), 'k');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right-passphrase', '-f', file]);
      const enc = execFileSync('cat', [file], { encoding: 'utf8' });
      let message = '';
      try {
        parseDestination(
          'p/x',
          JSON.stringify({ ...base, PrivateKey: enc, Passphrase: 'wrong-passphrase' }),
        );
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.include('PrivateKey: is encrypted and Passphrase is missing or wrong');
      expect(message).not.to.include('wrong-passphrase');
      for (const f of secretFragments(enc)) expect(message).not.to.include(f);
    });

    it('MaxConnections: a whole number of channels from 1 to 10, else an error naming the field', function () {
      const withMax = (v: unknown) =>
        parseDestination(
          'p/x',
          JSON.stringify({ ...base, Password: 'pw-123456', MaxConnections: v }),
        );
      expect(withMax(1).maxConnections).to.equal(1);
      expect(withMax(10).maxConnections).to.equal(10);
      expect(
        parseDestination('p/x', JSON.stringify({ ...base, Password: 'pw-123456' })).maxConnections,
        'absent: the default applies (push.ts DEFAULT_CHANNELS)',
      ).to.equal(undefined);
      expect(() => withMax(0)).to.throw(/p\/x is invalid.*MaxConnections: must be >= 1/s);
      expect(() => withMax(11)).to.throw(/MaxConnections: must be <= 10/);
      expect(() => withMax(2.5)).to.throw(/MaxConnections: must be integer/);
      expect(() => withMax('4')).to.throw(/MaxConnections: must be integer/);
    });

    it('anchors FilePattern to the whole file name', function () {
      const d = parseDestination(
        'p/x',
        JSON.stringify({ ...base, Password: 'pw-123456', FilePattern: 'a|b' }),
      );
      expect(['a', 'b', 'ab', 'xa'].map((n) => d.filePattern.matches(n))).to.deep.equal([
        true,
        true,
        false,
        false,
      ]);
    });
  });

  describe('log lines', function () {
    it('redact() removes private key blocks and known secret values wherever they are', function () {
      const priv = keyPair('ed25519').privateKey;
      const secrets = new SecretValues();
      secrets.add(['hunter2-pw']);
      const text = secrets.redact(JSON.stringify({ error: `failed: ${priv} with pw hunter2-pw` }));
      for (const f of secretFragments(priv)) expect(text).not.to.include(f);
      expect(text).not.to.include('hunter2-pw');
      expect(text).to.include('[private key redacted]');
    });

    it('Logger writes one JSON object per line with the base fields', function () {
      const lines: string[] = [];
      const log = new Logger((l) => lines.push(l), { requestId: 'r1' });
      log.addSecrets(['s3cr3t-value']);
      log.log('error', 'x', { error: 'auth with s3cr3t-value failed' });
      expect(lines).to.have.length(1);
      expect(lines[0].endsWith('\n')).to.equal(true);
      expect(JSON.parse(lines[0])).to.include({
        level: 'error',
        message: 'x',
        requestId: 'r1',
        error: 'auth with [redacted] failed',
      });
    });
  });
});
