// A bundled Lambda function (dist/handler/index.js or ingest.js) copied alone
// into a temporary folder under the name Lambda loads it by (index.mjs,
// ingest.mjs: no node_modules above it) and run in worker threads, like the
// single process of a Lambda container: a case that blocks the event loop is
// stopped at its time budget and reported instead of hanging the test run.
// Invocations may overlap: each one in flight has a worker of its own (as
// concurrent invocations have containers of their own), and its stdout lines
// are its own. Used by handler-harness.ts (push) and ingest-harness.ts.
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { tempDir } from './project.js';

export interface Invocation<R = unknown> {
  result?: R;
  error?: Error;
  /** stdout as written, one entry per line. */
  raw: string[];
  /** Lines that parsed as JSON. */
  lines: Array<Record<string, unknown>>;
  /** Lines that did not (must stay empty). */
  invalid: string[];
  ms: number;
  /** The call did not return within its budget; the worker was stopped. */
  hung: boolean;
  /** What was thrown was a TypeError (a crash, not a decision). */
  typeError: boolean;
}

export interface BundleWorkers<R> {
  /** The isolated copy the workers load. */
  file: string;
  /** Every line any invocation wrote. */
  allLines: string[];
  /** Calls the handler with a context whose time runs out after remainingMs; stops it after budgetMs. */
  invoke(event: unknown, remainingMs?: number, budgetMs?: number): Promise<Invocation<R>>;
  /** Has `containers` workers loaded and idle, as warm containers are. */
  warm(containers: number): Promise<void>;
  stop(): Promise<void>;
}

// Runs in the worker: loads the bundle once, captures its stdout per call.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = import(workerData.bundle).then((m) => m.handler);
loaded.then(() => parentPort.postMessage({ ready: true }), () => {});
parentPort.on('message', async ({ id, event, remainingMs }) => {
  const handler = await loaded;
  const raw = [];
  const write = process.stdout.write;
  process.stdout.write = (chunk) => { raw.push(String(chunk)); return true; };
  const until = Date.now() + remainingMs;
  const context = { awsRequestId: 'req-' + id, getRemainingTimeInMillis: () => until - Date.now() };
  let result, error;
  try {
    result = await handler(event, context);
  } catch (e) {
    error = { name: e && e.name, message: e && e.message, stack: e && e.stack, typeError: e instanceof TypeError };
  } finally {
    process.stdout.write = write;
  }
  parentPort.postMessage({ id, result, error, raw: raw.join('') });
});
`;

interface WorkerReply<R> {
  id: number;
  result?: R;
  error?: { name: string; message: string; stack: string; typeError: boolean };
  raw: string;
}

/**
 * Copies `bundle` (relative to the repository or absolute) alone into a
 * temporary folder as `name`; workers started later take `env()` as their
 * environment when they start.
 */
export function bundleWorkers<R>(
  bundle: string,
  name: string,
  env: () => NodeJS.ProcessEnv = () => ({ ...process.env }),
): BundleWorkers<R> {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: npm run build`);
  const isolated = path.join(tempDir('sftpgw-lambda-'), name);
  copyFileSync(bundle, isolated);
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const allLines: string[] = [];
  let calls = 0;
  const newWorker = (): Worker => {
    const w = new Worker(WORKER, {
      eval: true,
      workerData: { bundle: pathToFileURL(isolated).href },
      env: env(),
    });
    w.unref();
    all.add(w);
    return w;
  };
  const dropWorker = async (w: Worker): Promise<void> => {
    all.delete(w);
    await w.terminate();
  };
  return {
    file: isolated,
    allLines,
    async stop() {
      await Promise.all([...all].map(dropWorker));
    },
    async invoke(event, remainingMs = 300_000, budgetMs = remainingMs + 5_000) {
      // One worker per call in flight; a worker that hung is terminated and not reused.
      const w = idle.pop() ?? newWorker();
      const id = ++calls;
      const inv: Invocation<R> = {
        raw: [],
        lines: [],
        invalid: [],
        ms: 0,
        hung: false,
        typeError: false,
      };
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const reply = await new Promise<WorkerReply<R> | undefined>((resolve, reject) => {
        const onMessage = (m: WorkerReply<R>) => {
          if (m.id === id) {
            cleanup();
            resolve(m);
          }
        };
        const onError = (err: Error) => {
          cleanup();
          all.delete(w);
          reject(err);
        };
        const cleanup = () => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        timer = setTimeout(() => {
          cleanup();
          resolve(undefined);
        }, budgetMs);
        w.postMessage({ id, event, remainingMs });
      });
      inv.ms = Date.now() - started;
      if (!reply) {
        inv.hung = true;
        await dropWorker(w);
        inv.error = new Error(`the handler did not return within ${budgetMs} ms`);
        return inv;
      }
      idle.push(w);
      inv.result = reply.result;
      if (reply.error) {
        inv.error = Object.assign(new Error(reply.error.message), {
          name: reply.error.name,
          stack: reply.error.stack,
        });
        inv.typeError = reply.error.typeError;
      }
      inv.raw = reply.raw.split('\n').filter(Boolean);
      allLines.push(...inv.raw);
      for (const line of inv.raw) {
        try {
          inv.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          inv.invalid.push(line);
        }
      }
      return inv;
    },
    async warm(containers) {
      const started = Array.from({ length: Math.max(0, containers - idle.length) }, newWorker);
      await Promise.all(
        started.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (m: { ready?: boolean }) => {
                if (m.ready) {
                  w.off('error', reject);
                  w.off('message', onMessage);
                  resolve();
                }
              };
              w.on('message', onMessage);
              w.once('error', reject);
            }),
        ),
      );
      idle.push(...started);
    },
  };
}
