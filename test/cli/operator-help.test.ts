// Every command's --help, as the installed CLI prints it, has examples. The
// commands come from the registry (cli/registry.ts), so a new command cannot
// be left out of this test; a few are named too, so an empty walk fails.
import { expect } from 'chai';
import { SFTPGW } from '../../cli/registry.js';
import { cleanTempDirs, exampleProject, runCli } from '../helpers/project.js';

/** Every command line the registry declares: [], [group], [group, sub], [command]. */
function commandLines(): string[][] {
  const out: string[][] = [[]];
  for (const c of SFTPGW.commands) {
    out.push([c.name]);
    if ('commands' in c) for (const sub of c.commands) out.push([c.name, sub.name]);
  }
  return out;
}

describe('operator workflows', function () {
  this.timeout(120_000);
  after(cleanTempDirs);

  it('--help of every command has examples', function () {
    const lines = commandLines();
    const names = lines.map((l) => l.join(' '));
    for (const expected of [
      'build',
      'deploy',
      'destinations deliver',
      'outbound status',
      'outbound redeliver',
      'uploads',
    ])
      expect(names, 'the registry walk').to.include(expected);
    const project = exampleProject();
    for (const c of lines) {
      const r = runCli([...c, '--help'], { cwd: project });
      expect(r.status, c.join(' ')).to.equal(0);
      expect(r.stdout, c.join(' ')).to.include('Examples:');
    }
  });
});
