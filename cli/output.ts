// Console output: the reporter commands hand to the engine. Live progress
// only on a TTY; plain lines in CI. Progress and warnings go to stderr; data
// goes to stdout. Errors are printed by cli/report-error.ts.
import type { PhaseSink } from './engine/phase.js';
import type { Reporter } from './engine/reporter.js';
import { palette, redact, useColor } from './style.js';

export { redact, useColor };

export interface OutputOptions {
  color?: boolean;
  debug?: boolean;
  quiet?: boolean;
  /**
   * Not a flag: where the engine's phases go, for the line printed when the
   * command is interrupted (cli/program.ts sets it, cli/interrupt.ts listens).
   */
  phases?: PhaseSink;
}

export function consoleReporter(opts: OutputOptions): Reporter {
  const { warning, dim } = palette(useColor(opts));
  return {
    progress: (m) => {
      if (!opts.quiet) process.stderr.write(`${dim('·')} ${m}\n`);
    },
    warn: (m) => process.stderr.write(`${warning('warning:')} ${redact(m)}\n`),
    debug: (m) => {
      if (opts.debug) process.stderr.write(dim(`debug: ${m}`) + '\n');
    },
    phase: (p) => opts.phases?.(p),
  };
}
