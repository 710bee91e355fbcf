// Console output: the reporter commands hand to the engine, and error printing.
// Live progress only on a TTY; plain lines in CI. Errors and progress go to
// stderr; data goes to stdout.
import { formatProblem, SftpgwError } from './engine/errors.js';
import type { Reporter } from './engine/reporter.js';
import { formatFindings } from './findings-text.js';
import { paint, redact, useColor } from './style.js';

export { redact, useColor };

export interface OutputOptions {
  color?: boolean;
  debug?: boolean;
  quiet?: boolean;
}

export function consoleReporter(opts: OutputOptions): Reporter {
  const color = useColor(opts);
  const yellow = paint(color, '33');
  const dim = paint(color, '2');
  return {
    progress: (m) => { if (!opts.quiet) process.stderr.write(`${dim('·')} ${m}\n`); },
    warn: (m) => process.stderr.write(`${yellow('warning:')} ${redact(m)}\n`),
    debug: (m) => { if (opts.debug) process.stderr.write(dim(`debug: ${m}`) + '\n'); },
  };
}

export function printError(err: unknown, opts: OutputOptions): void {
  const color = useColor(opts);
  const red = paint(color, '31;1');
  if (err instanceof SftpgwError) {
    const lines = [`${red('error:')} ${err.message}`];
    if (err.findings && err.findings.length > 0) lines.push(formatFindings(err.findings, color).replace(/^/gm, '  '));
    else for (const p of err.problems) lines.push('  ' + formatProblem(p).replace(/\n/g, '\n  '));
    if (err.hint) lines.push(`  → ${err.hint}`);
    if (opts.debug && err.cause instanceof Error) lines.push(`  cause: ${err.cause.stack ?? err.cause.message}`);
    process.stderr.write(redact(lines.join('\n')) + '\n');
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const text = opts.debug ? (e.stack ?? e.message) : `${e.message}\n  (this is a bug in sftpgw or an unexpected environment; run again with --debug for the stack trace)`;
  process.stderr.write(redact(`${red('error:')} ${text}`) + '\n');
}
