// The registry (cli/registry.ts) made into commander's program. A command's
// error is reported here, where its flags (--debug, --no-color) are known,
// through the one error-to-exit-code mapping (cli/report-error.ts).
import { Command, Option } from 'commander';
import { isGroup, type CommandDef } from './command-def.js';
import { ownPackage } from './engine/own-package.js';
import type { ExitCode } from './exit-codes.js';
import { watchInterrupts } from './interrupt.js';
import type { OptionDef, Qualifier } from './options.js';
import { SFTPGW } from './registry.js';
import { reportError } from './report-error.js';
import { checkRequirements, oneOf, required, type Requirement } from './required-options.js';

/** `finished` receives the exit code of the command that ran. */
export function program(finished: (code: ExitCode) => void = () => undefined): Command {
  const p = new Command(SFTPGW.name)
    .description(SFTPGW.description)
    .version(ownPackage().version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
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
  const requirements: Requirement[] = [];
  for (const o of def.options) {
    const option = commanderOption(o);
    if (o.required) requirements.push(required(option));
    cmd.addOption(option);
  }
  for (const o of def.options) if (o.qualifies) keepOrder(cmd, o);
  if (def.oneOf) requirements.push(oneOf(cmd, def.oneOf));
  // Missing flags are named in the order of --help (a one-of where its last flag is).
  const position = (r: Requirement) =>
    Math.max(...r.names.map((n) => cmd.options.findIndex((o) => o.attributeName() === n)));
  requirements.sort((a, b) => position(a) - position(b));
  cmd
    .addHelpText('after', def.help)
    .hook('preAction', () => checkRequirements(cmd, requirements))
    // commander passes (...arguments, options, command)
    .action(async (...received: unknown[]) =>
      finished(
        await run(
          parent.parent ? `${parent.name()} ${def.name}` : def.name,
          def,
          cmd.opts(),
          received.slice(0, -2) as string[],
        ),
      ),
    );
}

/**
 * The command's code, imported now; its error reported with its own --debug
 * and --no-color. While it runs, Ctrl-C and SIGTERM print one line saying what
 * was interrupted (cli/interrupt.ts): its reporter passes the engine's
 * phases there (`phases`, read by consoleReporter).
 */
async function run(
  name: string,
  def: CommandDef,
  flags: Record<string, unknown>,
  args: string[],
): Promise<ExitCode> {
  const interrupts = watchInterrupts(name);
  try {
    const loaded = await def.load();
    return await loaded({ ...flags, phases: interrupts.note }, args);
  } catch (err) {
    return reportError(err, flags);
  } finally {
    interrupts.dispose();
  }
}

/**
 * commander collects each flag's values on its own, losing which came after
 * which; a qualifying flag (OptionDef.qualifies) records how many values of
 * the flag it qualifies were read before it. commander's own listener has
 * set the value when this one runs (listeners run in order), so it is replaced.
 */
function keepOrder(cmd: Command, def: OptionDef): void {
  const option = cmd.options.find((o) => o.flags === def.flags)!;
  const qualified = cmd.options.find((o) => o.long === def.qualifies);
  if (!qualified)
    throw new Error(`${def.flags} qualifies ${def.qualifies}, which ${cmd.name()} does not have`);
  const seen: Qualifier[] = [];
  cmd.on(`option:${option.name()}`, (value: string) => {
    const before = cmd.getOptionValue(qualified.attributeName()) as unknown[] | undefined;
    seen.push({ after: before?.length ?? 0, value });
    cmd.setOptionValueWithSource(option.attributeName(), [...seen], 'cli');
  });
}

function commanderOption(def: OptionDef): Option {
  const o = new Option(def.flags, def.description);
  if (def.choices) o.choices(def.choices);
  if (def.default !== undefined) o.default(def.default);
  if (def.parse) o.argParser(def.parse);
  if (def.repeatable)
    o.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (def.conflicts) o.conflicts(def.conflicts);
  return o;
}
