// Every server a test starts (sshd, moto_server, …) is listed here from spawn
// to exit, so a test whose setup fails half-way cannot leave one running or
// keep mocha from exiting:
// - the child and its pipes are unref'd: a server nobody stopped never keeps
//   the process alive (only stop() holds it, while it waits for the exit);
// - the root hook (test/helpers/mocha-root-hooks.ts) stops what is still
//   running at the end of the run;
// - on process exit, and on SIGINT/SIGTERM/SIGHUP, whatever is left is killed
//   by PID (SIGKILL: an exit handler cannot wait).
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

interface Entry {
  what: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

const running = new Map<number, Entry>();

/** Unref'd stream ends of a child (net.Socket pipes have unref; others do not need it). */
function unrefStream(s: Readable | Writable | null): void {
  (s as { unref?: () => void } | null)?.unref?.();
}

/**
 * Lists a freshly spawned server until it exits. `stop` is its own orderly
 * stop (it may end helper processes first); it is what stopAllServers calls.
 */
export function registerServer(what: string, child: ChildProcess, stop: () => Promise<void>): void {
  if (child.pid === undefined) return; // never started: nothing to stop
  const pid = child.pid;
  running.set(pid, { what, child, stop });
  child.once('exit', () => running.delete(pid));
  child.unref();
  unrefStream(child.stdin);
  unrefStream(child.stdout);
  unrefStream(child.stderr);
}

/** Waits for a child to exit, holding the process alive meanwhile. */
export async function exited(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      // Did not stop in time: no second chance.
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Servers still running: "moto_server (pid 123)". */
export function runningServers(): string[] {
  return [...running].map(([pid, e]) => `${e.what} (pid ${pid})`);
}

/** Stops every server still listed; returns what it had to stop. */
export async function stopAllServers(): Promise<string[]> {
  const left = runningServers();
  await Promise.all(
    [...running.values()].map((e) =>
      e.stop().catch(() => {
        try {
          process.kill(e.child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }),
    ),
  );
  return left;
}

function killAllNow(): void {
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  running.clear();
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // once: after the servers are gone, the signal is raised again and does
  // what it would have done without this listener.
  process.once(signal, () => {
    killAllNow();
    process.kill(process.pid, signal);
  });
}
