// Destination host-key pins with an expiry: the TrustedHostKeys forms the
// secret accepts ({ Key, Expires } beside plain strings), the problems a bad
// one gets (at its exact place, never quoting a value), the UTC day rule
// (trusted through Expires, not from the day after), and how
// `destinations put --pin-expires` pairs dates with keys. In memory: the
// public keys are made with node:crypto, not ssh-keygen (unit tier).
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { DestinationError, parseDestination } from '../../shared/destination/parse-secret.js';
import {
  daysLeft,
  isCalendarDate,
  pinExpired,
  pinState,
  utcDate,
} from '../../shared/destination/pin-expiry.js';
import { fingerprint } from '../../shared/ssh/fingerprint.js';
import { pinsWithExpiry } from '../../cli/engine/destinations/pin-flags.js';
import { pinToday } from '../../cli/engine/destinations/pin-today.js';
import { SftpgwError } from '../../cli/engine/errors.js';

/** An OpenSSH ed25519 public key line and its SHA256 fingerprint, without ssh-keygen. */
function ed25519Line(comment: string): { line: string; fp: string } {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return { line: `ssh-ed25519 ${blob.toString('base64')} ${comment}`, fp: fingerprint(blob) };
}

const PASSWORD = 'pin-test-password-9f3e';
const OLD = ed25519Line('old@partner');
const NEW = ed25519Line('new@partner');

function secret(trusted: unknown[]): string {
  return JSON.stringify({
    Host: 'sftp.partner.example',
    Username: 'gw',
    Password: PASSWORD,
    TrustedHostKeys: trusted,
    RemoteDirectory: '/in',
    FilePattern: '^.*$',
  });
}

function problemsOf(trusted: unknown[]): string[] {
  try {
    parseDestination('sftpgw/partner', secret(trusted));
  } catch (err) {
    expect(err).to.be.instanceOf(DestinationError);
    const e = err as DestinationError;
    expect(e.message).not.to.include(PASSWORD);
    return e.problems;
  }
  throw new Error('expected the secret to be refused');
}

describe('destination host-key pins that expire', function () {
  describe('the secret form', function () {
    it('accepts { Key, Expires } beside plain strings and keeps each pin’s date', function () {
      const d = parseDestination(
        'sftpgw/partner',
        secret([NEW.line, { Key: OLD.line, Expires: '2027-01-31' }]),
      );
      expect([...d.hostKeyPins]).to.deep.equal([NEW.fp, OLD.fp]);
      expect(d.hostKeyTypes?.get(OLD.fp)).to.equal('ssh-ed25519');
      expect([...d.hostKeyExpires]).to.deep.equal([[OLD.fp, '2027-01-31']]);
    });

    it('accepts a bare SHA256 fingerprint with an expiry', function () {
      const d = parseDestination(
        'sftpgw/partner',
        secret([{ Key: OLD.fp, Expires: '2026-12-31' }]),
      );
      expect(d.hostKeyExpires.get(OLD.fp)).to.equal('2026-12-31');
      expect(d.hostKeyTypes?.has(OLD.fp)).to.equal(false);
    });

    it('a key pinned twice keeps the longer trust: no expiry beats a date, a later date an earlier one', function () {
      const plainWins = parseDestination(
        'sftpgw/partner',
        secret([{ Key: OLD.line, Expires: '2027-01-31' }, OLD.line]),
      );
      expect(plainWins.hostKeyExpires.has(OLD.fp)).to.equal(false);
      const laterWins = parseDestination(
        'sftpgw/partner',
        secret([
          { Key: OLD.line, Expires: '2027-03-01' },
          { Key: OLD.fp, Expires: '2027-01-31' },
        ]),
      );
      expect(laterWins.hostKeyExpires.get(OLD.fp)).to.equal('2027-03-01');
    });

    for (const [what, bad] of [
      ['not YYYY-MM-DD', '31.01.2027'],
      ['a time as well', '2027-01-31T00:00:00Z'],
      ['a number', 20270131],
    ] as const) {
      it(`refuses Expires that is ${what}, naming TrustedHostKeys/1/Expires`, function () {
        const problems = problemsOf([NEW.line, { Key: OLD.line, Expires: bad }]);
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(/^TrustedHostKeys\/1\/Expires: /);
        expect(problems.join(' ')).not.to.include(String(bad));
      });
    }

    it('refuses a day that does not exist (2027-02-29, 2026-13-01), naming the field', function () {
      for (const day of ['2027-02-29', '2026-13-01', '2026-04-31']) {
        expect(problemsOf([{ Key: OLD.line, Expires: day }])).to.deep.equal([
          'TrustedHostKeys/0/Expires: is not a calendar date; write YYYY-MM-DD, the last UTC day the key is trusted (e.g. 2027-01-31)',
        ]);
      }
      // A leap day that exists is a day.
      expect(
        parseDestination(
          'sftpgw/partner',
          secret([{ Key: OLD.line, Expires: '2028-02-29' }]),
        ).hostKeyExpires.get(OLD.fp),
      ).to.equal('2028-02-29');
    });

    it('refuses an object without Expires, an unknown key in it, and a pin of another type', function () {
      expect(problemsOf([{ Key: OLD.line }])[0]).to.match(
        /^TrustedHostKeys\/0\/Expires: is required .*without an expiry, pin the plain string/,
      );
      const unknown = problemsOf([{ Key: OLD.line, Expires: '2027-01-31', Expire: 'x' }]);
      expect(unknown[0]).to.match(/^TrustedHostKeys\/0: unknown key "Expire" \(a pin is a string/);
      expect(problemsOf([42])[0]).to.match(/^TrustedHostKeys\/0: a pin is a string/);
    });

    it('names the Key of an object pin that is not a key, and never echoes it', function () {
      const problems = problemsOf([{ Key: PASSWORD, Expires: '2027-01-31' }]);
      expect(problems[0]).to.match(
        /^TrustedHostKeys\/0\/Key: neither an OpenSSH public key line nor a SHA256: fingerprint/,
      );
      expect(problems.join(' ')).not.to.include(PASSWORD);
    });

    it('a private key pasted as Key is refused without echoing it', function () {
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      const problems = problemsOf([{ Key: pem, Expires: '2027-01-31' }]);
      expect(problems[0]).to.match(/^TrustedHostKeys\/0\/Key: is a private key/);
      expect(problems.join(' ')).not.to.include(pem.split('\n')[1]);
    });
  });

  describe('the UTC day rule', function () {
    it('trusts a pin through its Expires date and not from the day after', function () {
      expect(pinExpired('2027-01-31', '2027-01-30')).to.equal(false);
      expect(pinExpired('2027-01-31', '2027-01-31')).to.equal(false);
      expect(pinExpired('2027-01-31', '2027-02-01')).to.equal(true);
      expect(pinExpired('2026-12-31', '2027-01-01')).to.equal(true);
    });

    it('takes the UTC date of an instant: 23:59:59Z is still the day, 00:00Z the next', function () {
      expect(utcDate(new Date('2027-01-31T23:59:59.999Z'))).to.equal('2027-01-31');
      expect(utcDate(new Date('2027-02-01T00:00:00Z'))).to.equal('2027-02-01');
      // 01:00 in UTC+2 on Feb 1 is still Jan 31 in UTC.
      expect(utcDate(new Date('2027-02-01T01:00:00+02:00'))).to.equal('2027-01-31');
    });

    it('counts days left and calls a pin expiring within the window (inclusive)', function () {
      expect(daysLeft('2027-01-31', '2027-01-31')).to.equal(0);
      expect(daysLeft('2027-03-01', '2027-02-27')).to.equal(2);
      expect(daysLeft('2027-01-31', '2027-02-01')).to.equal(-1);
      expect(pinState(undefined, '2027-01-01', 30)).to.equal('ok');
      expect(pinState('2027-01-31', '2027-01-01', 30)).to.equal('expiring'); // 30 days left
      expect(pinState('2027-02-01', '2027-01-01', 30)).to.equal('ok'); // 31 days left
      expect(pinState('2027-01-01', '2027-01-01', 0)).to.equal('expiring'); // its last day
      expect(pinState('2026-12-31', '2027-01-01', 30)).to.equal('expired');
    });

    it('knows calendar dates', function () {
      expect(isCalendarDate('2028-02-29')).to.equal(true);
      expect(isCalendarDate('2027-02-29')).to.equal(false);
      expect(isCalendarDate('2027-1-31')).to.equal(false);
      expect(isCalendarDate('')).to.equal(false);
    });

    it('SFTPGW_TODAY sets the CLI’s today; a bad one is a usage error naming it', function () {
      expect(pinToday({ SFTPGW_TODAY: '2027-02-01' })).to.equal('2027-02-01');
      expect(pinToday({}, new Date('2027-01-31T23:00:00Z'))).to.equal('2027-01-31');
      expect(() => pinToday({ SFTPGW_TODAY: '2027-02-30' }))
        .to.throw(SftpgwError, /SFTPGW_TODAY: "2027-02-30" is not a day of the calendar/)
        .with.property('kind', 'usage');
    });
  });

  describe('destinations put --pin-expires', function () {
    const q = (after: number, value: string) => ({ after, value });

    it('gives the date to the --trusted-host-key right before it', function () {
      expect(
        pinsWithExpiry(['NEW', 'OLD', 'OTHER'], [q(2, '2027-01-31')], '2027-01-01'),
      ).to.deep.equal(['NEW', { Key: 'OLD', Expires: '2027-01-31' }, 'OTHER']);
      expect(pinsWithExpiry(['A'], [], '2027-01-01')).to.deep.equal(['A']);
    });

    it('today is still a valid last day; yesterday is refused as already past', function () {
      expect(pinsWithExpiry(['A'], [q(1, '2027-01-31')], '2027-01-31')).to.deep.equal([
        { Key: 'A', Expires: '2027-01-31' },
      ]);
      expect(() => pinsWithExpiry(['A'], [q(1, '2027-01-30')], '2027-01-31')).to.throw(
        /--pin-expires of --trusted-host-key #1 is 2027-01-30, already past \(today is 2027-01-31 UTC\)/,
      );
    });

    it('refuses one before any key, two for one key, and a date that is not a day', function () {
      expect(() => pinsWithExpiry(['A'], [q(0, '2027-01-31')], '2027-01-01')).to.throw(
        /--pin-expires must follow the --trusted-host-key it applies to/,
      );
      expect(() =>
        pinsWithExpiry(['A'], [q(1, '2027-01-31'), q(1, '2027-02-28')], '2027-01-01'),
      ).to.throw(/--trusted-host-key #1 is followed by two --pin-expires/);
      expect(() => pinsWithExpiry(['A'], [q(1, '2027-02-30')], '2027-01-01')).to.throw(
        /--pin-expires of --trusted-host-key #1 is not a calendar date/,
      );
    });
  });
});
