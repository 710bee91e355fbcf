// Part-file names of the delivery protocol (shared/sftp/part-files.ts),
// in-process: hidden, per attempt, within 255 bytes, recognised. The rest of
// the delivery units, with ssh-keygen keys: delivery-units.test.ts.
import { expect } from 'chai';
import { isPartFile, newAttemptId, temporaryName } from '../../shared/sftp/part-files.js';

const ID = '0123456789abcdef';

describe('delivery units', function () {
  describe('part-file names', function () {
    it('are hidden, carry the delivery and attempt ids, and differ per attempt', function () {
      const a = newAttemptId();
      const b = newAttemptId();
      expect(a).to.match(/^[0-9a-f]{12}$/);
      expect(a).not.to.equal(b);
      expect(temporaryName('orders.csv', ID, a)).to.equal(`.orders.csv.${ID}.${a}.sftpgw-part`);
      expect(temporaryName('orders.csv', ID, a)).not.to.equal(temporaryName('orders.csv', ID, b));
    });

    for (const [label, name] of [
      ['255 ASCII bytes', 'a'.repeat(251) + '.csv'],
      ['254 bytes of 2-byte characters', 'ü'.repeat(125) + '.csv'],
      ['4-byte characters', '😀'.repeat(63) + '.csv'],
      ['212 bytes, just fitting', 'b'.repeat(212)],
    ] as const) {
      it(`fit 255 bytes, cut between characters, for ${label}`, function () {
        const part = temporaryName(name, ID, 'abcdefabcdef');
        expect(Buffer.byteLength(part)).to.be.at.most(255);
        expect(
          Buffer.from(part).toString('utf8'),
          'valid UTF-8, no character cut in half',
        ).to.equal(part);
        expect(part.startsWith('.' + name.slice(0, 40))).to.equal(true);
        expect(part.endsWith(`.${ID}.abcdefabcdef.sftpgw-part`)).to.equal(true);
        expect(isPartFile(part)).to.equal(true);
      });
    }

    it('keeps a name that fits whole', function () {
      expect(temporaryName('b'.repeat(212), ID, 'abcdefabcdef')).to.equal(
        `.${'b'.repeat(212)}.${ID}.abcdefabcdef.sftpgw-part`,
      );
      expect(Buffer.byteLength(temporaryName('b'.repeat(212), ID, 'abcdefabcdef'))).to.equal(255);
    });

    it('are recognised (this and the earlier form) and nothing else is', function () {
      expect(isPartFile(`.a.csv.${ID}.abcdefabcdef.sftpgw-part`)).to.equal(true);
      expect(isPartFile(`.a.csv.${ID}.sftpgw-part`), 'the earlier per-delivery name').to.equal(
        true,
      );
      for (const other of [
        '.partner-temp',
        `a.csv.${ID}.abcdefabcdef.sftpgw-part`,
        `.a.csv.${ID.toUpperCase()}.abcdefabcdef.sftpgw-part`,
        `.a.csv.${ID}.abcdef.sftpgw-part`,
        `.a.csv.${ID}.abcdefabcdef.sftpgw-part.bak`,
        'orders.csv',
        `.a.csv.x${ID.slice(1)}.sftpgw-part`,
      ]) {
        expect(isPartFile(other), other).to.equal(false);
      }
    });
  });
});
