// sftpgw users add | list | remove | keys | passwd: flags -> engine (users/manage.ts, users/passwd.ts,
// users/list-keys.ts; with keys --deployed, users/deployed-keys.ts through
// CloudFormation) -> a line or a table.
import { libjsonnet } from '../adapters/jsonnet.js';
import { loadConfig } from '../engine/config/load.js';
import { displayPath } from '../engine/paths.js';
import { addUser, listUsers, removeUser } from '../engine/users/manage.js';
import { setPassword } from '../engine/users/passwd.js';
import { askSecret, readSecretLine, stdinIsTerminal } from './secret-input.js';
import type { ClockFlags, CommonFlags } from '../options.js';
import { today as clockToday } from '../engine/clock.js';
import { type DeployedComparison, type ListedKey, listKeys } from '../engine/users/list-keys.js';
import { DEPLOY_TO_REMOVE, usersKeysDocument } from '../output-schemas/users-keys.js';
import { nodeVersionNote } from '../node-support.js';
import { count } from '../engine/plural.js';
import { formatTable } from '../table-text.js';
import { consoleReporter } from '../output.js';
import { readInputFile } from './input-file.js';
import { usersDeployedDocument, usersListDocument } from '../output-schemas/users-list.js';
import { listDeployedUsers } from '../engine/users/deployed-users.js';
import { configOptions } from './source-flags.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Reporter } from '../engine/reporter.js';
import {
  type DirectoryStores,
  directoryUrl,
  versionText,
} from '../engine/identity/deployed-directory.js';

/** The directory stores of a lambda gateway's DirectoryBucket (the SDK loads on first use). */
function sdkDirectories(region: string | undefined, reporter: Reporter): DirectoryStores {
  return async (bucket) => {
    const { s3Client } = await import('../adapters/aws/clients.js');
    const { directoryStore } = await import('../adapters/aws/directory-store.js');
    // Read only: S3 decrypts with the key the object names (SSE-KMS); keyArn is for writes.
    return directoryStore({ s3: s3Client({ region, reporter }) }, { bucket, keyArn: '' });
  };
}

/**
 * What --deployed reads: the stack's resources and, on a lambda gateway, its
 * directory; the region from --region, else sftpgw.yaml. The SDK loads on first use.
 */
function deployedReaders(region: string | undefined, reporter: Reporter) {
  const regionOf = (config: { region?: string | null }) => region ?? config.region ?? undefined;
  return {
    stacks: async (config: { region?: string | null }) => {
      nodeVersionNote(reporter);
      const { cloudFormationClient } = await import('../adapters/aws/clients.js');
      const { sdkStackResources } = await import('../adapters/aws/stack-resources.js');
      return sdkStackResources(cloudFormationClient({ region: regionOf(config), reporter }));
    },
    directories: (config: { region?: string | null }) => sdkDirectories(regionOf(config), reporter),
  };
}

interface UsersFlags extends CommonFlags, ClockFlags {
  users?: string;
}

async function folders(
  flags: UsersFlags,
): Promise<{ usersDir: string; projectDir: string; warningDays: number }> {
  const config = await loadConfig(configOptions(flags), consoleReporter(flags));
  return {
    usersDir: config.usersDir,
    projectDir: config.projectDir,
    warningDays: config.users.keyExpiryWarningDays,
  };
}

/** A key's expiry as the tables show it: "-", "2027-03-31", "2027-03-31 (expired)". */
function expiryText(k: { expires?: string; state?: string }): string {
  if (k.expires === undefined) return '-';
  return k.state && k.state !== 'ok' ? `${k.expires} (${k.state})` : k.expires;
}

export async function runAdd(
  flags: UsersFlags & { key: string; force?: boolean; expires?: string },
  name: string,
): Promise<ExitCode> {
  const keyText = readInputFile(
    flags.key,
    'key file',
    'pass the public key file (e.g. id_ed25519.pub), or - to read it from stdin',
  );
  // Progress of the checks (evaluating users, rendering) is noise here; warnings still show.
  const reporter = consoleReporter({ ...flags, quiet: true });
  const r = await addUser(
    {
      ...configOptions(flags),
      name,
      keyText,
      keySource: flags.key === '-' ? 'stdin' : flags.key,
      force: flags.force,
      expires: flags.expires,
    },
    { jsonnet: libjsonnet, reporter },
  );
  const converted = r.keys.some((k) => k.converted)
    ? ' (converted from RFC 4716 to OpenSSH form)'
    : '';
  process.stderr.write(
    `${r.replaced ? 'replaced the keys of' : 'added'} ${name} → ${displayPath(r.file)}: ${r.keys.map((k) => `${k.type} ${k.fingerprint}${k.expires ? ` (expires ${k.expires})` : ''}`).join(', ')}${converted}\n`,
  );
  return EXIT.ok;
}

export async function runList(
  flags: UsersFlags & {
    output: 'text' | 'json';
    deployed?: boolean;
    stackName?: string;
    region?: string;
  },
): Promise<ExitCode> {
  // The date first: a bad --today or SFTPGW_TODAY is a usage error before any work.
  const today = clockToday({ today: flags.today });
  if (flags.deployed) return listDeployed(flags, today);
  const dirs = await folders(flags);
  const users = await listUsers(dirs.usersDir, dirs.projectDir, libjsonnet, {
    today,
    warningDays: dirs.warningDays,
  });
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify(usersListDocument(users), null, 2) + '\n');
    return EXIT.ok;
  }
  process.stdout.write(
    formatTable(
      ['NAME', 'KEYS', 'HOME', 'ACCESS'],
      users.map((u) => [
        u.name,
        u.keys
          .map((k) => `${k.type} ${k.fingerprint}${k.expires ? ` expires ${expiryText(k)}` : ''}`)
          .join(', '),
        u.homeDirectory,
        u.readOnly ? 'read-only' : 'read-write',
      ]),
    ),
  );
  return EXIT.ok;
}

/** users list --deployed: the users of a lambda gateway's deployed directory. */
async function listDeployed(
  flags: UsersFlags & { output: 'text' | 'json'; stackName?: string; region?: string },
  today: string,
): Promise<ExitCode> {
  const reporter = consoleReporter({ ...flags, quiet: flags.output === 'json' });
  const listing = await listDeployedUsers(
    { ...configOptions(flags), stackName: flags.stackName, today },
    { reporter, ...deployedReaders(flags.region, reporter) },
  );
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify(usersDeployedDocument(listing), null, 2) + '\n');
    return EXIT.ok;
  }
  if (listing.users.length > 0)
    process.stdout.write(
      formatTable(
        ['NAME', 'KEYS', 'HOME', 'ACCESS', 'NETWORKS', 'PASSWORD'],
        listing.users.map((u) => [
          u.name,
          u.keys.length > 0
            ? u.keys
                .map(
                  (k) =>
                    `${k.type} ${k.fingerprint}${k.expires ? ` expires ${expiryText(k)}` : ''}`,
                )
                .join(', ')
            : '-',
          u.homeDirectory,
          u.readOnly ? 'read-only' : 'read-write',
          u.allowedSourceCidrs.length > 0 ? u.allowedSourceCidrs.join(', ') : 'any',
          u.password ? (listing.passwords ? 'set' : 'set (passwords off)') : '-',
        ]),
      ),
    );
  const d = listing.directory;
  const noFile = listing.users.filter((u) => u.file === undefined).map((u) => u.name);
  process.stderr.write(
    `${count(listing.users.length, 'user')} in the deployed directory of stack ${d.stackName}, ${directoryUrl(d)} ${versionText(d)}; passwords ${listing.passwords ? 'on' : 'off'}${noFile.length > 0 ? `; no user file for ${noFile.join(', ')} (removed since the deploy?)` : ''}\n`,
  );
  return EXIT.ok;
}

export async function runRemove(flags: UsersFlags, name: string): Promise<ExitCode> {
  const dirs = await folders(flags);
  const file = removeUser(dirs.usersDir, name);
  process.stderr.write(
    `removed ${displayPath(file)}: the next deploy deletes SFTP user ${name} (its home folder stays in the bucket)\n`,
  );
  return EXIT.ok;
}

export async function runKeys(
  flags: UsersFlags & {
    expiring?: number;
    expired?: boolean;
    deployed?: boolean;
    stackName?: string;
    region?: string;
    output: 'text' | 'json';
  },
): Promise<ExitCode> {
  const asked = {
    expiring: flags.expiring,
    expired: flags.expired === true,
    deployed: flags.deployed === true,
  };
  const reporter = consoleReporter(flags);
  const listing = await listKeys(
    { ...configOptions(flags), ...asked, stackName: flags.stackName },
    {
      jsonnet: libjsonnet,
      reporter,
      // The SDK is loaded only with --deployed: the offline checks stay offline.
      ...deployedReaders(flags.region, reporter),
    },
  );
  const conditionAsked = asked.expiring !== undefined || asked.expired || asked.deployed;
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify(usersKeysDocument(listing, asked), null, 2) + '\n');
  } else {
    // With a condition, the table holds the keys that match it: what the pipeline's log must say.
    const rows = conditionAsked ? listing.matching : listing.rows;
    if (rows.length > 0)
      process.stdout.write(
        keysTable(rows, asked.deployed, listing.deployed?.directory !== undefined),
      );
  }
  if (!conditionAsked) {
    process.stderr.write(
      `${count(listing.rows.length, 'key')} as of ${listing.today} (UTC): ${stateCounts(listing.rows)}\n`,
    );
    return EXIT.ok;
  }
  const stillDeployed = listing.matching.filter((r) => r.state === 'expired' && r.deployed);
  if (listing.deployed && flags.output !== 'json')
    for (const r of stillDeployed)
      process.stderr.write(
        `${r.user}: key ${r.fingerprint} expired (last valid day ${r.expires}) and is still ${listing.deployed.directory ? `trusted by the deployed directory of ${r.deployedIn?.stack}` : `deployed in ${r.deployedIn?.stack}`}: ${DEPLOY_TO_REMOVE}\n`,
      );
  const what = [
    asked.expiring !== undefined ? `expiring within ${count(asked.expiring, 'day')}` : undefined,
    asked.expired ? 'expired' : undefined,
    listing.deployed ? `expired and still deployed (${stacksRead(listing.deployed)})` : undefined,
  ]
    .filter(Boolean)
    .join(' or ');
  const advice =
    stillDeployed.length > 0
      ? `deploy to remove ${stillDeployed.length === 1 ? 'it' : 'them'} (docs/keys.md#expiry-on-time-the-scheduled-pipeline)`
      : "add each owner's next key beside an expiring one, remove expired ones from their user files, and deploy (docs/keys.md)";
  process.stderr.write(
    listing.matching.length > 0
      ? `${count(listing.matching.length, 'key')} ${what} as of ${listing.today} (UTC): ${advice}\n`
      : `no key ${what} as of ${listing.today} (UTC)\n`,
  );
  return listing.matching.length > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * "stack acme-production", "stack acme-production and its 4 child stacks",
 * or (lambda) "the directory of stack acme-production, s3://…/directory.json version … of …".
 */
function stacksRead(d: DeployedComparison): string {
  if (d.directory)
    return `the directory of stack ${d.stackName}, ${directoryUrl(d.directory)} ${versionText(d.directory)}`;
  const children = d.stacks.length - 1;
  return `stack ${d.stackName}${children > 0 ? ` and its ${count(children, 'child stack')}` : ''}`;
}

function keysTable(rows: readonly ListedKey[], deployed: boolean, directory = false): string {
  return formatTable(
    [
      'USER',
      'TYPE',
      'FINGERPRINT',
      'COMMENT',
      'EXPIRES',
      'STATE',
      'FILE',
      ...(deployed ? ['DEPLOYED IN'] : []),
    ],
    rows.map((r) => [
      r.user,
      r.type,
      r.fingerprint,
      r.comment ?? '-',
      r.expires ?? '-',
      r.daysLeft === undefined
        ? r.state
        : r.state === 'expired'
          ? `expired ${count(-r.daysLeft, 'day')} ago`
          : `${r.state} (${r.daysLeft === 0 ? 'last day' : `${count(r.daysLeft, 'day')} left`})`,
      r.file,
      ...(deployed
        ? [
            r.deployedIn
              ? directory
                ? `${r.deployedIn.stack} directory${r.deployedIn.directoryVersion ? ` ${r.deployedIn.directoryVersion}` : ''}`
                : r.deployedIn.stack
              : '-',
          ]
        : []),
    ]),
  );
}

function stateCounts(rows: readonly ListedKey[]): string {
  const n = (s: ListedKey['state']) => rows.filter((r) => r.state === s).length;
  return `${n('ok')} ok, ${n('expiring')} expiring, ${n('expired')} expired`;
}

export async function runPasswd(
  flags: UsersFlags & { stdin?: boolean },
  name: string,
): Promise<ExitCode> {
  let password: string;
  if (!stdinIsTerminal()) password = readSecretLine('password');
  else {
    // A terminal: never echoed. --stdin asks once (a password pasted from a manager).
    password = await askSecret(`new password for ${name}: `);
    if (!flags.stdin) {
      const again = await askSecret('the same password again: ');
      if (password !== again) {
        process.stderr.write('the two passwords differ: nothing written\n');
        return EXIT.failed;
      }
    }
  }
  const reporter = consoleReporter({ ...flags, quiet: true });
  const r = await setPassword({ ...configOptions(flags), name, password }, { reporter });
  process.stderr.write(
    `${r.replaced ? 'replaced the password hash of' : 'set a password for'} ${name} → ${displayPath(r.file)}: passwordHash (scrypt ${r.params}); only a gateway with server.identityProvider lambda and passwords: true checks it (docs/users.md#passwords)\n`,
  );
  return EXIT.ok;
}
