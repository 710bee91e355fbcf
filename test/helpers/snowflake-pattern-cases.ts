// The keys the pipes' PATTERN must keep and refuse, shared by the regex
// engines run in-process (test/downstream/snowflake-pattern.unit.test.ts)
// and GNU grep -E (test/downstream/snowflake-pattern.test.ts, a child process).

/** Upload ids as the ingest function writes them: S3 version ids, or a workflow execution id. */
const IDS = ['3HL4kqtJlcpXroDTDmJ.dd_uW5kBz6ks', 'null', '0f3b9f0e-6a0c-4d5e-9a43-1c2b3d4e5f60'];
export const KEPT = [
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
export const TEMPORARY = [
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

export function keys(names: readonly string[]): string[] {
  return names.flatMap((n, i) => {
    const rel = `2025-06-0${(i % 9) + 1}/${IDS[i % IDS.length]}/${n}`;
    return [rel, `ingest/acme/${rel}`, `s3://bucket/ingest/ops@partner-1.eu/${rel}`];
  });
}
/** Paths that are not the layout at all (no date, no id), whatever the name. */
export const NOT_LAYOUT = [
  'orders.csv',
  'acme/orders.csv',
  '2025-06-01/orders.csv',
  '2025-6-01/id/orders.csv',
  '2025-06-01/id/',
  '2025-06-01//orders.csv',
];
