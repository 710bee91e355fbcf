// Flags shared by several commands, defined once (name, short form, value
// parser, default, choices): the registry (cli/registry.ts) lists them per
// command, and cli/program.ts makes commander options of them. Where a
// command's --help says more about a flag, the registry overrides only the
// description: `{ ...users, description: '…' }`. A flag only one command has
// is defined in the registry.
import { dateValue, positiveNumber } from './flag-values.js';

/** One flag as the registry declares it. */
export interface OptionDef {
  /** commander's flags string: '-u, --users <dir>', '--no-lint'. */
  flags: string;
  description: string;
  default?: unknown;
  /** Parses and checks the value while commander reads the command line (cli/flag-values.ts). */
  parse?: (value: string) => unknown;
  /** Given more than once, the values are collected in a list. */
  repeatable?: boolean;
  choices?: readonly string[];
  /** Attribute name of a flag this one cannot be given with. */
  conflicts?: string;
  /** The command cannot run without it: "(required)" in --help, checked with the others at once (cli/required-options.ts). */
  required?: boolean;
  /**
   * The long name of a repeatable flag whose latest value this flag qualifies
   * (`--trusted-host-key K --pin-expires D`): its values are collected as
   * { after, value }, `after` = how many values that flag had when this one
   * was read (0: none before it). cli/program.ts keeps the command line's order.
   */
  qualifies?: string;
}

/** A value of a flag with `qualifies`: after = values the qualified flag had before it. */
export interface Qualifier {
  after: number;
  value: string;
}

/** The flags every project command takes, as commands receive them. */
export interface CommonFlags {
  config?: string;
  env?: string;
  debug?: boolean;
  color?: boolean;
}

export const debug: OptionDef = {
  flags: '--debug',
  description: 'print debug detail and stack traces',
};
export const noColor: OptionDef = {
  flags: '--no-color',
  description: 'plain output without colours (also NO_COLOR, or when not a TTY)',
};

/** --config, --env, --debug, --no-color: every command that reads the project config. */
export const common: readonly OptionDef[] = [
  { flags: '-c, --config <file>', description: 'project config file (env SFTPGW_CONFIG)' },
  {
    flags: '-e, --env <name>',
    description: 'environment section of the config to use (env SFTPGW_ENV)',
  },
  debug,
  noColor,
];

/** --today as commands receive it: the build's UTC date (cli/engine/clock.ts). */
export interface ClockFlags {
  today?: string;
}

/**
 * --today: the UTC date a build is made as (user keys expire: docs/keys.md).
 * On every command that builds or reads the users' keys: build, validate,
 * package, deploy, diff, users list, users keys.
 */
export const today: OptionDef = {
  flags: '--today <date>',
  description:
    "build as on this UTC date, YYYY-MM-DD: which user keys have expired (env SFTPGW_TODAY; default: today's UTC date)",
  parse: dateValue('--today'),
};

export const region: OptionDef = {
  flags: '-r, --region <region>',
  description: 'AWS region (default: config region, then the SDK chain: AWS_REGION, profile)',
};

/** Where package, deploy and diff reach AWS and put artifacts. */
export const aws: readonly OptionDef[] = [
  region,
  {
    flags: '--s3-bucket <bucket>',
    description:
      'artifact bucket for the handler, child templates and templates over 51,200 bytes (overrides artifacts.bucket)',
  },
  {
    flags: '--s3-prefix <prefix>',
    description:
      'key prefix in the artifact bucket (overrides artifacts.prefix; default sftpgw/<stackName>)',
  },
];

export const users: OptionDef = {
  flags: '-u, --users <dir>',
  description: 'folder of <username>.libsonnet user files (overrides usersDir)',
};
export const usersWhenBuilding: OptionDef = {
  ...users,
  description: 'folder of user files when building (overrides usersDir)',
};

/** --template: `description` says what the command does with the file. */
export function template(description: string): OptionDef {
  return { flags: '-t, --template <file>', description };
}

/** --no-lint and --lint-timeout (cli/commands/source-flags.ts reads them). */
export const noLint: OptionDef = {
  flags: '--no-lint',
  description: 'skip cfn-lint (the schema, semantic and baseline checks still run)',
};
export const lintTimeout: OptionDef = {
  flags: '--lint-timeout <seconds>',
  description: 'stop cfn-lint after this long',
  parse: positiveNumber('seconds'),
  default: 300,
};
/** For commands that build only without --template. */
export const lintWhenBuilding: readonly OptionDef[] = [
  { ...noLint, description: 'skip cfn-lint when building' },
  lintTimeout,
];

/** --output: text for people, json for scripts; `description` says what each gives. */
export function output(description: string): OptionDef {
  return { flags: '--output <format>', description, choices: ['text', 'json'], default: 'text' };
}

/** --yes: `description` says what happens without a question. */
export function yes(description: string): OptionDef {
  return { flags: '-y, --yes', description };
}

/** A list flag given once per value: --parameter, --allow-replace, --report. */
export function repeatable(flags: string, description: string): OptionDef {
  return { flags, description, repeatable: true, default: [] };
}

/** --stack-name: `description` says what the command does with the stack. */
export function stackName(description: string): OptionDef {
  return { flags: '-s, --stack-name <name>', description };
}

/** What package, deploy and diff take beyond --config: AWS, the template or the sources, the wait. */
export const stack: readonly OptionDef[] = [
  ...aws,
  template(
    'use this built or hand-written template (JSON or YAML) instead of building from the sources',
  ),
  usersWhenBuilding,
  stackName('stack to deploy to (overrides stackName)'),
  repeatable(
    '-p, --parameter <name=value>',
    'template parameter; repeatable (over deploy.parameters)',
  ),
  ...lintWhenBuilding,
  today,
  {
    flags: '--wait-timeout <minutes>',
    description: 'give up waiting for CloudFormation after this long',
    parse: positiveNumber('minutes'),
    default: 60,
  },
];
