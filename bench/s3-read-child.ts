// The source alone: the handler's own S3 adapter (same SDK client, same
// environment as push-child.ts) reads the object over HTTPS and drops it.
// Writes {seconds, chunks, bytes} as JSON to the file named in argv: what the
// push could at best do, and the chunk size the writer is fed.
import { writeFileSync } from 'node:fs';
import { s3ObjectStore } from '../handler/aws.js';

const [bucket, key, resultFile] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const { body } = await s3ObjectStore().open({ bucket, key });
let chunks = 0;
let bytes = 0;
for await (const chunk of body) {
  chunks++;
  bytes += (chunk as Buffer).length;
}
writeFileSync(resultFile, JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, chunks, bytes }));
