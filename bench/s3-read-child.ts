// The source alone: the handler's own S3 adapter (same SDK client, same
// environment as push-child.ts) reads the object over HTTPS and drops it.
// Writes {seconds, firstByteSeconds, chunks, bytes} as JSON to the file named
// in argv: what the push could at best do, how long moto takes to start
// answering (it loads the whole object first), and the chunk size the writer
// is fed.
import { writeFileSync } from 'node:fs';
import { s3ObjectStore } from '../handler/aws.js';

const [bucket, key, resultFile] = process.argv.slice(2);
const objects = s3ObjectStore();
await objects.tags({ bucket, key }); // warm: SDK loaded, HTTPS connection open
const t0 = process.hrtime.bigint();
const seconds = () => Number(process.hrtime.bigint() - t0) / 1e9;
const { body } = await objects.open({ bucket, key });
const firstByteSeconds = seconds();
let chunks = 0;
let bytes = 0;
for await (const chunk of body) {
  chunks++;
  bytes += (chunk as Buffer).length;
}
writeFileSync(resultFile, JSON.stringify({ seconds: seconds(), firstByteSeconds, chunks, bytes }));
