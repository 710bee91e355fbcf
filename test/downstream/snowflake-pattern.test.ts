// The pipes' PATTERN through GNU grep -E (POSIX ERE, the dialect Snowflake
// documents for its regular expressions), a child process; re2js and
// JavaScript's RegExp run in-process in snowflake-pattern.unit.test.ts. It
// must accept exactly the ingest keys of completed uploads and refuse
// temporary names and other paths. No Snowflake runs here: grep stands in for it.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { ingestPattern } from '../../cli/engine/snowflake/pattern.js';
import { KEPT, keys, NOT_LAYOUT, TEMPORARY } from '../helpers/snowflake-pattern-cases.js';

describe('snowflake sql: the PATTERN of the pipes', () => {
  const pattern = ingestPattern();
  const kept = keys(KEPT);
  const refused = [...keys(TEMPORARY), ...NOT_LAYOUT];

  it('POSIX ERE (GNU grep -E): the same', () => {
    const all = [...kept, ...refused];
    const r = spawnSync('grep', ['-E', '-x', '-e', pattern], {
      input: `${all.join('\n')}\n`,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    expect(r.error, 'grep runs').to.equal(undefined);
    const matched = r.stdout.split('\n').filter((l) => l.length > 0);
    expect(matched).to.deep.equal(kept);
  });
});
