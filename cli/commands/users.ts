// sftpgw users add | list | remove: flags -> engine (users/manage.ts) -> a line or a table.
import { libjsonnet } from '../adapters/jsonnet.js';
import { loadConfig } from '../engine/config/load.js';
import { displayPath } from '../engine/paths.js';
import { addUser, listUsers, removeUser } from '../engine/users/manage.js';
import type { CommonFlags } from '../options.js';
import { formatTable } from '../table-text.js';
import { consoleReporter } from '../output.js';
import { readInputFile } from './input-file.js';
import { usersListDocument } from '../output-schemas/users-list.js';
import { configOptions } from './source-flags.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

interface UsersFlags extends CommonFlags {
  users?: string;
}

async function folders(flags: UsersFlags): Promise<{ usersDir: string; projectDir: string }> {
  const config = await loadConfig(configOptions(flags), consoleReporter(flags));
  return { usersDir: config.usersDir, projectDir: config.projectDir };
}

export async function runAdd(
  flags: UsersFlags & { key: string; force?: boolean },
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
    },
    { jsonnet: libjsonnet, reporter },
  );
  const converted = r.keys.some((k) => k.converted)
    ? ' (converted from RFC 4716 to OpenSSH form)'
    : '';
  process.stderr.write(
    `${r.replaced ? 'replaced the keys of' : 'added'} ${name} → ${displayPath(r.file)}: ${r.keys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}${converted}\n`,
  );
  return EXIT.ok;
}

export async function runList(flags: UsersFlags & { output: 'text' | 'json' }): Promise<ExitCode> {
  const dirs = await folders(flags);
  const users = await listUsers(dirs.usersDir, dirs.projectDir, libjsonnet);
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify(usersListDocument(users), null, 2) + '\n');
    return EXIT.ok;
  }
  process.stdout.write(
    formatTable(
      ['NAME', 'KEYS', 'HOME', 'ACCESS'],
      users.map((u) => [
        u.name,
        u.keys.map((k) => `${k.type} ${k.fingerprint}`).join(', '),
        u.homeDirectory,
        u.readOnly ? 'read-only' : 'read-write',
      ]),
    ),
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
