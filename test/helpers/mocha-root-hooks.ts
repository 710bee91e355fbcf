// Mocha root hooks (loaded by .mocharc.json `require`): the backstop behind
// each test file's own after hooks.
//
// Not mocha's `exit: true`: it would end the run even when something is left
// running, and hide the leak. Instead every server a test started is stopped
// here, and a watchdog ends a run that still does not exit, naming what keeps
// it alive and failing it.
import type { RootHookObject } from 'mocha';
import { stopAllServers } from './server-registry.js';

const WATCHDOG_SECONDS = 20;

export const mochaHooks: RootHookObject = {
  async afterAll() {
    const left = await stopAllServers();
    if (left.length > 0)
      process.stderr.write(
        `test run: stopped ${left.length} server(s) a test left running: ${left.join(', ')}\n`,
      );
    // Mocha ends once nothing is pending. If something still is (a leaked
    // socket, timer or child) the process would wait forever: say what it is
    // and fail instead. unref: the watchdog itself keeps nothing alive.
    setTimeout(() => {
      const handles = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
      process.stderr.write(
        `test run: finished ${WATCHDOG_SECONDS} s ago but still running (${handles.join(', ') || 'timers'}): a test leaks a handle; exiting with failure\n`,
      );
      process.exit(process.exitCode || 1);
    }, WATCHDOG_SECONDS * 1000).unref();
  },
};
