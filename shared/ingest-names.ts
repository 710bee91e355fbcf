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
