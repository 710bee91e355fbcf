// Every command's --help, as the installed CLI prints it, has examples.
import { expect } from 'chai';
import { cleanTempDirs, exampleProject, runCli } from '../helpers/project.js';

describe('operator workflows', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it('--help of every command has examples', function () {
    const commands = [
      [],
      ['build'],
      ['validate'],
      ['package'],
      ['deploy'],
      ['diff'],
      ['users'],
      ['users', 'add'],
      ['users', 'list'],
      ['users', 'remove'],
      ['destinations'],
      ['destinations', 'put'],
      ['destinations', 'test'],
      ['destinations', 'list'],
      ['destinations', 'remove'],
      ['init'],
      ['doctor'],
    ];
    for (const c of commands) {
      const r = runCli([...c, '--help'], { cwd: exampleProject() });
      expect(r.status, c.join(' ')).to.equal(0);
      expect(r.stdout, c.join(' ')).to.include('Examples:');
    }
  });
});
