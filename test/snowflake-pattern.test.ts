// The pipes' PATTERN, run through three regex engines: GNU grep -E (POSIX
// ERE, the dialect Snowflake documents for its regular expressions), re2js
// (RE2's syntax and semantics) and JavaScript's RegExp. Each must accept
// exactly the ingest keys of completed uploads and refuse temporary names,
// whether it is given the path relative to the stage (Snowpipe) or the whole
// key (a bulk COPY). No Snowflake runs here: the engines stand in for it.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { RE2JS } from 're2js';
import {
  fileNamePattern,
  ingestPattern,
  TEMPORARY_SUFFIXES,
} from '../cli/engine/snowflake/pattern.js';

/** Upload ids as the ingest function writes them: S3 version ids, or a workflow execution id. */
const IDS = ['3HL4kqtJlcpXroDTDmJ.dd_uW5kBz6ks', 'null', '0f3b9f0e-6a0c-4d5e-9a43-1c2b3d4e5f60'];
const KEPT = [
  'orders.csv',
  'orders_20250601.CSV',
  'report.part.csv', // the suffix is in the middle
  'report-part',
  'part',
  'epart',
  'mypart',
  'a.parts',
  'a.efilepart',
  'filepart',
  'x.file',
  'tmp',
  'a.tm',
  'a.tmpx',
  'p',
  't',
  'data.json.gz',
  'name with spaces.txt',
  'ünïcode.csv',
];
const TEMPORARY = [
  'orders.csv.filepart',
  'orders.csv.FILEPART',
  'a.FilePart',
  'orders.csv.part',
  'a.Part',
  'a..part',
  'x.tmp',
  'x.TMP',
  '.tmp',
  'x~',
  '~',
  'orders.csv~',
];

function keys(names: readonly string[]): string[] {
  return names.flatMap((n, i) => {
    const rel = `2025-06-0${(i % 9) + 1}/${IDS[i % IDS.length]}/${n}`;
    return [rel, `ingest/acme/${rel}`, `s3://bucket/ingest/ops@partner-1.eu/${rel}`];
  });
}
/** Paths that are not the layout at all (no date, no id), whatever the name. */
const NOT_LAYOUT = [
  'orders.csv',
  'acme/orders.csv',
  '2025-06-01/orders.csv',
  '2025-6-01/id/orders.csv',
  '2025-06-01/id/',
  '2025-06-01//orders.csv',
];

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
