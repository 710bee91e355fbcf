// sftpgw snowflake sql --help, as the installed CLI prints it: every flag,
// each shown in an example. The SQL itself is tested in-process in
// snowflake-sql.unit.test.ts.
import { expect } from 'chai';
import { cleanTempDirs, runCli, tempDir } from '../helpers/project.js';

describe('snowflake sql --help', () => {
  after(cleanTempDirs);

  it('lists every flag and shows each in an example', () => {
    const r = runCli(['snowflake', 'sql', '--help'], { cwd: tempDir() });
    expect(r.status, r.stderr).to.equal(0);
    const [flags, examples] = r.stdout.split('\nExamples:\n');
    for (const flag of [
      '--integration',
      '--alter',
      '--role <name>',
      '--database <name>',
      '--schema <name>',
      '--table <name>',
      '--file-format <name>',
      '--error-integration <name>',
      '--recreate-pipes',
      '--check',
      '--refresh <since>',
    ]) {
      expect(flags, flag).to.include(flag);
      expect(examples, flag).to.match(new RegExp(` ${flag.split(' ')[0]}( |$)`, 'm'));
    }
  });
});
