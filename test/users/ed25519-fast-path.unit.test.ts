// checkPublicKey reads a canonical ssh-ed25519 line without ssh2's parseKey
// (cli/engine/users/keys.ts, canonicalEd25519): for every line, the verdict
// and the fingerprint must be those ssh2 gives, the judge here.
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { checkPublicKey, ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { fingerprint } from '../../shared/ssh/fingerprint.js';

const require = createRequire(import.meta.url);
const { parseKey } = require('ssh2/lib/protocol/keyParser.js') as {
  parseKey(text: string): { type: string; getPublicSSH(): Buffer } | Error;
};

/** What ssh2 says of a line: its type and fingerprint, or that it refuses it. */
function bySsh2(line: string): { type: string; fingerprint: string } | 'refused' {
  const k = parseKey(line.trim());
  if (k instanceof Error) return 'refused';
  return { type: k.type, fingerprint: fingerprint(k.getPublicSSH()) };
}

function byUs(line: string): { type: string; fingerprint: string } | 'refused' {
  const r = checkPublicKey(line);
  return r.ok ? { type: r.type, fingerprint: r.fingerprint } : 'refused';
}

describe('ssh-ed25519 keys read without ssh2', () => {
  const lines = Array.from({ length: 40 }, (_, i) => ed25519PublicKey(`user${i}@host`));

  it('gives the fingerprint ssh2 gives, for every canonical line', () => {
    for (const line of [...lines, lines[0].split(' ').slice(0, 2).join(' ')])
      expect(byUs(line), line).to.deep.equal(bySsh2(line));
  });

  it('leaves every other form to ssh2 and agrees with its verdict', () => {
    const [type, b64] = lines[1].split(' ');
    const blob = Buffer.from(b64, 'base64');
    const variants = [
      `${type}\t${b64} tab`, // ssh2's line form wants one space
      `${type}  ${b64} two-spaces`,
      `${type} ${b64.slice(0, -2)}Q= non-canonical-padding-bits`,
      `${type} ${b64.slice(0, -1)} no-padding`,
      `${type} ${Buffer.concat([blob, Buffer.from([0, 0, 0, 0])]).toString('base64')} trailing-bytes`,
      `${type} ${blob.subarray(0, 50).toString('base64')} short`,
      `${type} ${Buffer.concat([blob.subarray(0, 15), Buffer.from([0, 0, 0, 31]), blob.subarray(19, 50)]).toString('base64')} 31-bytes`,
      `  ${lines[2]}  `,
    ];
    for (const line of variants) expect(byUs(line), line).to.deep.equal(bySsh2(line));
  });
});
