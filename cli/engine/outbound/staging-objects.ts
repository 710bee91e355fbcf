// What the outbound commands need of the staging bucket, declared by the
// engine and implemented over the S3 SDK in cli/adapters/aws/staging-objects.ts
// (tests may hand in a fake where no local part can produce a case, and say so).

/** One current object version as ListObjectsV2 lists it (no tags, no version id). */
export interface ListedObject {
  key: string;
  lastModified: Date;
  size: number;
}

export interface ListedPage {
  objects: ListedObject[];
  /** The continuation token of the next page; undefined on the last. */
  next?: string;
}

/** What HeadObject says of the current version: what a copy onto itself must keep. */
export interface ObjectHead {
  versionId?: string;
  size: number;
  lastModified?: Date;
  eTag?: string;
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: Date;
  storageClass?: string;
  /** User metadata (x-amz-meta-*), names lower-cased as S3 returns them. */
  metadata: Record<string, string>;
  /** AES256, aws:kms or aws:kms:dsse. */
  serverSideEncryption?: string;
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
}

/** A copy of a version onto its own key: new metadata and tags, the rest as head says. */
export interface CopyOnto {
  head: ObjectHead;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

export interface StagingObjects {
  /** One page of the bucket's current objects under prefix, in key order. */
  listPage(
    bucket: string,
    opts: { prefix?: string; token?: string; pageSize?: number },
  ): Promise<ListedPage>;
  /** The tags of the current version (or of versionId); undefined when the key is gone. */
  tags(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<Record<string, string> | undefined>;
  /** The current version's head; undefined when the key does not exist. */
  head(bucket: string, key: string): Promise<ObjectHead | undefined>;
  /** Copies head.versionId onto the same key; the new version's id. */
  copyOnto(bucket: string, key: string, copy: CopyOnto): Promise<{ versionId?: string }>;
}
