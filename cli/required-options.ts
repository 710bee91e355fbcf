// Required flags: marked "(required)" in --help and checked all at once.
// commander's own requiredOption stops at the first missing flag, so an
// operator would find them one run at a time; and a repeatable flag with a
// default of [] never counts as missing there. These are plain options that a
// preAction hook checks together, failing with one usage error (exit 2).
import { Option, type Command } from 'commander';
import { EXIT } from './exit-codes.js';

interface Requirement {
  /** Option attribute names; the requirement is met when any of them is given. */
  names: string[];
  /** How the error names it: `--host` or `one of --private-key-file, --password-stdin`. */
  label: string;
}

const requirements = new WeakMap<Command, Requirement[]>();

function add(cmd: Command, r: Requirement): void {
  requirements.set(cmd, [...(requirements.get(cmd) ?? []), r]);
}

/** A flag the command cannot run without. */
export function requiredOption(cmd: Command, option: Option): Command {
  option.description = `${option.description} (required)`;
  add(cmd, { names: [option.attributeName()], label: option.long ?? option.flags });
  return cmd.addOption(option);
}

/** At least one of these flags (already added to the command) must be given. */
export function requireOneOf(cmd: Command, longs: string[]): Command {
  const options = longs.map((l) => cmd.options.find((o) => o.long === l)!);
  for (const o of options) o.description = `${o.description} (required: this or ${longs.filter((l) => l !== o.long).join(' or ')})`;
  add(cmd, { names: options.map((o) => o.attributeName()), label: `one of ${longs.join(' or ')}` });
  return cmd;
}

const missing = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);

/** preAction hook for the program: every missing required flag of the command that runs, in one error. */
export function checkRequiredOptions(_program: Command, action: Command): void {
  const absent = (requirements.get(action) ?? []).filter((r) => r.names.every((n) => missing(action.getOptionValue(n))));
  if (absent.length === 0) return;
  action.error(`error: missing required option${absent.length === 1 ? '' : 's'}: ${absent.map((r) => r.label).join(', ')}`, { exitCode: EXIT.usage, code: 'sftpgw.missingRequiredOptions' });
}
