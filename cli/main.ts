// The sftpgw command line: parse argv with the program the registry makes
// (cli/program.ts, cli/registry.ts) and return the exit code. Errors become
// messages and exit codes in cli/report-error.ts only.
import { CommanderError } from 'commander';
import { EXIT, type ExitCode } from './exit-codes.js';
import { program } from './program.js';
import { commanderExitCode, reportError } from './report-error.js';

export async function main(argv: string[]): Promise<ExitCode> {
  // `sftpgw validate --output json | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw err;
  });
  let code: ExitCode = EXIT.ok;
  try {
    const p = program((c) => {
      code = c;
    });
    if (argv.length <= 2) {
      process.stderr.write(p.helpInformation());
      return EXIT.usage;
    }
    await p.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExitCode(err);
    // Not a command's error (those are reported where their flags are known): no flags apply.
    return reportError(err, {});
  }
}
