// Required flags: marked "(required)" in --help and checked all at once.
// commander's own requiredOption stops at the first missing flag, so an
// operator would find them one run at a time; and a repeatable flag with a
// default of [] never counts as missing there. These are plain options that a
// preAction hook of their command checks together, failing with one usage
// error (exit 2).
import type { Command, Option } from 'commander';
import { EXIT } from './exit-codes.js';

export interface Requirement {
  /** Option attribute names; the requirement is met when any of them is given. */
  names: string[];
  /** How the error names it: `--host` or `one of --private-key-file, --password-stdin`. */
  label: string;
}

/** A flag the command cannot run without: its help says so. */
export function required(option: Option): Requirement {
  option.description = `${option.description} (required)`;
  return { names: [option.attributeName()], label: option.long ?? option.flags };
}

/** At least one of these flags (already added to the command) must be given: their help says so. */
export function oneOf(cmd: Command, longs: readonly string[]): Requirement {
  const options = longs.map((l) => {
    const o = cmd.options.find((x) => x.long === l);
    if (!o) throw new Error(`${cmd.name()}: oneOf names ${l}, which the command does not have`);
    return o;
  });
  for (const o of options)
    o.description = `${o.description} (required: this or ${longs.filter((l) => l !== o.long).join(' or ')})`;
  return { names: options.map((o) => o.attributeName()), label: `one of ${longs.join(' or ')}` };
}

const missing = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);

/** Every missing requirement of `cmd`, in one usage error. */
export function checkRequirements(cmd: Command, requirements: readonly Requirement[]): void {
  const absent = requirements.filter((r) => r.names.every((n) => missing(cmd.getOptionValue(n))));
  if (absent.length === 0) return;
  cmd.error(
    `error: missing required option${absent.length === 1 ? '' : 's'}: ${absent.map((r) => r.label).join(', ')}`,
    { exitCode: EXIT.usage, code: 'sftpgw.missingRequiredOptions' },
  );
}
