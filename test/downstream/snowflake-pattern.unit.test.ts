// The pipes' PATTERN, run through two regex engines in-process: re2js (RE2's
// syntax and semantics) and JavaScript's RegExp; the third, GNU grep -E (POSIX
// ERE, the dialect Snowflake documents for its regular expressions), runs as a
// child process in snowflake-pattern.test.ts. Each must accept
// exactly the ingest keys of completed uploads and refuse temporary names,
// whether it is given the path relative to the stage (Snowpipe) or the whole
// key (a bulk COPY). No Snowflake runs here: the engines stand in for it.
import { expect } from 'chai';
import { RE2JS } from 're2js';
import {
  fileNamePattern,
  ingestPattern,
  TEMPORARY_SUFFIXES,
} from '../../cli/engine/snowflake/pattern.js';
import { KEPT, keys, NOT_LAYOUT, TEMPORARY } from '../helpers/snowflake-pattern-cases.js';

describe('snowflake sql: the PATTERN of the pipes', () => {
  const pattern = ingestPattern();
  const kept = keys(KEPT);
  const refused = [...keys(TEMPORARY), ...NOT_LAYOUT];

  it('lists every temporary suffix the docs name', () => {
    expect(TEMPORARY_SUFFIXES).to.deep.equal(['.filepart', '.part', '.tmp', '~']);
    for (const s of TEMPORARY_SUFFIXES) expect(TEMPORARY.some((n) => n.endsWith(s))).to.equal(true);
  });

  it('has no lookaround, backreference, backslash or empty alternative (POSIX ERE can read it)', () => {
    expect(pattern).not.to.match(/\(\?|\\|\(\||\|\)|\|\|/);
  });

  it('JavaScript RegExp: keeps completed uploads, refuses temporary names and other paths', () => {
    const re = new RegExp(pattern);
    for (const k of kept) expect(re.test(k), k).to.equal(true);
    for (const k of refused) expect(re.test(k), k).to.equal(false);
  });

  it('RE2 (re2js): the same', () => {
    const re = RE2JS.compile(pattern);
    for (const k of kept) expect(re.matches(k), k).to.equal(true);
    for (const k of refused) expect(re.matches(k), k).to.equal(false);
  });

  it('the file-name part alone refuses every temporary name in any case', () => {
    const name = new RegExp(`^${fileNamePattern()}$`);
    for (const n of KEPT) expect(name.test(n), n).to.equal(true);
    for (const n of TEMPORARY) expect(name.test(n), n).to.equal(false);
    for (const suffix of TEMPORARY_SUFFIXES)
      for (const stem of ['', 'a', 'report.csv', 'x.file', 'tm'])
        for (const s of [suffix, suffix.toUpperCase()])
          expect(name.test(`${stem}${s}`), `${stem}${s}`).to.equal(false);
  });
});
