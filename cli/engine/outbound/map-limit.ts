// At most `limit` calls at once: one GetObjectTagging per object is the only
// way to read tags, and a page of 1,000 objects read one by one would take
// a minute; all at once would be throttled by S3.

/** fn over items, at most `limit` at a time, results in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Tags read at once per page: well below S3's request rates, fast enough for big buckets. */
export const TAG_READS_AT_ONCE = 16;
