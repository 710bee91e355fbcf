// Console output: the reporter commands hand to the engine, and error printing.
// Colours and live progress only on a TTY; plain lines in CI, with --no-color
// or NO_COLOR. Errors and progress go to stderr; data goes to stdout.
import { formatProblem, SftpgwError } from './engine/errors.js';
import type { Reporter } from './engine/reporter.js';

export interface OutputOptions {
  color?: boolean;
  debug?: boolean;
  quiet?: boolean;
}

export function useColor(opts: OutputOptions, stream: NodeJS.WriteStream = process.stderr): boolean {
  if (opts.color === false || 'NO_COLOR' in process.env || process.env.CI) return false;
  return Boolean(stream.isTTY);
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

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

/**
 * Defence in depth: whatever reaches the terminal, private key material never
 * does. The engine already refuses such input without quoting it.
 */
export function redact(text: string): string {
  return text
    .replace(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '[private key redacted]')
    .replace(/PuTTY-User-Key-File[\s\S]*/g, '[private key redacted]')
    .replace(/b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/=\s]*/g, '[private key redacted]');
}

export function printError(err: unknown, opts: OutputOptions): void {
  const color = useColor(opts);
  const red = paint(color, '31;1');
  if (err instanceof SftpgwError) {
    const lines = [`${red('error:')} ${err.message}`];
    for (const p of err.problems) lines.push('  ' + formatProblem(p).replace(/\n/g, '\n  '));
    if (err.hint) lines.push(`  → ${err.hint}`);
    if (opts.debug && err.cause instanceof Error) lines.push(`  cause: ${err.cause.stack ?? err.cause.message}`);
    process.stderr.write(redact(lines.join('\n')) + '\n');
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const text = opts.debug ? (e.stack ?? e.message) : `${e.message}\n  (this is a bug in sftpgw or an unexpected environment; run again with --debug for the stack trace)`;
  process.stderr.write(redact(`${red('error:')} ${text}`) + '\n');
}
