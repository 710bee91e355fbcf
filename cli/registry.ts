// Every sftpgw command: what it is called, what it takes, its help and
// examples, and where its code is. The code of a command is imported only
// when it runs (`load`), so `sftpgw build` never loads the AWS SDK.
// Shared flags come from cli/options.ts; cli/program.ts turns this into
// commander's commands.
import { InvalidArgumentError } from 'commander';
import { command, type ProgramDef } from './command-def.js';
import { dateValue, portNumber, positiveNumber, sinceValue, wholeNumber } from './flag-values.js';
import {
  aws,
  common,
  debug,
  lintTimeout,
  lintWhenBuilding,
  noColor,
  noLint,
  output,
  region,
  repeatable,
  stack,
  stackName,
  template,
  today,
  users,
  usersWhenBuilding,
  yes,
  type OptionDef,
} from './options.js';

/** --users where the command only reads user files. */
const userFiles: OptionDef = { ...users, description: 'folder of user files (overrides usersDir)' };
/** --region of the destinations commands (they have no artifact bucket to place). */
const destinationRegion: OptionDef = {
  ...region,
  description: 'AWS region (default: config, then the SDK chain)',
};

const build = command({
  name: 'build',
  description:
    'evaluate the libsonnet resource files and user files into one CloudFormation template, check it, and write it',
  options: [
    ...common,
    users,
    {
      flags: '-o, --out <dir>',
      description: 'output folder (overrides outDir; default dist/gateway/<env>)',
    },
    {
      flags: '-f, --format <format>',
      description: 'template format',
      choices: ['json', 'yaml'],
      default: 'json',
    },
    noLint,
    lintTimeout,
    today,
  ],
  help: `
Validates the template (resource schemas, references and quotas, the security
baseline, cfn-lint) before writing <out>/template.json (template.yaml with
--format yaml). Exit 0 only when the template is valid and written; on any
error nothing is written and the last good build's output in <out> stays as
it was (the error says it is older than the sources).
Warnings are printed and do not fail the build.

Examples:
  $ sftpgw build
  $ sftpgw build --env production --out build/prod
  $ sftpgw build --users test/users --format yaml --no-lint`,
  load: async () => (await import('./commands/build.js')).run,
});

const validate = command({
  name: 'validate',
  description:
    'check the gateway template (from the sources, or a template file) and report every finding; writes no template',
  options: [
    ...common,
    users,
    template(
      'validate this built or hand-written template (JSON or YAML) instead of building from the sources',
    ),
    { ...noLint, description: 'skip cfn-lint' },
    lintTimeout,
    today,
    output('findings on stdout as text (grouped by resource) or json'),
    repeatable(
      '--report <kind=file>',
      'also write a report: codequality=FILE (GitLab Code Quality) or junit=FILE (JUnit XML); repeatable',
    ),
  ],
  help: `
Layers: template shape and resource properties against the CloudFormation
registry schemas; references, dependency cycles and quotas; the security
baseline (waivable per resource with a reason: validation.waivers in
sftpgw.yaml); cfn-lint with informational rules. Exit 0 when there are no
errors (warnings allowed), 1 when there are.

Examples:
  $ sftpgw validate
  $ sftpgw validate --env production --report codequality=gl-code-quality-report.json --report junit=validate.xml
  $ sftpgw validate --template dist/gateway/production/template.json --output json`,
  load: async () => (await import('./commands/validate.js')).run,
});

const packageCommand = command({
  name: 'package',
  description:
    'upload the push function and child templates to the artifact bucket by content hash, and write the packaged template',
  options: [
    ...common,
    ...aws,
    template('package this built template instead of building from the sources'),
    usersWhenBuilding,
    {
      flags: '-o, --out <dir>',
      description: 'folder for the packaged template.json (default <outDir>/packaged)',
    },
    ...lintWhenBuilding,
    today,
  ],
  help: `
Zips dist/handler/index.js deterministically (same bundle, same bytes), uploads
it as <prefix>/handler/<sha256>.zip unless that key exists, does the same for
child templates, and writes the template with the code location filled in.

Examples:
  $ sftpgw package --s3-bucket my-artifacts
  $ sftpgw package --template dist/gateway/production/template.json --out build/packaged`,
  load: async () => (await import('./commands/package.js')).run,
});

const deploy = command({
  name: 'deploy',
  description:
    'build, package and deploy the gateway through a change set, refusing to replace or delete stateful resources unless allowed',
  options: [
    ...common,
    ...stack,
    yes('execute the change set without asking (CI)'),
    {
      flags: '--no-execute',
      description:
        'create the change set and leave it for review; apply it later with --execute NAME',
    },
    {
      flags: '--execute <change-set>',
      description: 'execute a change set an earlier --no-execute left (guard included)',
    },
    repeatable(
      '--allow-replace <logical-id>',
      'let this stateful resource be replaced or deleted; repeatable',
    ),
    {
      flags: '--allow-user-moves',
      description:
        'let SFTP users move between stacks (a userStacks change; see docs/users.md#many-users-child-stacks)',
    },
    {
      flags: '--allow-endpoint-change',
      description:
        "let the SFTP server's endpoint or Elastic IPs change: CloudFormation stops the server meanwhile, and partners must allow-list the new addresses (printed)",
    },
    {
      flags: '--allow-host-key-change',
      description:
        'let the host key the server presents for an algorithm change (a HostKey added, removed or replaced; docs/keys.md): partners must pin the new fingerprints (printed)',
    },
    {
      flags: '--allow-identity-provider-change',
      description:
        "let the SFTP server's identity provider switch (server.identityProvider.type; docs/identity-provider.md#switching-modes): to lambda in three steps (stage, check the function, switch), back in one change set",
    },
    {
      flags: '--recreate-failed',
      description: 'delete and recreate a stack whose creation failed (ROLLBACK_COMPLETE)',
    },
    {
      flags: '--replace-pending',
      description:
        "delete the stack's change sets waiting for review (an earlier --no-execute) before creating a new one; without it a deploy refuses, or asks on a terminal",
    },
    {
      flags: '--role-arn <arn>',
      description: 'role CloudFormation assumes (overrides deploy.roleArn)',
    },
    {
      flags: '--termination-protection',
      description: 'turn stack termination protection on (overrides deploy.terminationProtection)',
    },
    { flags: '--no-termination-protection', description: 'turn it off' },
  ],
  help: `
Refuses (exit 1, nothing changed) any change that would replace or delete a
bucket, the KMS key, the Transfer server, a log group or a queue unless
--allow-replace names it; removed SFTP users (their user file is gone) are
listed, not refused. A change of the server's endpoint (type, VPC, subnets,
Elastic IPs) is refused unless --allow-endpoint-change: CloudFormation stops
the server to make it, and partners who allow-list its addresses must be told
the old and new ones, which the plan prints. A change of the host key the
server presents for an algorithm (server.hostKeys: a key added, removed or
replaced; Transfer Family presents the oldest of each algorithm), or a first
key of a new algorithm, is refused unless --allow-host-key-change: the plan
prints the fingerprints before and after, which partners must pin first. A
switch of the identity provider (server.identityProvider.type) is refused
unless --allow-identity-provider-change; to lambda it runs two change sets
(the staging template, then the switch) with the directory uploaded and the
function invoked between them, and stops before the switch if the function
answers wrong. A lambda gateway's directory is uploaded after the change set
(only when its bytes differ from the deployed version); a change to users
only creates no change set (the template, parameters and tags are the
deployed ones: "template unchanged: no change set"). The keys to import are read from their secrets (secretsmanager:GetSecretValue)
and parsed in memory; nothing of them but the fingerprint is printed. More
Elastic IPs than the region's quota is refused. No changes is success (exit 0). Without --yes it
asks on a terminal; in CI without --yes the change set is left for review.
A change set of the stack already waiting for review is neither deleted nor
executed over (executing one makes CloudFormation delete the others): the
deploy names it and refuses, asks on a terminal, or deletes it first with
--replace-pending. Ctrl-C prints what is left (a change set, a stack
CloudFormation goes on changing) and exits 130.

Examples:
  $ sftpgw deploy --env production --yes
  $ sftpgw deploy --env production --no-execute          # review job
  $ sftpgw deploy --env production --execute sftpgw-20261123120000-1a2b3c4d --yes   # apply job
  $ sftpgw deploy --template build/template.json --stack-name gw-test --yes --allow-replace GatewayBucket
  $ sftpgw deploy --env production --yes --allow-endpoint-change   # new subnets, partners told
  $ sftpgw deploy --env production --yes --allow-host-key-change   # a new host key, partners told`,
  load: async () => (await import('./commands/deploy.js')).run,
});

const diff = command({
  name: 'diff',
  description:
    'show what a deploy would change (change set preview, deleted afterwards, and the local template diff)',
  options: [
    ...common,
    ...stack,
    output('text, or json (one document on stdout: plan, refusals, template diff)'),
    {
      flags: '--allow-host-key-change',
      description:
        'show a change of the host key partners see as allowed (as deploy --allow-host-key-change would), not refused',
    },
    {
      flags: '--allow-identity-provider-change',
      description:
        'show a switch of the identity provider as allowed (as deploy --allow-identity-provider-change would), not refused',
    },
  ],
  help: `
Exit 0 when nothing would change, 3 when something would (a lambda gateway's
directory too: users, keys, networks, passwords, never a hash), 1 on errors. A
lambda gateway whose template, parameters and tags are the deployed ones
creates no change set to find that out. What a
deploy would refuse is marked REFUSED, with the flag that allows it; a host-key
change prints the fingerprints partners see before and after, per algorithm.

Examples:
  $ sftpgw diff --env production
  $ sftpgw diff --env production --output json | jq '.plan.hostKeys'
  $ sftpgw diff --template dist/gateway/staging/template.json --stack-name sftpgw-example-staging`,
  load: async () => (await import('./commands/diff.js')).run,
});

const info = command({
  name: 'info',
  description:
    'print what a partner needs: host name, static addresses, SSH host-key fingerprints and the networks each user is admitted from',
  options: [
    ...common,
    region,
    { flags: '-s, --stack-name <name>', description: 'deployed stack (overrides stackName)' },
    userFiles,
    output('text, or json (one document on stdout; `missing` lists what is not known yet)'),
  ],
  help: `
Reads sftpgw.yaml and the user files, and the deployed stack: its resources'
physical ids (the Elastic IPs' addresses, the server id), the Elastic IPs given
by allocation id (EC2), the server's host keys (Transfer Family ListHostKeys)
and the region's Elastic IP quota. Before the stack exists it prints what the
config says and lists what is missing. Exit 0 when it printed, 1 on invalid
config or user files or when AWS cannot be reached.

Examples:
  $ sftpgw info --env production
  $ sftpgw info --env production --output json | jq -r '.addresses[].publicIp'`,
  load: async () => (await import('./commands/info.js')).run,
});

const uploads = command({
  name: 'uploads',
  description:
    "who uploaded which file, when, from which address, how many bytes, complete or partial, and (downstream on) whether it reached ingest/: from the server's structured log",
  options: [
    ...common,
    region,
    stackName('the deployed gateway stack (overrides stackName)'),
    { flags: '--user <name>', description: "only this SFTP user's uploads" },
    {
      flags: '--since <when>',
      description:
        'a span back from now (30m, 6h, 7d, 2w) or a UTC date or time (2026-12-01, 2026-12-01T08:00:00Z); default 1d',
      parse: sinceValue,
    },
    output('text, or json (one document on stdout: the window searched and every upload)'),
  ],
  help: `
Reads the Transfer Family server's JSON structured log (the stack's log group,
CloudWatch Logs FilterLogEvents): each CLOSE (complete) and PARTIAL_CLOSE
(partial: the session ended with the file open) joined by session id to the
session's CONNECTED entry, which holds the user and the address. With
downstream on (sftpgw.yaml), INGEST says whether the copy is in
ingest/<user>/<date>/: reached, not yet, - (partial uploads are never copied)
or unknown. Oldest first. The log group keeps events logs.retentionDays
(default 365): nothing older can be listed. Lines that cannot be read are
counted on stderr. Exit 0 when it listed (also nothing), 1 when the stack or
its log group is missing or AWS fails, 2 on bad flags (docs/operations.md).

Examples:
  $ sftpgw uploads --env production                       # the last day
  $ sftpgw uploads --env production --user partner-a --since 7d
  $ sftpgw uploads --since 2026-04-12 --output json | jq -r '.uploads[] | select(.file == "invoice_0412.pdf")'`,
  load: async () => (await import('./commands/uploads.js')).run,
});

const hostKeysGroup = {
  name: 'host-keys',
  description:
    "the deployed server's SSH host keys: list them (the active one per algorithm), retire one (DeleteHostKey) so an imported key becomes active",
  help: `
Transfer Family presents the OLDEST host key of each algorithm (RSA, ECDSA,
ED25519). The key it generated for the server is older than every key
server.hostKeys imports, so an imported key of the same algorithm becomes
active only once the generated one is deleted: sftpgw host-keys retire.
Keys of server.hostKeys are retired by removing them from sftpgw.yaml and
deploying (docs/keys.md).

Examples:
  $ sftpgw host-keys list --env production
  $ sftpgw host-keys retire hostkey-0123456789abcdef0 --env production
  $ sftpgw host-keys retire hostkey-0123456789abcdef0 --env production --yes --output json`,
  commands: [
    command({
      name: 'list',
      description:
        "list the deployed server's host keys: algorithm, SHA256 fingerprint, active or not, id, when imported, the stack's HostKey resource",
      options: [
        ...common,
        region,
        stackName('the deployed gateway stack (overrides stackName)'),
        output('a table, or json (one document on stdout)'),
      ],
      help: `
Reads the stack's resources (the server, its HostKey resources) and the
server's keys (transfer:ListHostKeys). ACTIVE marks the oldest key of each
algorithm: the one clients using that algorithm are shown. STACK names the
HostKey resource that holds a key (server.hostKeys); "-" is the key Transfer
Family generated (or one imported by hand). Exit 0 when listed, 1 when the
stack or its server is missing or AWS fails.

Examples:
  $ sftpgw host-keys list --env production
  $ sftpgw host-keys list --output json | jq -r '.keys[] | select(.active) | .fingerprint'`,
      load: async () => (await import('./commands/host-keys.js')).runList,
    }),
    command({
      name: 'retire',
      description:
        'delete a host key of the deployed server (DeleteHostKey), after printing what partners see before and after, per algorithm',
      arguments: [{ name: '<host-key-id>', description: 'hostkey-… (sftpgw host-keys list)' }],
      options: [
        ...common,
        region,
        stackName('the deployed gateway stack (overrides stackName)'),
        yes('delete without asking (needed where there is no terminal, e.g. CI)'),
        {
          flags: '--allow-last-key',
          description:
            'delete the only key of its algorithm (clients that connect only with that algorithm can no longer connect)',
        },
        output('the plan and the keys after, or json (one document on stdout)'),
      ],
      help: `
Prints the key and, per algorithm, the active fingerprint before and after:
when the key is active, the next oldest of its algorithm takes its place, and
partners must have pinned it first. Refuses (exit 1, nothing deleted) a key
the stack manages (a HostKey resource: remove it from server.hostKeys and
deploy instead, so CloudFormation does not drift), the server's only key, and
the only key of its algorithm unless --allow-last-key. Asks on a terminal;
elsewhere only --yes deletes (without it: the plan, then exit 2). A deleted
key cannot be restored (import it again: a newer key). Needs
transfer:ListHostKeys and transfer:DeleteHostKey on the server.

Examples:
  $ sftpgw host-keys retire hostkey-0123456789abcdef0
  $ sftpgw host-keys retire hostkey-0123456789abcdef0 --env production --yes`,
      load: async () => (await import('./commands/host-keys.js')).runRetire,
    }),
  ],
};

const usersGroup = {
  name: 'users',
  description:
    "add, list and remove SFTP users (users/<name>.libsonnet files), check their keys' expiry, set passwords",
  help: `
A user is one file, users/<name>.libsonnet: its public keys (each may carry an
expires date), home directory and access. The next deploy creates, changes or
deletes the SFTP user.

Examples:
  $ sftpgw users add partner-a --key partner-a.pub --expires 2027-03-31
  $ sftpgw users list --output json
  $ sftpgw users keys --expiring 14 --expired     # scheduled pipeline: exit 1 when a key needs replacing
  $ sftpgw users passwd partner-a                  # asks twice, writes passwordHash
  $ sftpgw users remove example-partner`,
  commands: [
    command({
      name: 'add',
      description:
        'write users/<NAME>.libsonnet with the given public key(s), checked as build checks them',
      arguments: [
        {
          name: '<name>',
          description: 'the username (3–100 characters: letters, digits, _ first, then also @ . -)',
        },
      ],
      options: [
        ...common,
        {
          flags: '-k, --key <file>',
          description:
            'public key file (OpenSSH lines, one key per line, or RFC 4716 blocks as ssh-keygen -e and PuTTYgen write them), or - for stdin',
          required: true,
        },
        userFiles,
        {
          flags: '--force',
          description:
            'the user exists: replace its key list, nothing else (a file that uses a helper is refused: edit it by hand)',
        },
        {
          flags: '--expires <date>',
          description:
            "the keys' last valid UTC day, YYYY-MM-DD: written { key: '…', expires: '…' }; the build leaves a key out from the day after",
          parse: dateValue('--expires'),
        },
      ],
      help: `
Nothing is written unless the gateway builds with the new file (every check of
build but cfn-lint). A private key is refused without printing any part of it.
An --expires date already past is refused (the key would be left out at once).

Examples:
  $ sftpgw users add acme-corp --key acme.pub
  $ sftpgw users add acme-corp --key acme.pub --expires 2027-03-31
  $ curl -s https://partner.example/sftp.pub | sftpgw users add partner --key -
  $ sftpgw users add acme-corp --key new-acme.pub --force`,
      load: async () => (await import('./commands/users.js')).runAdd,
    }),
    command({
      name: 'passwd',
      description:
        "set a user's password: written as passwordHash (scrypt) into users/<NAME>.libsonnet; the password itself is never stored or printed",
      arguments: [{ name: '<name>', description: 'an existing user' }],
      options: [
        ...common,
        userFiles,
        {
          flags: '--stdin',
          description:
            'read the password once: the first line of stdin (what happens anyway when stdin is a pipe or a file), or asked once, without echo, on a terminal',
        },
      ],
      help: `
On a terminal the password is asked for twice without echo (different answers:
exit 1, nothing written; with --stdin once). From a pipe or a file, the first
line of stdin is the password. Only a user
file that is plain data (the format users add writes) is edited, and only its
passwordHash field; a file that computes its value (an import, local, +, …) is
refused with the line to add by hand. Passwords are checked only by the custom
identity provider (server.identityProvider lambda with passwords: true); a
gateway with service-managed users warns and ignores the hash
(docs/users.md#passwords).

Examples:
  $ sftpgw users passwd partner-a
  $ printf '%s\\n' "$PARTNER_A_PASSWORD" | sftpgw users passwd partner-a --stdin
  $ sftpgw users passwd partner-a --stdin < password.txt`,
      load: async () => (await import('./commands/users.js')).runPasswd,
    }),
    command({
      name: 'list',
      description:
        'list the users: name, key types, SHA256 fingerprints and expiry, home directory, read-only',
      options: [
        ...common,
        userFiles,
        {
          flags: '--deployed',
          description:
            "a lambda gateway's deployed users: read its directory (the current version of directory.json in the stack's DirectoryBucket), not the user files",
        },
        stackName('with --deployed: the deployed gateway stack (overrides stackName)'),
        {
          ...region,
          description: 'with --deployed: AWS region (default: config, then the SDK chain)',
        },
        today,
        output('text table or json'),
      ],
      help: `
A key with an expires date shows it, with (expiring) or (expired) on the date
listed as (--today, SFTPGW_TODAY, else today's UTC date).

--deployed lists the users a gateway with server.identityProvider.type lambda
answers logins for: the deployed directory (s3:GetObject on it, kms:Decrypt
on the gateway key), its object version and time on stderr. It says whether
a user has a password, never the hash. A service-managed gateway has no
directory: its users are the stack's; users keys --deployed compares their
keys (docs/identity-provider.md).

Examples:
  $ sftpgw users list
  $ sftpgw users list --output json | jq -r '.[].name'
  $ sftpgw users list --deployed --env production`,
      load: async () => (await import('./commands/users.js')).runList,
    }),
    command({
      name: 'keys',
      description:
        'every key of every user: user, type, SHA256 fingerprint, comment, expiry and state (ok, expiring, expired); exit 1 when a key matches --expiring, --expired or --deployed',
      options: [
        ...common,
        userFiles,
        {
          flags: '--expiring <days>',
          description:
            'exit 1 when a key expires within this many days (its last valid day counted; 0: today)',
          parse: wholeNumber('days'),
        },
        {
          flags: '--expired',
          description: 'exit 1 when an expired key is still in a user file',
        },
        {
          flags: '--deployed',
          description:
            "exit 1 when an expired key is still deployed: the deployed stack's templates (and its child stacks') still give it to its user; on a lambda gateway, the deployed directory still trusts it today",
        },
        stackName('with --deployed: the deployed gateway stack (overrides stackName)'),
        {
          ...region,
          description: 'with --deployed: AWS region (default: config, then the SDK chain)',
        },
        today,
        output('text table, or json (every key, its state and whether it matches)'),
      ],
      help: `
A key is valid through its expires date (UTC) and expired from the next day;
expiring within users.keyExpiryWarningDays (sftpgw.yaml, default 30) it shows
as expiring. For a scheduled pipeline: exit 0 when no key matches the
condition asked, 1 when one does (with a condition, the table lists only the
keys that match; --output json lists every key with "matches"), 2 on bad
usage. Without --expiring, --expired or --deployed it lists every key and
exits 0. Only public keys' fingerprints and comments are printed
(docs/keys.md).

--deployed compares with the deployed stack (--env, --stack-name): Transfer
Family has no expiry on a user's key, so a key stays usable until the deploy
that leaves it out. It reads the templates the last deploy left
(cloudformation:DescribeStackResources and GetTemplate, the root stack and
each child stack) and matches keys by fingerprint; an expired key still there
names its user, fingerprint and date: deploy to remove it. The scaffolded
pipeline runs it on a schedule (docs/keys.md). On a gateway with
server.identityProvider.type lambda it reads the deployed directory instead
(its version and time are named): the function checks each key's expiry at
login, so only a key the directory still trusts today (an older expiry, or
none) asks for a deploy.

Examples:
  $ sftpgw users keys
  $ sftpgw users keys --expiring 14 --expired
  $ sftpgw users keys --deployed --env production
  $ sftpgw users keys --expiring 30 --output json | jq -r '.keys[] | select(.matches) | .file'`,
      load: async () => (await import('./commands/users.js')).runKeys,
    }),
    command({
      name: 'remove',
      description:
        'delete users/<NAME>.libsonnet (the next deploy removes the SFTP user; its home folder stays in the bucket)',
      arguments: [{ name: '<name>', description: 'the username' }],
      options: [...common, userFiles],
      help: `
Examples:
  $ sftpgw users remove old-partner`,
      load: async () => (await import('./commands/users.js')).runRemove,
    }),
  ],
};

/** --within: whole days, 0 or more (0: only pins whose last day is today are expiring). */
function wholeDays(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 3650)
    throw new InvalidArgumentError('expected a whole number of days from 0 to 3650');
  return n;
}

const destinationsGroup = {
  name: 'destinations',
  description: 'outbound SFTP destinations: Secrets Manager secrets <prefix>/<key>',
  help: `
Files staged at s3://<staging bucket>/<key>/<file> are pushed to the SFTP server
that the secret <secretPrefix>/<key> names (default prefix sftpgw/<stackName>).

Examples:
  $ sftpgw destinations put acme --host sftp.acme.example --username gw \\
      --private-key-file acme_ed25519 --trusted-host-key "ssh-ed25519 AAAA…" \\
      --remote-dir /incoming --pattern '^orders_[0-9]{8}\\.csv$'
  $ sftpgw destinations test acme --write
  $ sftpgw destinations deliver acme orders_20260412.csv --secret-file acme.json
  $ sftpgw destinations list
  $ sftpgw destinations remove acme`,
  commands: [
    command({
      name: 'put',
      description:
        "create or update destination KEY (checked with the push function's own rules, tagged for this gateway)",
      arguments: [
        { name: '<key>', description: 'destination key: staged files at <key>/<file> go here' },
      ],
      options: [
        ...common,
        { flags: '--host <host>', description: 'SFTP server host name or address', required: true },
        { flags: '--port <port>', description: 'SFTP port (default 22)', parse: portNumber },
        { flags: '--username <user>', description: 'login name on the server', required: true },
        {
          flags: '--private-key-file <file>',
          description: 'client private key (OpenSSH or PEM), or - for stdin; never printed',
        },
        {
          flags: '--passphrase-file <file>',
          description: 'passphrase of an encrypted private key',
        },
        {
          flags: '--password-stdin',
          description: 'read a password from stdin (instead of, or besides, a key)',
        },
        {
          flags: '--trusted-host-key <key>',
          description:
            "the server's host key: an OpenSSH public key line, ssh-keyscan output, a SHA256: fingerprint or the ssh-keygen -lf line; repeatable",
          repeatable: true,
          required: true,
        },
        {
          flags: '--pin-expires <date>',
          description:
            'the --trusted-host-key just before it is trusted through this UTC date (YYYY-MM-DD) and not after; for a key the partner is rotating away from',
          qualifies: '--trusted-host-key',
        },
        {
          flags: '--remote-dir <dir>',
          description: 'remote directory files are delivered to',
          required: true,
        },
        {
          flags: '--pattern <regex>',
          description:
            'RE2 regular expression every file name must match (whole name; no backreferences or lookaround)',
          required: true,
        },
        {
          flags: '--overwrite <policy>',
          description:
            'a different file already under the final name: replace it, or never touch it (reject the delivery); default replace',
          choices: ['replace', 'never'],
        },
        {
          flags: '--kms-key-id <key>',
          description: "KMS key for the secret (default: the account's aws/secretsmanager key)",
        },
        destinationRegion,
      ],
      oneOf: ['--private-key-file', '--password-stdin'],
      help: `
A pin with --pin-expires is stored as { "Key": …, "Expires": "YYYY-MM-DD" }
and trusted through that UTC date, not from the day after; the others never
expire. --pin-expires applies to the --trusted-host-key right before it; one
before any key, two for one key, or a date already past is refused (exit 2).
A partner rotating its host key: pin the new key, and the old one until the
day it goes (docs/keys.md). SFTPGW_TODAY=YYYY-MM-DD sets "today".

Examples:
  $ sftpgw destinations put acme --host sftp.acme.example --username gw \\
      --private-key-file acme_ed25519 --trusted-host-key "SHA256:Hx3…" \\
      --remote-dir /incoming --pattern '^orders_[0-9]{8}\\.csv$'
  $ sftpgw destinations put acme --host sftp.acme.example --username gw \\
      --private-key-file acme_ed25519 \\
      --trusted-host-key "ssh-ed25519 AAAA…new" \\
      --trusted-host-key "ssh-ed25519 AAAA…old" --pin-expires 2027-01-31 \\
      --remote-dir /incoming --pattern '^orders_[0-9]{8}\\.csv$'
  $ vault read -field=key secret/acme | sftpgw destinations put acme --private-key-file - …`,
      load: async () => (await import('./commands/destinations-put.js')).runPut,
    }),
    command({
      name: 'test',
      description:
        'connect to destination KEY exactly as the push function would and list its remote directory',
      arguments: [{ name: '<key>', description: 'destination key' }],
      options: [
        ...common,
        {
          flags: '--write',
          description: 'also deliver a probe file the way files are delivered, then remove it',
        },
        {
          flags: '--scan',
          description:
            "report the server's host key fingerprints (nothing is trusted) to confirm them out of band",
        },
        destinationRegion,
        output('text or json'),
      ],
      help: `
Exit 0 when the connection (and --write) worked; with --scan, 0 when a pinned
key is among the server's keys (one deliveries accept), 1 otherwise.

Examples:
  $ sftpgw destinations test acme
  $ sftpgw destinations test acme --write
  $ sftpgw destinations test acme --scan`,
      load: async () => (await import('./commands/destinations-test.js')).runTest,
    }),
    command({
      name: 'deliver',
      description:
        "send local FILE to destination KEY through the push function's own delivery code (pinned host key, FilePattern, part file, publish, size check)",
      arguments: [
        { name: '<key>', description: 'destination key' },
        { name: '<file>', description: 'the local file to send (a regular file)' },
      ],
      options: [
        ...common,
        {
          flags: '--secret-file <file>',
          description:
            "the destination secret's JSON (as destinations put stores it), or - for stdin: then no config and no AWS at all; never printed",
        },
        {
          flags: '--remote-name <name>',
          description:
            "the file's name on the server (default: FILE's base name); checked like a staged file's name",
        },
        {
          flags: '--timeout <seconds>',
          description:
            "give up after this long, like the function's deadline (default 290, the function's with outbound.timeoutSeconds 300; at most 889)",
          parse: positiveNumber('seconds'),
        },
        destinationRegion,
        output('text or json'),
      ],
      help: `
Does to FILE what the push function does to a file staged at <key>/<name>:
the name (--remote-name, else FILE's base name) must be a plain file name and
match the destination's FilePattern, checked before any connection (a refused
name: nothing is sent, exit 1); then the file goes to its own part file,
its size is checked, and it is published as the secret's Overwrite says.
Prints the remote path, bytes, duration and rate, how it was published, and
the stale part files removed.

The secret: --secret-file, the JSON that destinations put would store (keys
Host, Port, Username, PrivateKey, Passphrase, Password, TrustedHostKeys,
RemoteDirectory, FilePattern, Overwrite, MaxConnections) — then no sftpgw.yaml, credentials
or region are needed or read, and --config, --env and --region are refused;
without it, the secret <secretPrefix>/<key> from Secrets Manager, as for
destinations test.

Exit 0 when delivered (also when the name already held exactly this file);
1 when the name is refused, the secret is invalid or the delivery failed
(Overwrite "never" and a different file under the name: nothing replaced);
2 for usage: FILE missing, a directory or unreadable, --secret-file unreadable.

Examples:
  $ sftpgw destinations deliver partner-a orders_20260412.csv --secret-file partner-a.json
  $ vault read -field=json secret/partner-a | \\
      sftpgw destinations deliver partner-a out/orders.csv --secret-file - --remote-name orders_20260412.csv
  $ sftpgw destinations deliver partner-a orders_20260412.csv --env production --output json`,
      load: async () => (await import('./commands/destinations-deliver.js')).runDeliver,
    }),
    command({
      name: 'list',
      description:
        'list the destinations of this gateway (names and tags; with --pins also their host-key pins and expiry; never secret values)',
      options: [
        ...common,
        {
          flags: '--pins',
          description:
            'also read each secret (GetSecretValue) and list its pinned host keys: type, fingerprint, expiry, state',
        },
        {
          flags: '--within <days>',
          description:
            'a pin whose last trusted day is at most this many days away is expiring (default: users.keyExpiryWarningDays, 30); implies --pins',
          parse: wholeDays,
        },
        destinationRegion,
        output('text or json'),
      ],
      help: `
Without --pins only names and tags are read (ListSecrets). With --pins (or
--within) each secret's value is read too (secretsmanager:GetSecretValue, as
destinations test needs) and parsed with the push function's parser; only key
types, SHA256 fingerprints and dates are shown. A pin is expired from the day
after its Expires date (UTC; SFTPGW_TODAY=YYYY-MM-DD sets "today").

Exit 0; with --pins, 1 when a pin is expired or expiring, or a secret cannot
be read (a scheduled job can fail on it); 2 for usage.

Examples:
  $ sftpgw destinations list --output json
  $ sftpgw destinations list --pins
  $ sftpgw destinations list --within 60 --output json | jq '.[] | select(.pins[]?.state != "ok")'`,
      load: async () => (await import('./commands/destinations.js')).runList,
    }),
    command({
      name: 'remove',
      description:
        'delete destination KEY: its secret is scheduled for deletion (restorable for 7 days by default)',
      arguments: [{ name: '<key>', description: 'destination key' }],
      options: [
        ...common,
        {
          flags: '--recovery-window-in-days <days>',
          description: 'days Secrets Manager keeps the secret restorable (7–30)',
          default: '7',
        },
        {
          flags: '--force-delete-without-recovery',
          description: 'delete at once; the secret cannot be restored',
          conflicts: 'recoveryWindowInDays',
        },
        yes('delete without asking (needed where there is no terminal, e.g. CI)'),
        destinationRegion,
      ],
      help: `
Only a secret tagged for this gateway (sftpgw:gateway=<stackName>) is deleted;
any other is refused. Exit 1 when the destination does not exist. Files still
staged at <key>/ are not delivered once the secret is gone. Restore it within
the window with: aws secretsmanager restore-secret --secret-id <prefix>/<key>

Examples:
  $ sftpgw destinations remove acme
  $ sftpgw destinations remove acme --env production --yes
  $ sftpgw destinations remove acme --yes --force-delete-without-recovery`,
      load: async () => (await import('./commands/destinations.js')).runRemove,
    }),
  ],
};

/** --page-size: objects per ListObjectsV2 page, 1–1000 (S3 returns at most 1000). */
function pageSize(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('expected a whole number of objects from 1 to 1000');
  return n;
}

/** What both outbound commands take: the deployed stack and how its bucket is listed. */
const outboundStack: readonly OptionDef[] = [
  ...common,
  region,
  stackName('the deployed gateway stack (overrides stackName)'),
  {
    flags: '--page-size <objects>',
    description:
      'objects per S3 listing page, 1–1000 (default 1000); each page is printed when its tags are read',
    parse: pageSize,
  },
];

const outboundGroup = {
  name: 'outbound',
  description:
    "every staged file's fate, and sending files again (the deployed staging bucket; docs/operations.md)",
  help: `
Each staged object version carries its fate in tags the push function writes
(sftpgw:status, sftpgw:time, sftpgw:detail): delivered, duplicate, rejected,
failed, or pending while there is none.

Examples:
  $ sftpgw outbound status --env production --destination partner-a --since 1d
  $ sftpgw outbound status --status rejected --output json | jq -r '.files[].key'
  $ sftpgw outbound redeliver --destination partner-a --status rejected
  $ sftpgw outbound redeliver --destination partner-a --key partner-a/orders_20261123.csv --yes`,
  commands: [
    command({
      name: 'status',
      description:
        'list the staged files of the deployed gateway with their fate: delivered (when, where), duplicate, rejected (why), failed (last error), pending (how long)',
      options: [
        ...outboundStack,
        { flags: '-d, --destination <key>', description: 'only files staged for this destination' },
        {
          flags: '--status <status>',
          description: 'only files with this fate',
          choices: ['delivered', 'duplicate', 'rejected', 'failed', 'pending'],
        },
        {
          flags: '--since <when>',
          description:
            'only files staged since then: a span back from now (30m, 6h, 7d, 2w) or a UTC date or time',
          parse: sinceValue,
        },
        output('a table (printed a page at a time; counts on stderr), or json (one document)'),
      ],
      help: `
Lists the current version of every object in the staging bucket (under
<destination>/ with --destination), leaves out those staged before --since,
reads the tags of the rest (16 at a time) and prints each page as it is read.
Keys that are not <destination>/<file> are listed too, with what is wrong (the
push function rejects them). WHEN is when the outcome was recorded; for a
pending file, how long ago it was staged. Exit 0 when listed (also when
nothing matched), 1 when AWS could not be read, 2 on a bad flag.

Examples:
  $ sftpgw outbound status
  $ sftpgw outbound status --destination partner-a --status failed --since 6h
  $ sftpgw outbound status --since 2026-11-23 --output json | jq '.counts'`,
      load: async () => (await import('./commands/outbound-status.js')).run,
    }),
    command({
      name: 'redeliver',
      description:
        'send staged files of one destination again: re-stage them (a copy onto themselves, fate tags cleared) so the push function runs again',
      options: [
        ...outboundStack,
        {
          flags: '-d, --destination <key>',
          description: 'the destination whose files are re-staged',
          required: true,
        },
        {
          flags: '--status <status>',
          description:
            'choose files with this fate (default: rejected and failed; with --key and no --status, only the named keys)',
          choices: ['rejected', 'failed'],
        },
        repeatable(
          '-k, --key <key>',
          'also re-stage this object (<destination>/<file>), whatever its fate; repeatable',
        ),
        yes('re-stage without asking (needed where there is no terminal, e.g. CI)'),
        output('the plan and a line per file, or json (one document)'),
      ],
      help: `
Prints the plan: each chosen file, re-stage or why not. Without --yes it asks
on a terminal; where there is none it changes nothing and exits 0 (the plan is
the result). Re-staging copies the current version onto its own key: content,
content headers, user metadata and encryption kept, metadata sftpgw-redelivery
= the run, tags replaced by the object's own without sftpgw's fate tags, so
the new version starts pending and the push function runs again
(s3:ObjectCreated:Copy). Delivered and duplicate files are chosen only when
named with --key. A file already re-staged whose copy has no outcome yet is
skipped, so running the command again does nothing more. Objects over 5 GiB
are refused (S3 copies at most 5 GiB at once). Exit 0 when every chosen file
was re-staged or skipped, 1 when one failed or was refused, or the question
was declined.

Examples:
  $ sftpgw outbound redeliver --destination partner-a                  # rejected and failed: the plan, then a question
  $ sftpgw outbound redeliver --destination partner-a --status rejected --yes
  $ sftpgw outbound redeliver --destination partner-a --key partner-a/orders_20261123.csv --yes`,
      load: async () => (await import('./commands/outbound-redeliver.js')).run,
    }),
  ],
};

const snowflakeGroup = {
  name: 'snowflake',
  description: 'Snowflake loading of completed uploads (docs/snowflake.md)',
  help: `
The SQL a Snowflake admin runs, in the order that works: the storage
integration (--integration, before deploy), then the stages and pipes (after
deploy, with the deployed topic); --check and --refresh once they run.

Examples:
  $ sftpgw snowflake sql --env production --integration --role SFTPGW_LOADER
  $ sftpgw snowflake sql --env production --database RAW --schema SFTP --role SFTPGW_LOADER \\
      --table UPLOADS --file-format CSV`,
  commands: [
    command({
      name: 'sql',
      description:
        'print the Snowflake SQL: the storage integration (--integration), the stages and pipes of the deployed gateway, their check (--check) or refresh (--refresh)',
      options: [
        ...common,
        region,
        stackName('the deployed gateway stack (overrides stackName)'),
        userFiles,
        {
          flags: '--integration',
          description:
            'print the storage integration (step 1, before deploy; the role and topic ARNs are computed)',
        },
        {
          flags: '--alter',
          description:
            'with --integration: ALTER the allowed locations of the integration that exists (users changed), never CREATE OR REPLACE',
        },
        {
          flags: '--role <name>',
          description:
            'Snowflake role that creates and owns the stages and pipes: step 1 grants it USAGE on the integration, step 4 grants it the schema and table and switches to it',
        },
        {
          flags: '--database <name>',
          description: 'database of the stages and pipes (default: a <database> placeholder)',
        },
        {
          flags: '--schema <name>',
          description: 'schema of the stages and pipes (default: a <schema> placeholder)',
        },
        {
          flags: '--table <name>',
          description: 'table the pipes load into (default: a <target_table> placeholder)',
        },
        {
          flags: '--file-format <name>',
          description: 'named file format of the pipes (default: a placeholder)',
        },
        {
          flags: '--error-integration <name>',
          description:
            'notification integration (DIRECTION = OUTBOUND, to SNS) each pipe sends its load errors to (ERROR_INTEGRATION)',
        },
        {
          flags: '--recreate-pipes',
          description:
            'CREATE OR REPLACE PIPE instead of IF NOT EXISTS, after the SNS subscription was lost (resets the load history)',
        },
        {
          flags: '--check',
          description:
            'print the monitoring queries: SYSTEM$PIPE_STATUS, COPY_HISTORY and VALIDATE_PIPE_LOAD of every pipe',
        },
        {
          flags: '--refresh <since>',
          description:
            'print ALTER PIPE ... REFRESH MODIFIED_AFTER = SINCE for every pipe (a date or ISO 8601 time within the last 7 days)',
        },
        output(
          'the SQL as text, or json (the SQL, its statements, the role, topic, bucket, users and pipes)',
        ),
      ],
      help: `
Steps: 1. sftpgw snowflake sql --integration, run it in Snowflake;
2. merge and deploy downstream.snowflake while the answers are pending;
3. DESC INTEGRATION's STORAGE_AWS_IAM_USER_ARN into sftpgw.yaml as
downstream.snowflake.iamUserArn (and the SNS policy principal as
downstream.snowflake.subscriberArn when it differs), deploy; 4. sftpgw
snowflake sql, run it in Snowflake. The SQL goes to stdout; nothing is
changed anywhere. Names: SFTPGW_<STACK>[_<USER>_STAGE|_PIPE], upper-cased,
every character but A-Z 0-9 _ made _ (docs/snowflake.md).

Examples:
  $ sftpgw snowflake sql --integration --role SFTPGW_LOADER > integration.sql
  $ sftpgw snowflake sql --integration --alter > alter-integration.sql   # users changed
  $ sftpgw snowflake sql --env production --database RAW --schema SFTP --role SFTPGW_LOADER \\
      --table UPLOADS --file-format CSV --error-integration SFTPGW_ERRORS > pipes.sql
  $ sftpgw snowflake sql --env production --database RAW --schema SFTP --table UPLOADS --check
  $ sftpgw snowflake sql --env production --database RAW --schema SFTP --refresh 2025-06-01T08:00Z
  $ sftpgw snowflake sql --env production --database RAW --schema SFTP --recreate-pipes
  $ sftpgw snowflake sql --output json | jq -r '.statements[]'`,
      load: async () => (await import('./commands/snowflake.js')).run,
    }),
  ],
};

const init = command({
  name: 'init',
  description:
    'scaffold a new gateway repository: sftpgw.yaml, users/, .gitlab-ci.yml, package.json, README',
  arguments: [{ name: '<dir>', description: 'an empty (or new) folder' }],
  options: [
    {
      flags: '--package <spec>',
      description:
        'where the repository gets sftpgw: a registry version, a git URL with a tag, a tarball URL or a file: path (default: the package this sftpgw was installed as, its name and version; required when run from a source checkout)',
    },
    {
      flags: '--registry <url>',
      description:
        "npm registry the package's scope comes from (writes .npmrc; needs a scoped package)",
    },
    debug,
    { ...noColor, description: 'plain output' },
  ],
  help: `
The new repository builds at once (npx sftpgw build) with one example user.
Its package.json names sftpgw with the install settings it needs: without
--package, the package this sftpgw was installed as (run as @acme/sftpgw 0.2.0,
it writes "@acme/sftpgw": "^0.2.0"). Run from a source checkout of sftpgw, init
needs --package (where your organisation publishes sftpgw; sftpgw's
docs/getting-started.md). Commit package-lock.json after npm install: the
pipeline installs from it.

Examples:
  $ npm exec --package=@acme/sftpgw@^0.2.0 -- sftpgw init acme-sftp-gateway \\
      --registry https://gitlab.example.com/api/v4/packages/npm/     # "@acme/sftpgw": "^0.2.0" and .npmrc
  $ cd acme-sftp-gateway && npm install && npx sftpgw build
  $ sftpgw init acme-sftp-gateway --package @acme/sftpgw@^0.2.0 --registry https://gitlab.example.com/api/v4/packages/npm/
  $ sftpgw init acme-sftp-gateway --package git+https://gitlab.example.com/platform/sftpgw.git#v0.2.0
  $ sftpgw init acme-sftp-gateway --package https://artifacts.example.com/sftpgw/sftpgw-0.2.0.tgz`,
  load: async () => (await import('./commands/init.js')).run,
});

const doctor = command({
  name: 'doctor',
  description:
    'check this machine for what sftpgw needs: Node.js, cfn-lint, the jsonnet engine and its build tools, AWS credentials and region',
  options: [
    {
      flags: '--offline',
      description: 'skip the AWS checks (region, credentials)',
    },
    { ...region, description: 'AWS region to check the credentials in (default: the SDK chain)' },
    {
      flags: '--timeout <seconds>',
      description: 'how long STS may take to answer',
      parse: positiveNumber('seconds'),
      default: 5,
    },
    output('text, or json (one document on stdout: ok, counts, checks)'),
    debug,
    noColor,
  ],
  help: `
Each check prints ok, warn or fail (skip with --offline) and, when not ok,
what to do: Node.js against sftpgw's engines.node, and the AWS SDK's move to
Node.js 22 (SDK releases after January 2027); cfn-lint on PATH (or
SFTPGW_CFN_LINT) and its version against the release sftpgw's schemas came
from (package.json config.cfnLintVersion); the libjsonnet addon, and cmake and
g++, which only matter when that addon must be compiled; the AWS region and
credentials of the SDK's default chain (STS GetCallerIdentity, which needs no
permission). Reads no sftpgw.yaml. Exit 0 when nothing failed (warnings
allowed), 1 when a check failed.

Examples:
  $ sftpgw doctor
  $ sftpgw doctor --offline                # no AWS calls
  $ AWS_PROFILE=gateway-admin sftpgw doctor --region eu-central-1
  $ sftpgw doctor --output json | jq -r '.checks[] | select(.status != "ok") | .fix'`,
  load: async () => (await import('./commands/doctor.js')).run,
});

export const SFTPGW: ProgramDef = {
  name: 'sftpgw',
  description:
    'Build, validate and deploy a managed SFTP gateway on AWS (Transfer Family in, Lambda out).',
  help: `
Every command reads ./sftpgw.yaml (--config FILE) and takes --env NAME for one of
its environments; run sftpgw <command> --help for a command's flags and examples.

Examples:
  $ npm exec --package=@acme/sftpgw@^0.2.0 -- sftpgw init acme-sftp   # a new gateway repository (sftpgw as your organisation publishes it)
  $ sftpgw doctor                                           # Node.js, cfn-lint, build tools, AWS credentials
  $ sftpgw users add partner-a --key partner-a.pub          # one SFTP user
  $ sftpgw validate --report codequality=gl-code-quality-report.json
  $ sftpgw build --env production
  $ sftpgw diff --env production                            # what a deploy would change
  $ sftpgw deploy --env production --yes
  $ sftpgw info --env production                            # what to send a partner
  $ sftpgw destinations put partner-a --host sftp.partner.example --username gw \\
      --private-key-file partner-a_ed25519 --trusted-host-key "ssh-ed25519 AAAA…" \\
      --remote-dir /incoming --pattern '^orders_[0-9]{8}\\.csv$'
  $ sftpgw outbound status --env production --since 1d                 # every staged file's fate`,
  commands: [
    build,
    validate,
    packageCommand,
    deploy,
    diff,
    info,
    hostKeysGroup,
    uploads,
    usersGroup,
    destinationsGroup,
    outboundGroup,
    snowflakeGroup,
    init,
    doctor,
  ],
};
