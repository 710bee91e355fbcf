// What a command is, as the registry (cli/registry.ts) declares it: name,
// description, arguments, flags, help text and a typed, lazily imported run.
import type { ExitCode } from './exit-codes.js';
import type { OptionDef } from './options.js';

export interface ArgumentDef {
  /** '<name>' (every argument is required). */
  name: string;
  description: string;
}

/** A command's run with its flags and arguments erased to what commander hands over. */
export type LoadedRun = (flags: Record<string, unknown>, args: string[]) => Promise<ExitCode>;

export interface CommandDef {
  name: string;
  description: string;
  arguments?: readonly ArgumentDef[];
  options: readonly OptionDef[];
  /** Long names of flags of which at least one must be given. */
  oneOf?: readonly string[];
  /** Printed after the flags in --help: what the command does in detail, and examples. */
  help: string;
  /** Imports the command's module when the command runs: `sftpgw build` never loads the AWS SDK. */
  load(): Promise<LoadedRun>;
}

/** A command that only holds subcommands: `sftpgw users add`. */
export interface GroupDef {
  name: string;
  description: string;
  help: string;
  commands: readonly CommandDef[];
}

export interface ProgramDef {
  name: string;
  description: string;
  help: string;
  commands: readonly (CommandDef | GroupDef)[];
}

/**
 * A command whose run takes flags F and arguments A. `load` names the
 * function itself (`async () => (await import('./commands/users.js')).runAdd`),
 * so the compiler checks that it exists and returns an exit code.
 */
export function command<F, A extends string[]>(
  def: Omit<CommandDef, 'load'> & {
    load: () => Promise<(flags: F, ...args: A) => Promise<ExitCode>>;
  },
): CommandDef {
  return {
    ...def,
    load: async () => {
      const run = await def.load();
      // commander's parsed options are untyped; the registry's flags for
      // this command are what F describes (cli/registry.ts, beside `load`).
      return (flags, args) => run(flags as F, ...(args as A));
    },
  };
}

export function isGroup(def: CommandDef | GroupDef): def is GroupDef {
  return 'commands' in def;
}
