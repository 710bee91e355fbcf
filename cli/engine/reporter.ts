// How the engine tells the outside world what it is doing. The engine never
// writes to the console; commands pass a reporter (tests pass a recording one).
import type { Phase } from './phase.js';

export interface Reporter {
  /** A step of long work has started or finished ("evaluated 1000 users"). */
  progress(message: string): void;
  /** Something the operator should look at, that does not fail the run. */
  warn(message: string): void;
  /** Extra detail shown with --debug. */
  debug(message: string): void;
  /**
   * What the run is in the middle of, for the line printed when it is
   * interrupted (cli/interrupt.ts). Optional: a reporter that does not listen
   * leaves it out.
   */
  phase?(phase: Phase): void;
}

export const silentReporter: Reporter = {
  progress() {},
  warn() {},
  debug() {},
};

/** Collects messages; for tests. */
export class RecordingReporter implements Reporter {
  readonly messages: { level: 'progress' | 'warn' | 'debug'; message: string }[] = [];
  readonly phases: Phase[] = [];
  phase(p: Phase) {
    this.phases.push(p);
  }
  progress(message: string) {
    this.messages.push({ level: 'progress', message });
  }
  warn(message: string) {
    this.messages.push({ level: 'warn', message });
  }
  debug(message: string) {
    this.messages.push({ level: 'debug', message });
  }
  get warnings(): string[] {
    return this.messages.filter((m) => m.level === 'warn').map((m) => m.message);
  }
}
