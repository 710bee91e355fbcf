// The directory v1 (shared/identity/directory.ts): what parses, and that each
// fault is refused with the user and field named and no secret repeated.
import { expect } from 'chai';
import {
  DirectoryError,
  type Directory,
  liveKeys,
  parseDirectory,
} from '../../shared/identity/directory.js';

const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBYtn8t8M0iVqsD0ZQ1XdCmSygUv9Bnc5A9lOu1cRe4t bob@host';
const HASH =
  '$scrypt$N=32768,r=8,p=3$hXfbBJ/NtwxZW851ncRQxw$gcxgknlAqdmTi9t7WsmK1tzPhm3tJy7t7bhMjUWQl98';

function sample(): Directory {
  return {
    format: 'sftpgw-directory/1',
    gateway: 'sftpgw-default',
    passwords: true,
    users: {
      bob: {
        policy:
          '{"Version":"2012-10-17","Statement":[{"Resource":"arn:${AWS::Partition}:s3:::${Bucket}"}]}',
        home: [{ Entry: '/', Target: '/${Bucket}/partners/bob' }],
        keys: [
          { key: KEY, expires: '2027-01-31' },
          { key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==', expires: null },
        ],
        cidrs: ['203.0.113.0/24'],
        passwordHash: HASH,
        readOnly: true,
      },
      'carol@example.com': {
        policy: '{}',
        home: [{ Entry: '/', Target: '/${Bucket}/carol' }],
        keys: [],
        cidrs: null,
        readOnly: false,
      },
      dave: {
        policy: '{}',
        home: [{ Entry: '/', Target: '/${Bucket}/dave' }],
        keys: [{ key: KEY, expires: null }],
        readOnly: false,
      },
    },
  };
}

function refusal(mutate: (d: Record<string, any>) => void): string {
  const d = sample() as unknown as Record<string, any>;
  mutate(d);
  try {
    parseDirectory(JSON.stringify(d));
  } catch (err) {
    expect(err).to.be.instanceOf(DirectoryError);
    return (err as Error).message;
  }
  throw new Error('parseDirectory accepted it');
}

describe('directory v1 (shared/identity/directory.ts)', function () {
  it('parses the contract example back to the same value', function () {
    expect(parseDirectory(JSON.stringify(sample()))).to.deep.equal(sample());
  });

  it('refuses what is not JSON or not an object', function () {
    expect(() => parseDirectory('{"format":')).to.throw(DirectoryError, /^directory: not JSON/);
    expect(() => parseDirectory('[]')).to.throw(
      'directory: (top): must be an object, not an array',
    );
  });

  const CASES: [string, (d: Record<string, any>) => void, string][] = [
    [
      'another format',
      (d) => {
        d.format = 'sftpgw-directory/2';
      },
      'directory: format: must be "sftpgw-directory/1", not "sftpgw-directory/2"',
    ],
    [
      'an unknown top field',
      (d) => {
        d.extra = 1;
      },
      'directory: "extra": unknown field',
    ],
    [
      'no gateway',
      (d) => {
        delete d.gateway;
      },
      'directory: gateway: must be the stack name, not undefined',
    ],
    [
      'passwords not boolean',
      (d) => {
        d.passwords = 'yes';
      },
      'directory: passwords: must be true or false, not string',
    ],
    [
      'users an array',
      (d) => {
        d.users = [];
      },
      'directory: users: must be an object of users, not an array',
    ],
    [
      'a bad username',
      (d) => {
        d.users['a b'] = d.users.dave;
      },
      'directory: users["a b"]: is not a valid Transfer Family username',
    ],
    [
      'a user not an object',
      (d) => {
        d.users.dave = null;
      },
      'directory: users["dave"]: must be an object, not null',
    ],
    [
      'an unknown user field',
      (d) => {
        d.users.dave.password = 'hunter2';
      },
      'directory: users["dave"].password: unknown field',
    ],
    [
      'no policy',
      (d) => {
        delete d.users.bob.policy;
      },
      'directory: users["bob"].policy: must be the session policy as JSON text',
    ],
    [
      'empty home',
      (d) => {
        d.users.bob.home = [];
      },
      'directory: users["bob"].home: must be a non-empty array',
    ],
    [
      'a home entry with more',
      (d) => {
        d.users.bob.home[0].x = 1;
      },
      'directory: users["bob"].home[0]: must be { Entry, Target } and nothing else',
    ],
    [
      'a relative target',
      (d) => {
        d.users.bob.home[0].Target = 'bucket/bob';
      },
      'directory: users["bob"].home[0].Target: must be a path starting with /',
    ],
    [
      'keys not an array',
      (d) => {
        d.users.dave.keys = KEY;
      },
      'directory: users["dave"].keys: must be an array, not string',
    ],
    [
      'a key without expires',
      (d) => {
        d.users.bob.keys[1] = { key: KEY };
      },
      'directory: users["bob"].keys[1]: must be { key, expires } and nothing else',
    ],
    [
      'a key that is not a key line',
      (d) => {
        d.users.bob.keys[0].key = 'hello';
      },
      'directory: users["bob"].keys[0].key: must be an OpenSSH public key line',
    ],
    [
      'a day not in the calendar',
      (d) => {
        d.users.bob.keys[0].expires = '2027-02-30';
      },
      'directory: users["bob"].keys[0].expires: must be a UTC date YYYY-MM-DD or null',
    ],
    [
      'a timestamp for expires',
      (d) => {
        d.users.bob.keys[0].expires = '2027-01-31T00:00:00Z';
      },
      'users["bob"].keys[0].expires',
    ],
    [
      'cidrs a string',
      (d) => {
        d.users.bob.cidrs = '203.0.113.0/24';
      },
      'directory: users["bob"].cidrs: must be an array of IPv4 networks or null, not string',
    ],
    [
      'a cidr without prefix',
      (d) => {
        d.users.bob.cidrs = ['203.0.113.0/24', '198.51.100.7'];
      },
      'directory: users["bob"].cidrs[1]: must be an IPv4 network a.b.c.d/n',
    ],
    [
      'a cidr out of range',
      (d) => {
        d.users.bob.cidrs = ['203.0.113.0/33'];
      },
      'users["bob"].cidrs[0]',
    ],
    [
      'readOnly missing',
      (d) => {
        delete d.users.dave.readOnly;
      },
      'directory: users["dave"].readOnly: must be true or false, not undefined',
    ],
  ];
  for (const [what, mutate, message] of CASES)
    it(`refuses ${what}, naming the user and field`, function () {
      expect(refusal(mutate)).to.include(message);
    });

  it('refuses a password hash that is not one, without repeating it', function () {
    const weak = HASH.replace('N=32768,r=8,p=3', 'N=1024,r=8,p=1');
    for (const [hash, says] of [
      ['hunter2', 'it must start with $scrypt$'],
      [weak, 'at least 16 MiB'],
    ]) {
      const m = refusal((d) => {
        d.users.bob.passwordHash = hash;
      });
      expect(m).to.include('directory: users["bob"].passwordHash: not an sftpgw password hash: ');
      expect(m).to.include(says);
      expect(m).not.to.include('hunter2');
      expect(m).not.to.include('gcxgknlAqdmTi9t7');
    }
  });

  it('no message repeats a key body or the policy', function () {
    const m = refusal((d) => {
      d.users.bob.keys[0].key = `ssh-ed25519 ${'A'.repeat(20)}!`;
    });
    expect(m).not.to.include('AAAAAAAAAAAA');
  });

  it('liveKeys: a key is trusted through its expiry day (UTC), not the day after', function () {
    const bob = sample().users.bob;
    expect(liveKeys(bob, new Date('2027-01-31T23:59:59Z'))).to.have.length(2);
    expect(liveKeys(bob, new Date('2027-02-01T00:00:00Z'))).to.deep.equal([
      'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==',
    ]);
  });
});
