// User names, home directories and logical ids (cli/engine/users/), in-process.
import { expect } from 'chai';
import { userLogicalId } from '../../cli/engine/users/logical-id.js';
import { homeDirectoryProblem, usernameProblem } from '../../cli/engine/users/spec.js';

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
