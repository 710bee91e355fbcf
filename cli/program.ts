// The registry (cli/registry.ts) made into commander's program. A command's
// error is reported here, where its flags (--debug, --no-color) are known,
// through the one error-to-exit-code mapping (cli/report-error.ts).
import { Command, Option } from 'commander';
import { isGroup, type CommandDef } from './command-def.js';
import { ownPackage } from './engine/own-package.js';
import type { ExitCode } from './exit-codes.js';
import type { OptionDef } from './options.js';
import { SFTPGW } from './registry.js';
import { reportError } from './report-error.js';
import { checkRequiredOptions, requiredOption, requireOneOf } from './required-options.js';

/** `finished` receives the exit code of the command that ran. */
export function program(finished: (code: ExitCode) => void = () => undefined): Command {
  const p = new Command(SFTPGW.name)
    .description(SFTPGW.description)
    .version(ownPackage().version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .hook('preAction', checkRequiredOptions)
    .addHelpText('after', SFTPGW.help);
  // Subcommands inherit the settings above, so they are added after them.
  for (const def of SFTPGW.commands) {
    if (!isGroup(def)) {
      addCommand(p, def, finished);
      continue;
    }
    const group = p.command(def.name).description(def.description).addHelpText('after', def.help);
    for (const sub of def.commands) addCommand(group, sub, finished);
  }
  return p;
}

function addCommand(parent: Command, def: CommandDef, finished: (code: ExitCode) => void): void {
  const cmd = parent.command(def.name).description(def.description);
  for (const a of def.arguments ?? []) cmd.argument(a.name, a.description);
  for (const o of def.options) {
    if (o.required) requiredOption(cmd, commanderOption(o));
    else cmd.addOption(commanderOption(o));
  }
  if (def.oneOf) requireOneOf(cmd, [...def.oneOf]);
  cmd.addHelpText('after', def.help).action(async (...received: unknown[]) => {
    // commander passes (...arguments, options, command)
    const flags = cmd.opts();
    const args = received.slice(0, -2) as string[];
    let code: ExitCode;
    try {
      const run = await def.load();
      code = await run(flags, args);
    } catch (err) {
      code = reportError(err, flags);
    }
    finished(code);
  });
}

function commanderOption(def: OptionDef): Option {
  const o = new Option(def.flags, def.description);
  if (def.choices) o.choices(def.choices);
  if (def.default !== undefined) o.default(def.default);
  if (def.parse) o.argParser(def.parse);
  if (def.repeatable) o.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (def.conflicts) o.conflicts(def.conflicts);
  return o;
}
