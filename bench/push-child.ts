// Measured process of the push benchmark: the Lambda artifact itself
// (dist/handler/index.js, the bundle) invoked with S3 events, as Lambda would.
// S3 and Secrets Manager are moto over HTTPS; the parent sets AWS_ENDPOINT_URL
// and NODE_EXTRA_CA_CERTS (Node reads it only at start-up, hence a child
// process). A warm container: the first event (a 1-byte object, same
// destination) loads the SDK and opens the HTTPS connections; only the second
// is timed. Writes {seconds, cpuSeconds, outcomes} of the second as JSON to the file named
// in argv; run with --import rusage.js so the parent reads the peak RSS.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Context, S3Event } from 'aws-lambda';
import { handler } from '../handler/index.js';

const [warmUpFile, eventFile, resultFile] = process.argv.slice(2);
const until = Date.now() + 900_000;
const context = {
  awsRequestId: 'bench',
  functionName: 'sftpgw-push',
  getRemainingTimeInMillis: () => until - Date.now(),
} as unknown as Context;
const event = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as S3Event;
const warm = await handler(event(warmUpFile), context);
if (warm.outcomes[0]?.outcome !== 'delivered')
  throw new Error(`the warm-up delivery failed: ${JSON.stringify(warm.outcomes)}`);
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const result = await handler(event(eventFile), context);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
writeFileSync(
  resultFile,
  JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, outcomes: result.outcomes }),
);
