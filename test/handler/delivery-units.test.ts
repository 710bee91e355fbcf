// Pure parts of host-key pinning, with keys made by ssh-keygen: which
// host-key algorithms a connection offers, the Overwrite field. Part-file
// names: part-file-names.unit.test.ts. Against real servers: interop.test.ts.
import { expect } from 'chai';
import ssh2 from 'ssh2';
import { parseDestination } from '../../shared/destination/parse-secret.js';
import {
  algorithmsOf,
  candidateFamilies,
  describePins,
  keyTypeOf,
  rsaOnlyWithSha1,
} from '../../shared/ssh/host-key-algorithms.js';
import { parseTrustedHostKeys } from '../../shared/ssh/host-keys.js';
import { keyPair, sshKeygenFingerprint } from '../helpers/keys.js';

describe('delivery units', function () {
  describe('host-key algorithms offered', function () {
    const pinsOf = (entries: string[]) => parseTrustedHostKeys(entries);
    const rsa = keyPair('rsa:2048').publicKey;
    const ed = keyPair('ed25519').publicKey;
    const ecdsa = keyPair('ecdsa:384').publicKey;

    it('only the pinned key types: RSA pins offer SHA-2 RSA signatures, never ssh-rsa (SHA-1)', function () {
      expect(algorithmsOf(candidateFamilies(pinsOf([rsa])).families)).to.deep.equal([
        'rsa-sha2-512',
        'rsa-sha2-256',
      ]);
      expect(algorithmsOf(candidateFamilies(pinsOf([rsa, ed])).families)).to.deep.equal([
        'ssh-ed25519',
        'rsa-sha2-512',
        'rsa-sha2-256',
      ]);
      expect(algorithmsOf(candidateFamilies(pinsOf([ecdsa])).families)).to.deep.equal([
        'ecdsa-sha2-nistp384',
      ]);
    });

    it('every family when a pin is a bare fingerprint (its type is unknown)', function () {
      const families = candidateFamilies(pinsOf([sshKeygenFingerprint(rsa)])).families;
      expect(families.map((f) => f.keyType)).to.deep.equal([
        'ssh-ed25519',
        'ecdsa-sha2-nistp256',
        'ecdsa-sha2-nistp384',
        'ecdsa-sha2-nistp521',
        'ssh-rsa',
      ]);
      expect(algorithmsOf(families)).not.to.include('ssh-rsa');
    });

    it('names DSA pins as refused and offers nothing for them', function () {
      const dsa = keyPair('dsa').publicKey;
      const plan = candidateFamilies(pinsOf([dsa]));
      expect(plan.families).to.deep.equal([]);
      expect(plan.refusedTypes).to.deep.equal(['ssh-dss']);
    });

    it('describes the pins for messages', function () {
      expect(describePins(pinsOf([ed]))).to.equal('1 ssh-ed25519 key');
      expect(
        describePins(
          pinsOf([
            ed,
            rsa,
            sshKeygenFingerprint(ecdsa),
            sshKeygenFingerprint(keyPair('ecdsa:256').publicKey),
          ]),
        ),
      ).to.equal('1 ssh-ed25519 key, 1 ssh-rsa key and 2 SHA256 fingerprints');
    });

    it('recognises a server that signs with its RSA key only via SHA-1', function () {
      expect(rsaOnlyWithSha1(['ssh-rsa'])).to.equal(true);
      expect(rsaOnlyWithSha1(['ssh-ed25519', 'ssh-rsa'])).to.equal(true);
      expect(rsaOnlyWithSha1(['rsa-sha2-256', 'ssh-rsa'])).to.equal(false);
      expect(rsaOnlyWithSha1(['ssh-ed25519'])).to.equal(false);
    });

    it('reads the key type from a public key blob', function () {
      for (const line of [rsa, ed, ecdsa]) {
        const blob = (ssh2.utils.parseKey(line) as ssh2.ParsedKey).getPublicSSH();
        expect(keyTypeOf(blob)).to.equal(line.split(' ')[0]);
      }
      expect(keyTypeOf(Buffer.from([0, 0]))).to.equal('unknown');
      expect(keyTypeOf(Buffer.from([0, 0, 0, 9, 65]))).to.equal('unknown');
    });
  });

  describe('Overwrite in the destination secret', function () {
    const base = {
      Host: 'sftp.example.com',
      Username: 'u',
      Password: 'pw-123456',
      TrustedHostKeys: [keyPair('ed25519').publicKey],
      RemoteDirectory: '/in',
      FilePattern: '.*',
    };

    it('defaults to replace; never is kept', function () {
      expect(parseDestination('p/x', JSON.stringify(base)).overwrite).to.equal('replace');
      expect(
        parseDestination('p/x', JSON.stringify({ ...base, Overwrite: 'never' })).overwrite,
      ).to.equal('never');
    });

    it('refuses any other value, naming the field', function () {
      expect(() =>
        parseDestination('p/x', JSON.stringify({ ...base, Overwrite: 'always' })),
      ).to.throw(/Overwrite: must be equal to one of the allowed values/);
    });

    it('records the key type of each pin given as a key line', function () {
      const ed = keyPair('ed25519').publicKey;
      const d = parseDestination(
        'p/x',
        JSON.stringify({
          ...base,
          TrustedHostKeys: [ed, sshKeygenFingerprint(keyPair('rsa:2048').publicKey)],
        }),
      );
      expect([...d.hostKeyTypes!.entries()]).to.deep.equal([
        [sshKeygenFingerprint(ed), 'ssh-ed25519'],
      ]);
      expect(d.hostKeyPins.size).to.equal(2);
    });
  });
});
