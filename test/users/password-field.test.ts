// The user-file field passwordHash (cli/engine/users/spec.ts), through the CLI
// as a process on a copy of the example gateway: a hash is accepted and
// changes nothing in the template (service-managed users log in by key only:
// a users/password-needs-identity-provider warning says so); a plain password
// field, or a passwordHash that is not a hash, is refused naming the file and
// field, and the value never appears in what the CLI prints.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildProject, cleanTempDirs, exampleProject } from '../helpers/project.js';

const HASH =
  '$scrypt$N=32768,r=8,p=3$hXfbBJ/NtwxZW851ncRQxw$gcxgknlAqdmTi9t7WsmK1tzPhm3tJy7t7bhMjUWQl98';
const SECRET = 'Corr3ct-H0rse-Battery';

/** The example's alice.libsonnet with `line` added as its last field. */
function withAliceField(dir: string, line: string): void {
  const file = path.join(dir, 'users', 'alice.libsonnet');
  const text = readFileSync(file, 'utf8').replace(/\n}\s*$/, `\n  ${line}\n}\n`);
  writeFileSync(file, text);
}

describe('user files: passwordHash accepted, plain passwords refused without echo', function () {
  this.timeout(120_000);
  afterEach(cleanTempDirs);

  it('a passwordHash builds the same template as without it, with a warning naming file, field and line', function () {
    const plain = buildProject(exampleProject());
    expect(plain.status, plain.output).to.equal(0);
    const dir = exampleProject();
    withAliceField(dir, `passwordHash: '${HASH}',`);
    const hashed = buildProject(dir);
    expect(hashed.status, hashed.output).to.equal(0);
    expect(hashed.template).to.deep.equal(plain.template);
    expect(hashed.output).to.include('users/password-needs-identity-provider');
    expect(hashed.output).to.match(/users\/alice\.libsonnet:6/);
    expect(hashed.output).to.include('server.identityProvider');
    expect(hashed.output).not.to.include('gcxgknlAqdmTi9t7');
  });

  const REFUSED: [string, string, RegExp][] = [
    [
      'a plain password field',
      `password: '${SECRET}',`,
      /alice\.libsonnet:6.*password.*holds a password in clear text/,
    ],
    ['a passwd field', `passwd: '${SECRET}',`, /passwd.*holds a password in clear text/],
    [
      'a passwordHash that is a password',
      `passwordHash: '${SECRET}',`,
      /passwordHash.*not an sftpgw password hash: it must start with \$scrypt\$/,
    ],
    [
      'a passwordHash with weak parameters',
      `passwordHash: '${HASH.replace('N=32768,r=8,p=3', 'N=1024,r=8,p=1')}',`,
      /passwordHash.*at least 16 MiB/,
    ],
  ];
  for (const [what, line, says] of REFUSED)
    it(`refuses ${what}, naming file and field, never printing the value`, function () {
      const dir = exampleProject();
      withAliceField(dir, line);
      const r = buildProject(dir);
      expect(r.status, r.output).to.not.equal(0);
      expect(r.output.replace(/\n\s*/g, ' ')).to.match(says);
      expect(r.output).to.include('sftpgw users passwd alice');
      expect(r.output).not.to.include(SECRET);
      expect(r.output).not.to.include('gcxgknlAqdmTi9t7');
    });

  it('refuses a plain password in a file that computes its value (jsonnet evaluates it) the same way', function () {
    const dir = exampleProject();
    const file = path.join(dir, 'users', 'acme-corp.libsonnet');
    writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()} + { password: '${SECRET}' }\n`);
    const r = buildProject(dir);
    expect(r.status, r.output).to.not.equal(0);
    expect(r.output).to.match(/acme-corp\.libsonnet.*password.*holds a password in clear text/);
    expect(r.output).not.to.include(SECRET);
  });
});
