// The sftpgw command line. Commands are registered declaratively and their code
// is imported only when one runs, so `sftpgw build` never loads the AWS SDK.
// This file is the only place that catches errors, prints them and chooses
// the exit code.
import { Command, CommanderError, Option } from 'commander';
import { SftpgwError } from './engine/errors.js';

export const EXIT = {
  ok: 0,
  /** The work failed: invalid input, failed deploy, refused change. */
  failed: 1,
  /** Bad usage: unknown flag, missing argument, unknown environment. */
  usage: 2,
  /** `sftpgw diff` found changes. */
  changes: 3,
} as const;

export interface CommonFlags {
  config?: string;
  env?: string;
  debug?: boolean;
  color?: boolean;
}

function common(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'project config file (env SFTPGW_CONFIG)', undefined)
    .option('-e, --env <name>', 'environment section of the config to use (env SFTPGW_ENV)')
    .option('--debug', 'print debug detail and stack traces')
    .option('--no-color', 'plain output without colours (also NO_COLOR, or when not a TTY)');
}

type Runner = (flags: never, ...args: never[]) => Promise<number>;
let lastFlags: CommonFlags = {};

function action(load: () => Promise<{ run: Runner }>) {
  return async (...args: unknown[]) => {
    // commander passes (...arguments, options, command)
    const flags = args[args.length - 2] as CommonFlags;
    lastFlags = flags;
    const { run } = await load();
    process.exitCode = await (run as (...a: unknown[]) => Promise<number>)(flags, ...args.slice(0, -2));
  };
}

export function program(): Command {
  const p = new Command('sftpgw')
    .description('Build, validate and deploy a managed SFTP gateway on AWS (Transfer Family in, Lambda out).')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  common(p.command('build'))
    .description('evaluate the libsonnet resource files and user files into one CloudFormation template, check it, and write it')
    .option('-u, --users <dir>', 'folder of <username>.libsonnet user files (overrides usersDir)')
    .option('-o, --out <dir>', 'output folder (overrides outDir; default dist/gateway/<env>)')
    .addOption(new Option('-f, --format <format>', 'template format').choices(['json', 'yaml']).default('json'))
    .option('--no-lint', 'skip cfn-lint (the schema, semantic and baseline checks still run)')
    .option('--lint-timeout <seconds>', 'stop cfn-lint after this long', '300')
    .addHelpText('after', `
Validates the template (resource schemas, references and quotas, the security
baseline, cfn-lint) before writing <out>/template.json (template.yaml with
--format yaml). Exit 0 only when the template is valid and written; on any
error nothing is written and the previous build's output in <out> is removed.
Warnings are printed and do not fail the build.

Examples:
  $ sftpgw build
  $ sftpgw build --env production --out build/prod
  $ sftpgw build --users test/users --format yaml --no-lint`)
    .action(action(() => import('./commands/build.js') as Promise<{ run: Runner }>));

  common(p.command('validate'))
    .description('check the gateway template (from the sources, or a template file) and report every finding; writes no template')
    .option('-u, --users <dir>', 'folder of <username>.libsonnet user files (overrides usersDir)')
    .option('-t, --template <file>', 'validate this built or hand-written template (JSON or YAML) instead of building from the sources')
    .option('--no-lint', 'skip cfn-lint')
    .option('--lint-timeout <seconds>', 'stop cfn-lint after this long', '300')
    .addOption(new Option('--output <format>', 'findings on stdout as text (grouped by resource) or json').choices(['text', 'json']).default('text'))
    .option('--report <kind=file>', 'also write a report: codequality=FILE (GitLab Code Quality) or junit=FILE (JUnit XML); repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addHelpText('after', `
Layers: template shape and resource properties against the CloudFormation
registry schemas; references, dependency cycles and quotas; the security
baseline (waivable per resource with a reason: validation.waivers in
sftpgw.yaml); cfn-lint with informational rules. Exit 0 when there are no
errors (warnings allowed), 1 when there are.

Examples:
  $ sftpgw validate
  $ sftpgw validate --env production --report codequality=gl-code-quality-report.json --report junit=validate.xml
  $ sftpgw validate --template dist/gateway/production/template.json --output json`)
    .action(action(() => import('./commands/validate.js') as Promise<{ run: Runner }>));

  return p;
}

export async function main(argv: string[]): Promise<number> {
  // `sftpgw validate --output json | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    const p = program();
    if (argv.length <= 2) {
      process.stderr.write(p.helpInformation());
      return EXIT.usage;
    }
    await p.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      // commander has printed the message already
      return EXIT.usage;
    }
    const { printError } = await import('./output.js');
    printError(err, lastFlags);
    if (err instanceof SftpgwError) return err.kind === 'usage' ? EXIT.usage : EXIT.failed;
    return EXIT.failed;
  }
}
