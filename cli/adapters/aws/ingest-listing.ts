// The copies under ingest/ in the gateway bucket (sftpgw uploads asks
// whether an upload reached ingest/<user>/<yyyy-mm-dd>/<upload-id>/<file>):
// ListObjectsV2 of one prefix, paged.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export interface ListedObject {
  key: string;
  lastModified?: Date;
}

export interface ObjectLister {
  /** Every key under the prefix. */
  list(bucket: string, prefix: string): Promise<ListedObject[]>;
}

export function sdkObjectLister(client: S3Client): ObjectLister {
  return {
    async list(bucket, prefix) {
      const found: ListedObject[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of out.Contents ?? [])
          if (o.Key)
            found.push({ key: o.Key, ...(o.LastModified ? { lastModified: o.LastModified } : {}) });
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return found;
    },
  };
}
