// The one place where an error becomes a message on stderr and an exit code.
// Every command's error comes here (cli/program.ts catches it around the
// command's run), as do commander's own usage errors (cli/main.ts).
import type { CommanderError } from 'commander';
import { explainAwsError } from './adapters/aws/errors.js';
import { formatProblem, SftpgwError } from './engine/errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { formatFindings } from './findings-text.js';
import type { OutputOptions } from './output.js';
import { palette, redact, useColor } from './style.js';

/** commander has printed its own message already (or the help, or the version). */
export function commanderExitCode(err: CommanderError): ExitCode {
  if (
    err.code === 'commander.helpDisplayed' ||
    err.code === 'commander.version' ||
    err.code === 'commander.help'
  )
    return EXIT.ok;
  return EXIT.usage;
}

/** Print what went wrong (AWS SDK errors explained, secrets redacted) and return the exit code it means. */
export function reportError(err: unknown, opts: OutputOptions): ExitCode {
  // AWS SDK errors are explained here, once, for every command.
  const explained = explainAwsError(err);
  printError(explained, opts);
  if (explained instanceof SftpgwError)
    return explained.kind === 'usage' ? EXIT.usage : EXIT.failed;
  return EXIT.failed;
}

function printError(err: unknown, opts: OutputOptions): void {
  const color = useColor(opts);
  const { error } = palette(color);
  if (err instanceof SftpgwError) {
    const lines = [`${error('error:')} ${err.message}`];
    if (err.findings && err.findings.length > 0)
      lines.push(formatFindings(err.findings, color).replace(/^/gm, '  '));
    else for (const p of err.problems) lines.push('  ' + formatProblem(p).replace(/\n/g, '\n  '));
    if (err.hint) lines.push(`  → ${err.hint}`);
    if (opts.debug && err.cause instanceof Error)
      lines.push(`  cause: ${err.cause.stack ?? err.cause.message}`);
    process.stderr.write(redact(lines.join('\n')) + '\n');
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const text = opts.debug
    ? (e.stack ?? e.message)
    : `${e.message}\n  (this is a bug in sftpgw or an unexpected environment; run again with --debug for the stack trace)`;
  process.stderr.write(redact(`${error('error:')} ${text}`) + '\n');
}
