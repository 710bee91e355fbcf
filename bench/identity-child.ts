// One container of the identity provider function, for bench/identity.ts: a
// fresh Node process (as a Lambda cold start is) that imports the bundle
// (identity.mjs, alone in a folder), answers its first login (which reads and
// parses the directory from S3), then `warm` more logins. Prints one JSON
// object of timings (ms) on stdout; the function's own log lines go to a file.
import { createWriteStream, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventsFile, logFile] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, 'utf8')) as {
  cold: unknown;
  warm: unknown[];
  password: unknown[];
};
const log = createWriteStream(logFile);
const write = process.stdout.write.bind(process.stdout);
// The function writes its lines to stdout: send them to the log file instead.
process.stdout.write = ((chunk: string | Uint8Array) => log.write(chunk)) as typeof write;
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 };

const t0 = performance.now();
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (e: unknown, c: unknown) => Promise<{ Role?: string }>;
};
const imported = performance.now();
const first = await handler(events.cold, context);
const firstDone = performance.now();
const ok = (a: { Role?: string }) => typeof a.Role === 'string';
const time = async (list: unknown[]) => {
  const ms: number[] = [];
  let allowed = 0;
  for (const e of list) {
    const s = performance.now();
    if (ok(await handler(e, context))) allowed++;
    ms.push(performance.now() - s);
  }
  return { ms, allowed };
};
const warm = await time(events.warm);
const password = await time(events.password);
await new Promise<void>((resolve) => log.end(resolve));
write(
  `${JSON.stringify({
    // performance.now() counts from the process's start: Node's own start is in it.
    coldMs: firstDone,
    importMs: imported - t0,
    firstMs: firstDone - imported,
    firstAllowed: ok(first),
    warmMs: warm.ms,
    warmAllowed: warm.allowed,
    passwordMs: password.ms,
    passwordAllowed: password.allowed,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  })}\n`,
);
