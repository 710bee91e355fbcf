// Password hashes (shared/identity/password-hash.ts): scrypt from node:crypto,
// parameters in the string, constant-time check, weak or malformed hashes refused.
import { expect } from 'chai';
import {
  DEFAULT_PARAMS,
  hashPassword,
  MAX_MEMORY,
  PasswordHashError,
  parsePasswordHash,
  passwordHashProblem,
  scryptKey,
  verifyPassword,
} from '../../shared/identity/password-hash.js';

// Generated once by hashPassword and checked independently with Python's
// hashlib.scrypt (OpenSSL): the same derived keys from the same salts.
const VECTORS = [
  {
    password: 'correct horse battery staple',
    hash: '$scrypt$N=32768,r=8,p=3$hXfbBJ/NtwxZW851ncRQxw$gcxgknlAqdmTi9t7WsmK1tzPhm3tJy7t7bhMjUWQl98',
  },
  {
    // NFC form hashed; the test types it decomposed below.
    password: 'pässwörd ✓',
    hash: '$scrypt$N=32768,r=8,p=3$bt8ComJgmQe0eYptTqOWDQ$BeJeNiIivUJkt1aEEMnqmStCjN3MhqNVAaPozgSLduw',
  },
  {
    password: 's3cret!',
    hash: '$scrypt$N=16384,r=8,p=5$j8HztvHQ6jMAsdBZc1oXuQ$069i1f00XGHzWI8bbz+Lk088w7RVs/LcPn5TZ9VRSiM',
  },
];

describe('password hashes (shared/identity/password-hash.ts)', function () {
  this.timeout(60_000);

  it('is scrypt as RFC 7914 specifies it (its test vector N=16384, r=8, p=1)', async function () {
    const key = await scryptKey(Buffer.from('pleaseletmein'), Buffer.from('SodiumChloride'), 64, {
      N: 16384,
      r: 8,
      p: 1,
    });
    expect(key.toString('hex')).to.equal(
      '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
    );
  });

  it('verifies the known vectors, and refuses a wrong password for each', async function () {
    for (const v of VECTORS) {
      expect(await verifyPassword(v.password, v.hash), v.password).to.equal(true);
      expect(await verifyPassword(`${v.password}x`, v.hash)).to.equal(false);
    }
    // The same text typed decomposed (a + combining diaeresis) is the same password.
    expect(await verifyPassword('pa\u0308sswo\u0308rd ✓', VECTORS[1].hash)).to.equal(true);
  });

  it('writes the default parameters and a fresh salt each time; the hash verifies', async function () {
    const a = await hashPassword('tr0ub4dor&3');
    const b = await hashPassword('tr0ub4dor&3');
    expect(a).to.match(/^\$scrypt\$N=32768,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.to.equal(b);
    expect(parsePasswordHash(a).params).to.deep.equal(DEFAULT_PARAMS);
    expect(await verifyPassword('tr0ub4dor&3', a)).to.equal(true);
    expect(await verifyPassword('Tr0ub4dor&3', a)).to.equal(false);
    expect(await verifyPassword('', a)).to.equal(false);
  });

  it('says false for a tampered key or salt (it still parses)', async function () {
    const { hash, password } = VECTORS[0];
    const parts = hash.split('$');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const badKey = [...parts.slice(0, 4), flip(parts[4])].join('$');
    const badSalt = [...parts.slice(0, 3), flip(parts[3]), parts[4]].join('$');
    expect(passwordHashProblem(badKey)).to.equal(undefined);
    expect(await verifyPassword(password, badKey)).to.equal(false);
    expect(await verifyPassword(password, badSalt)).to.equal(false);
  });

  it('refuses a hash whose parameters were changed to weaker ones, before any work', async function () {
    const weak = VECTORS[0].hash.replace('N=32768,r=8,p=3', 'N=1024,r=8,p=1');
    let err: unknown;
    try {
      await verifyPassword(VECTORS[0].password, weak);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PasswordHashError);
    expect((err as Error).message).to.include('1 MiB; at least 16 MiB is required');
  });

  const SALT = 'hXfbBJ/NtwxZW851ncRQxw';
  const KEY = 'gcxgknlAqdmTi9t7WsmK1tzPhm3tJy7t7bhMjUWQl98';
  const REFUSED: [string, unknown, string][] = [
    ['not a string', 42, 'a number, not a string'],
    ['null', null, 'a null, not a string'],
    ['a plain password', 'hunter2', 'it must start with $scrypt$'],
    ['another scheme', '$2b$12$abcdefghijklmnopqrstuv', 'it must start with $scrypt$'],
    [
      'missing key',
      `$scrypt$N=32768,r=8,p=3$${SALT}`,
      'it must be $scrypt$N=…,r=…,p=…$<salt>$<key>',
    ],
    ['extra part', `$scrypt$N=32768,r=8,p=3$${SALT}$${KEY}$x`, 'it must be'],
    [
      'parameters out of order',
      `$scrypt$r=8,N=32768,p=3$${SALT}$${KEY}`,
      'must read N=<n>,r=<r>,p=<p>',
    ],
    ['a leading zero', `$scrypt$N=032768,r=8,p=3$${SALT}$${KEY}`, 'must read N=<n>,r=<r>,p=<p>'],
    [
      'N not a power of two',
      `$scrypt$N=30000,r=8,p=3$${SALT}$${KEY}`,
      'N=30000 is not a power of two',
    ],
    ['r below 8', `$scrypt$N=65536,r=4,p=3$${SALT}$${KEY}`, 'r=4 is below 8'],
    ['too little memory', `$scrypt$N=8192,r=8,p=10$${SALT}$${KEY}`, 'at least 16 MiB'],
    [
      'too little work',
      `$scrypt$N=16384,r=8,p=1$${SALT}$${KEY}`,
      'N·r·p = 131072 is below the minimum 655360',
    ],
    [
      'too much memory',
      `$scrypt$N=1048576,r=8,p=1$${SALT}$${KEY}`,
      `at most ${MAX_MEMORY / 2 ** 20} MiB`,
    ],
    ['too much work', `$scrypt$N=32768,r=8,p=64$${SALT}$${KEY}`, 'is above the maximum'],
    ['salt not base64', `$scrypt$N=32768,r=8,p=3$not*base64$${KEY}`, 'its salt is not base64'],
    ['padded salt', `$scrypt$N=32768,r=8,p=3$${SALT}==$${KEY}`, 'its salt is not base64'],
    ['short salt', `$scrypt$N=32768,r=8,p=3$AAAAAAAAAAA$${KEY}`, 'its salt has 8 bytes'],
    [
      'key not canonical',
      `$scrypt$N=32768,r=8,p=3$${SALT}$${KEY.slice(0, -1)}9`,
      'its key is not base64',
    ],
    ['short key', `$scrypt$N=32768,r=8,p=3$${SALT}$${'A'.repeat(22)}`, 'its key has 16 bytes'],
  ];
  for (const [what, text, message] of REFUSED)
    it(`refuses ${what}, saying why, without repeating the salt or key`, function () {
      const problem = passwordHashProblem(text);
      expect(problem).to.be.a('string');
      expect(problem).to.include('not an sftpgw password hash: ');
      expect(problem).to.include(message);
      expect(problem).not.to.include(KEY.slice(0, 12));
      expect(problem).not.to.include(SALT.slice(0, 12));
      expect(() => parsePasswordHash(text)).to.throw(PasswordHashError);
    });

  it('refuses to hash an empty or overlong password, or with weak parameters', async function () {
    for (const [pw, params, message] of [
      ['', undefined, 'the password is empty'],
      ['x'.repeat(1025), undefined, 'longer than 1024 characters'],
      ['fine', { N: 1024, r: 8, p: 1 }, 'refused scrypt parameters'],
    ] as const) {
      let err: unknown;
      try {
        await hashPassword(pw, params);
      } catch (e) {
        err = e;
      }
      expect(err, String(message)).to.be.instanceOf(PasswordHashError);
      expect((err as Error).message).to.include(message);
    }
  });
});
