// The sftpgw command line. Commands are registered declaratively and their code
// is imported only when one runs, so `sftpgw build` never loads the AWS SDK.
// This file is the only place that catches errors, prints them and chooses
// the exit code.
import { Command, CommanderError, Option } from 'commander';
import { explainAwsError } from './adapters/aws/errors.js';
import { SftpgwError } from './engine/errors.js';
import { portNumber, positiveNumber } from './flag-values.js';
import { ownPackage } from './engine/own-package.js';
import { checkRequiredOptions, requiredOption, requireOneOf } from './required-options.js';

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

/** A command's action: import its module when it runs and call `name` (default run). */
function action(load: () => Promise<unknown>, name = 'run') {
  return async (...args: unknown[]) => {
    // commander passes (...arguments, options, command)
    const flags = args[args.length - 2] as CommonFlags;
    lastFlags = flags;
    const run = (await load() as Record<string, Runner>)[name];
    process.exitCode = await (run as (...a: unknown[]) => Promise<number>)(flags, ...args.slice(0, -2));
  };
}

export function program(): Command {
  const p = new Command('sftpgw')
    .description('Build, validate and deploy a managed SFTP gateway on AWS (Transfer Family in, Lambda out).')
    .version(ownPackage().version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .hook('preAction', checkRequiredOptions)
    .addHelpText('after', `
Every command reads ./sftpgw.yaml (--config FILE) and takes --env NAME for one of
its environments; run sftpgw <command> --help for a command's flags and examples.

Examples:
  $ sftpgw init acme-sftp && cd acme-sftp && npm install    # a new gateway repository
  $ sftpgw users add partner-a --key partner-a.pub          # one SFTP user
  $ sftpgw validate --report codequality=gl-code-quality-report.json
  $ sftpgw build --env production
  $ sftpgw diff --env production                            # what a deploy would change
  $ sftpgw deploy --env production --yes
  $ sftpgw destinations put partner-a --host sftp.partner.example --username gw \\
      --private-key-file partner-a_ed25519 --trusted-host-key "ssh-ed25519 AAAA…" \\
      --remote-dir /incoming --pattern '^orders_[0-9]{8}\\.csv$'`);

  common(p.command('build'))
    .description('evaluate the libsonnet resource files and user files into one CloudFormation template, check it, and write it')
    .option('-u, --users <dir>', 'folder of <username>.libsonnet user files (overrides usersDir)')
    .option('-o, --out <dir>', 'output folder (overrides outDir; default dist/gateway/<env>)')
    .addOption(new Option('-f, --format <format>', 'template format').choices(['json', 'yaml']).default('json'))
    .option('--no-lint', 'skip cfn-lint (the schema, semantic and baseline checks still run)')
    .option('--lint-timeout <seconds>', 'stop cfn-lint after this long', positiveNumber('seconds'), 300)
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
    .option('--lint-timeout <seconds>', 'stop cfn-lint after this long', positiveNumber('seconds'), 300)
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

  const aws = (cmd: Command): Command => cmd
    .option('-r, --region <region>', 'AWS region (default: config region, then the SDK chain: AWS_REGION, profile)')
    .option('--s3-bucket <bucket>', 'artifact bucket for the handler, child templates and templates over 51,200 bytes (overrides artifacts.bucket)')
    .option('--s3-prefix <prefix>', 'key prefix in the artifact bucket (overrides artifacts.prefix; default sftpgw/<stackName>)');
  const stack = (cmd: Command): Command => aws(cmd)
    .option('-t, --template <file>', 'use this built or hand-written template (JSON or YAML) instead of building from the sources')
    .option('-u, --users <dir>', 'folder of user files when building (overrides usersDir)')
    .option('-s, --stack-name <name>', 'stack to deploy to (overrides stackName)')
    .option('-p, --parameter <name=value>', 'template parameter; repeatable (over deploy.parameters)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--no-lint', 'skip cfn-lint when building')
    .option('--lint-timeout <seconds>', 'stop cfn-lint after this long', positiveNumber('seconds'), 300)
    .option('--wait-timeout <minutes>', 'give up waiting for CloudFormation after this long', positiveNumber('minutes'), 60);

  aws(common(p.command('package')))
    .description('upload the push function and child templates to the artifact bucket by content hash, and write the packaged template')
    .option('-t, --template <file>', 'package this built template instead of building from the sources')
    .option('-u, --users <dir>', 'folder of user files when building (overrides usersDir)')
    .option('-o, --out <dir>', 'folder for the packaged template.json (default <outDir>/packaged)')
    .option('--no-lint', 'skip cfn-lint when building')
    .option('--lint-timeout <seconds>', 'stop cfn-lint after this long', positiveNumber('seconds'), 300)
    .addHelpText('after', `
Zips dist/handler/index.js deterministically (same bundle, same bytes), uploads
it as <prefix>/handler/<sha256>.zip unless that key exists, does the same for
child templates, and writes the template with the code location filled in.

Examples:
  $ sftpgw package --s3-bucket my-artifacts
  $ sftpgw package --template dist/gateway/production/template.json --out build/packaged`)
    .action(action(() => import('./commands/package.js') as Promise<{ run: Runner }>));

  stack(common(p.command('deploy')))
    .description('build, package and deploy the gateway through a change set, refusing to replace or delete stateful resources unless allowed')
    .option('-y, --yes', 'execute the change set without asking (CI)')
    .option('--no-execute', 'create the change set and leave it for review; apply it later with --execute NAME')
    .option('--execute <change-set>', 'execute a change set an earlier --no-execute left (guard included)')
    .option('--allow-replace <logical-id>', 'let this stateful resource be replaced or deleted; repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--allow-user-moves', 'let SFTP users move between stacks (a userStacks change; see docs/users.md#many-users-child-stacks)')
    .option('--recreate-failed', 'delete and recreate a stack whose creation failed (ROLLBACK_COMPLETE)')
    .option('--role-arn <arn>', 'role CloudFormation assumes (overrides deploy.roleArn)')
    .option('--termination-protection', 'turn stack termination protection on (overrides deploy.terminationProtection)')
    .option('--no-termination-protection', 'turn it off')
    .addHelpText('after', `
Refuses (exit 1, nothing changed) any change that would replace or delete a
bucket, the KMS key, the Transfer server, a log group or a queue unless
--allow-replace names it; removed SFTP users (their user file is gone) are
listed, not refused. No changes is success (exit 0). Without --yes it asks on
a terminal; in CI without --yes the change set is left for review.

Examples:
  $ sftpgw deploy --env production --yes
  $ sftpgw deploy --env production --no-execute          # review job
  $ sftpgw deploy --env production --execute sftpgw-20261123120000-1a2b3c4d --yes   # apply job
  $ sftpgw deploy --template build/template.json --stack-name gw-test --yes --allow-replace GatewayBucket`)
    .action(action(() => import('./commands/deploy.js') as Promise<{ run: Runner }>));

  stack(common(p.command('diff')))
    .description('show what a deploy would change (change set preview, deleted afterwards, and the local template diff)')
    .addOption(new Option('--output <format>', 'text, or json (one document on stdout: plan, refusals, template diff)').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
Exit 0 when nothing would change, 3 when something would, 1 on errors.

Examples:
  $ sftpgw diff --env production
  $ sftpgw diff --template dist/gateway/staging/template.json --stack-name sftpgw-example-staging`)
    .action(action(() => import('./commands/diff.js') as Promise<{ run: Runner }>));

  const users = p.command('users').description('add, list and remove SFTP users (users/<name>.libsonnet files)')
    .addHelpText('after', `
A user is one file, users/<name>.libsonnet: its public keys, home directory and
access. The next deploy creates, changes or deletes the SFTP user.

Examples:
  $ sftpgw users add partner-a --key partner-a.pub
  $ sftpgw users list --output json
  $ sftpgw users remove example-partner`);
  const usersAdd = common(users.command('add'))
    .description('write users/<NAME>.libsonnet with the given public key(s), checked as build checks them')
    .argument('<name>', 'the username (3–100 characters: letters, digits, _ first, then also @ . -)');
  requiredOption(usersAdd, new Option('-k, --key <file>', 'public key file (OpenSSH lines, one key per line, or RFC 4716 blocks as ssh-keygen -e and PuTTYgen write them), or - for stdin'))
    .option('-u, --users <dir>', 'folder of user files (overrides usersDir)')
    .option('--force', 'the user exists: replace its key list, nothing else (a file that uses a helper is refused: edit it by hand)')
    .addHelpText('after', `
Nothing is written unless the gateway builds with the new file (every check of
build but cfn-lint). A private key is refused without printing any part of it.

Examples:
  $ sftpgw users add acme-corp --key acme.pub
  $ curl -s https://partner.example/sftp.pub | sftpgw users add partner --key -
  $ sftpgw users add acme-corp --key new-acme.pub --force`)
    .action(action(() => import('./commands/users.js'), 'runAdd'));
  common(users.command('list'))
    .description('list the users: name, key types and SHA256 fingerprints, home directory, read-only')
    .option('-u, --users <dir>', 'folder of user files (overrides usersDir)')
    .addOption(new Option('--output <format>', 'text table or json').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
Examples:
  $ sftpgw users list
  $ sftpgw users list --output json | jq -r '.[].name'`)
    .action(action(() => import('./commands/users.js'), 'runList'));
  common(users.command('remove'))
    .description('delete users/<NAME>.libsonnet (the next deploy removes the SFTP user; its home folder stays in the bucket)')
    .argument('<name>', 'the username')
    .option('-u, --users <dir>', 'folder of user files (overrides usersDir)')
    .addHelpText('after', `
Examples:
  $ sftpgw users remove old-partner`)
    .action(action(() => import('./commands/users.js'), 'runRemove'));

  const dest = p.command('destinations').description('outbound SFTP destinations: Secrets Manager secrets <prefix>/<key>')
    .addHelpText('after', `
Files staged at s3://<staging bucket>/<key>/<file> are pushed to the SFTP server
that the secret <secretPrefix>/<key> names (default prefix sftpgw/<stackName>).

Examples:
  $ sftpgw destinations put acme --host sftp.acme.example --username gw \\
      --private-key-file acme_ed25519 --trusted-host-key "ssh-ed25519 AAAA…" \\
      --remote-dir /incoming --pattern '^orders_[0-9]{8}\\.csv$'
  $ sftpgw destinations test acme --write
  $ sftpgw destinations list
  $ sftpgw destinations remove acme`);
  const put = common(dest.command('put'))
    .description('create or update destination KEY (checked with the push function\'s own rules, tagged for this gateway)')
    .argument('<key>', 'destination key: staged files at <key>/<file> go here');
  requiredOption(put, new Option('--host <host>', 'SFTP server host name or address'))
    .option('--port <port>', 'SFTP port (default 22)', portNumber);
  requiredOption(put, new Option('--username <user>', 'login name on the server'))
    .option('--private-key-file <file>', 'client private key (OpenSSH or PEM), or - for stdin; never printed')
    .option('--passphrase-file <file>', 'passphrase of an encrypted private key')
    .option('--password-stdin', 'read a password from stdin (instead of, or besides, a key)');
  requireOneOf(put, ['--private-key-file', '--password-stdin']);
  requiredOption(put, new Option('--trusted-host-key <key>', 'the server\'s host key: an OpenSSH public key line, ssh-keyscan output, a SHA256: fingerprint or the ssh-keygen -lf line; repeatable').argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]));
  requiredOption(put, new Option('--remote-dir <dir>', 'remote directory files are delivered to'));
  requiredOption(put, new Option('--pattern <regex>', 'RE2 regular expression every file name must match (whole name; no backreferences or lookaround)'))
    .addOption(new Option('--overwrite <policy>', 'a different file already under the final name: replace it, or never touch it (reject the delivery); default replace').choices(['replace', 'never']))
    .option('--kms-key-id <key>', 'KMS key for the secret (default: the account\'s aws/secretsmanager key)')
    .option('-r, --region <region>', 'AWS region (default: config, then the SDK chain)')
    .addHelpText('after', `
Examples:
  $ sftpgw destinations put acme --host sftp.acme.example --username gw \\
      --private-key-file acme_ed25519 --trusted-host-key "SHA256:Hx3…" \\
      --remote-dir /incoming --pattern '^orders_[0-9]{8}\\.csv$'
  $ vault read -field=key secret/acme | sftpgw destinations put acme --private-key-file - …`)
    .action(action(() => import('./commands/destinations.js'), 'runPut'));
  common(dest.command('test'))
    .description('connect to destination KEY exactly as the push function would and list its remote directory')
    .argument('<key>', 'destination key')
    .option('--write', 'also deliver a probe file the way files are delivered, then remove it')
    .option('--scan', 'report the server\'s host key fingerprints (nothing is trusted) to confirm them out of band')
    .option('-r, --region <region>', 'AWS region (default: config, then the SDK chain)')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
Exit 0 when the connection (and --write) worked; with --scan, 0 when a pinned
key is among the server's keys (one deliveries accept), 1 otherwise.

Examples:
  $ sftpgw destinations test acme
  $ sftpgw destinations test acme --write
  $ sftpgw destinations test acme --scan`)
    .action(action(() => import('./commands/destinations.js'), 'runTest'));
  common(dest.command('list'))
    .description('list the destinations of this gateway (names and tags; never values)')
    .option('-r, --region <region>', 'AWS region (default: config, then the SDK chain)')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
Examples:
  $ sftpgw destinations list --output json`)
    .action(action(() => import('./commands/destinations.js'), 'runList'));
  common(dest.command('remove'))
    .description('delete destination KEY: its secret is scheduled for deletion (restorable for 7 days by default)')
    .argument('<key>', 'destination key')
    .option('--recovery-window-in-days <days>', 'days Secrets Manager keeps the secret restorable (7–30)', '7')
    .addOption(new Option('--force-delete-without-recovery', 'delete at once; the secret cannot be restored').conflicts('recoveryWindowInDays'))
    .option('-y, --yes', 'delete without asking (needed where there is no terminal, e.g. CI)')
    .option('-r, --region <region>', 'AWS region (default: config, then the SDK chain)')
    .addHelpText('after', `
Only a secret tagged for this gateway (sftpgw:gateway=<stackName>) is deleted;
any other is refused. Exit 1 when the destination does not exist. Files still
staged at <key>/ are not delivered once the secret is gone. Restore it within
the window with: aws secretsmanager restore-secret --secret-id <prefix>/<key>

Examples:
  $ sftpgw destinations remove acme
  $ sftpgw destinations remove acme --env production --yes
  $ sftpgw destinations remove acme --yes --force-delete-without-recovery`)
    .action(action(() => import('./commands/destinations.js'), 'runRemove'));

  p.command('init')
    .description('scaffold a new gateway repository: sftpgw.yaml, users/, .gitlab-ci.yml, package.json, README')
    .argument('<dir>', 'an empty (or new) folder')
    .option('--package <spec>', 'where the repository gets sftpgw: a registry version, a git URL with a tag, a tarball URL or a file: path (default: this sftpgw\'s name and version)')
    .option('--registry <url>', 'npm registry the package\'s scope comes from (writes .npmrc; needs a scoped --package)')
    .option('--debug', 'print debug detail and stack traces')
    .option('--no-color', 'plain output')
    .addHelpText('after', `
The new repository builds at once (npx sftpgw build) with one example user.
Its package.json names sftpgw (--package) with the install settings it needs;
commit package-lock.json after npm install: the pipeline installs from it.

Examples:
  $ sftpgw init acme-sftp-gateway && cd acme-sftp-gateway && npm install && npx sftpgw build
  $ sftpgw init acme-sftp-gateway --package @acme/sftpgw@^0.2.0 --registry https://gitlab.example.com/api/v4/packages/npm/
  $ sftpgw init acme-sftp-gateway --package git+https://gitlab.example.com/platform/sftpgw.git#v0.2.0
  $ sftpgw init acme-sftp-gateway --package https://artifacts.example.com/sftpgw/sftpgw-0.2.0.tgz`)
    .action(action(() => import('./commands/init.js')));

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
    // AWS SDK errors are explained here, once, for every command.
    const explained = explainAwsError(err);
    const { printError } = await import('./output.js');
    printError(explained, lastFlags);
    if (explained instanceof SftpgwError) return explained.kind === 'usage' ? EXIT.usage : EXIT.failed;
    return EXIT.failed;
  }
}
