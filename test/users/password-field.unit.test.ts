// checkUserShape (cli/engine/users/spec.ts) on passwordHash and plain password fields.
import { expect } from 'chai';
import { checkUserShape } from '../../cli/engine/users/spec.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 a@b';
const HASH =
  '$scrypt$N=32768,r=8,p=3$hXfbBJ/NtwxZW851ncRQxw$gcxgknlAqdmTi9t7WsmK1tzPhm3tJy7t7bhMjUWQl98';
const FILE = 'users/alice.libsonnet';

describe('user file field passwordHash (checkUserShape)', function () {
  it('keeps a hash in the spec; a user without one has none', function () {
    const r = checkUserShape('alice', { sshPublicKeys: [KEY], passwordHash: HASH }, FILE);
    expect(r.problems).to.deep.equal([]);
    expect(r.spec?.passwordHash).to.equal(HASH);
    const none = checkUserShape('alice', { sshPublicKeys: [KEY] }, FILE);
    expect(none.spec).to.not.have.property('passwordHash');
  });

  for (const field of ['password', 'Password', 'passwd', 'pwd'])
    it(`refuses a ${field} field without repeating its value`, function () {
      const r = checkUserShape('alice', { sshPublicKeys: [KEY], [field]: 'hunter2-secret' }, FILE);
      expect(r.spec).to.equal(undefined);
      expect(r.problems).to.have.length(1);
      const [p] = r.problems;
      expect(p).to.include({ file: FILE, field });
      expect(p.message).to.include('holds a password in clear text');
      expect(p.hint).to.include('sftpgw users passwd alice');
      expect(JSON.stringify(r.problems)).not.to.include('hunter2');
    });

  for (const [what, value, says] of [
    ['a plain password', 'hunter2-secret', 'it must start with $scrypt$'],
    ['a number', 42, 'a number, not a string'],
    ['a tampered parameter', HASH.replace('p=3', 'p=0'), 'its parameters must read'],
  ] as const)
    it(`refuses a passwordHash that is ${what}, without repeating it`, function () {
      const r = checkUserShape('alice', { sshPublicKeys: [KEY], passwordHash: value }, FILE);
      expect(r.spec).to.equal(undefined);
      expect(r.problems).to.have.length(1);
      expect(r.problems[0]).to.include({ file: FILE, field: 'passwordHash' });
      expect(r.problems[0].message).to.include(says);
      expect(JSON.stringify(r.problems)).not.to.include('hunter2');
      expect(JSON.stringify(r.problems)).not.to.include('gcxgknlAqdmT');
    });
});
