// Measured process of the push benchmark: the Lambda artifact itself
// (dist/handler/index.js, the bundle) invoked once with the S3 event named in
// argv, as Lambda would. S3 and Secrets Manager are moto over HTTPS; the
// parent sets AWS_ENDPOINT_URL and NODE_EXTRA_CA_CERTS (Node reads it only at
// start-up, hence a child process). Writes {seconds, outcomes} as JSON to the
// file named in argv; run with --import rusage.js so the parent reads the
// peak RSS.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Context, S3Event } from 'aws-lambda';
import { handler } from '../handler/index.js';

const [eventFile, resultFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8')) as S3Event;
const until = Date.now() + 900_000;
const context = {
  awsRequestId: 'bench',
  functionName: 'sftpgw-push',
  getRemainingTimeInMillis: () => until - Date.now(),
} as unknown as Context;
const t0 = process.hrtime.bigint();
const result = await handler(event, context);
writeFileSync(resultFile, JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, outcomes: result.outcomes }));
