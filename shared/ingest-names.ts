// Names the ingest function writes and the template (bucket policy, docs)
// reads, spelled once. The template's deny statement for infected objects
// names MALWARE_TAG as the condition key s3:ExistingObjectTag/sftpgw:malware.

/** Tag the ingest function puts on the SOURCE version in a home when GuardDuty found threats in its copy. */
export const MALWARE_TAG = 'sftpgw:malware';

/** GuardDuty Malware Protection for S3's own tag on the scanned object. */
export const GUARDDUTY_SCAN_TAG = 'GuardDutyMalwareScanStatus';

/**
 * User metadata (x-amz-meta-<name>) on every copy in quarantine/ and ingest/:
 * the uploaded key, URL-encoded (S3 metadata travels in HTTP headers, which
 * carry ASCII only), and its version id.
 */
export const SOURCE_KEY_META = 'sftpgw-source-key';
export const SOURCE_VERSION_META = 'sftpgw-source-version-id';

/** WinSCP's temporary suffix: an upload to data.csv.filepart reaches ingest/ as data.csv. */
export const FILEPART_SUFFIX = '.filepart';

/** The file name an upload reaches ingest/ under: the base name, `.filepart` removed. */
export function ingestFileName(sourceKey: string): string {
  const base = sourceKey.slice(sourceKey.lastIndexOf('/') + 1);
  if (base.endsWith(FILEPART_SUFFIX) && base.length > FILEPART_SUFFIX.length)
    return base.slice(0, -FILEPART_SUFFIX.length);
  return base;
}

/** yyyy-mm-dd of an instant, in UTC (the date segment of an ingest/ key). */
export function utcDate(when: Date): string {
  return when.toISOString().slice(0, 10);
}
