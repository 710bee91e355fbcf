// sftpgw destinations put | test | list: flags -> engine -> a line, a table or JSON.
// Secret material comes from files or stdin, never from a flag value, and is
// never printed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeVersionNote } from './aws-context.js';
import { sdkSecretStore } from '../adapters/aws/secrets.js';
import { loadConfig } from '../engine/config/load.js';
import type { ResolvedConfig } from '../engine/config/types.js';
import { checkKey, listDestinations, putDestination, scanDestination, secretName, testDestination } from '../engine/destinations/destinations.js';
import { usageError } from '../engine/errors.js';
import type { CommonFlags } from '../main.js';
import { consoleReporter } from '../output.js';
import type { DestinationSecret } from '../../handler/destination-schema.js';

interface DestFlags extends CommonFlags {
  region?: string;
  output?: 'text' | 'json';
}

async function context(flags: DestFlags) {
  const reporter = consoleReporter(flags);
  const config: ResolvedConfig = await loadConfig({ configFile: flags.config, env: flags.env }, reporter);
  nodeVersionNote(reporter);
  const prefix = config.outbound?.secretPrefix ?? `sftpgw/${config.stackName}`;
  return { config, prefix, store: sdkSecretStore(flags.region ?? config.region ?? undefined), reporter };
}

function readSecretFile(file: string, what: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

export async function runPut(flags: DestFlags & {
  host: string; port?: number; username: string; privateKeyFile?: string; passphraseFile?: string; passwordStdin?: boolean;
  trustedHostKey: string[]; remoteDir: string; pattern: string; kmsKeyId?: string;
}, key: string): Promise<number> {
  checkKey(key);
  if (!flags.privateKeyFile && !flags.passwordStdin) throw usageError('give --private-key-file FILE (or -) or --password-stdin');
  if (flags.privateKeyFile === '-' && flags.passwordStdin) throw usageError('--private-key-file - and --password-stdin both want stdin: put the key in a file');
  const port = flags.port;
  const secret: DestinationSecret = {
    Host: flags.host,
    ...(port !== undefined ? { Port: port } : {}),
    Username: flags.username,
    ...(flags.privateKeyFile ? { PrivateKey: readSecretFile(flags.privateKeyFile, 'private key file') } : {}),
    ...(flags.passphraseFile ? { Passphrase: readSecretFile(flags.passphraseFile, 'passphrase file').replace(/\r?\n$/, '') } : {}),
    ...(flags.passwordStdin ? { Password: readFileSync(0, 'utf8').replace(/\r?\n$/, '') } : {}),
    TrustedHostKeys: flags.trustedHostKey,
    RemoteDirectory: flags.remoteDir,
    FilePattern: flags.pattern,
  };
  const { config, prefix, store } = await context(flags);
  const r = await putDestination(store, { prefix, key, gateway: config.stackName, secret, kmsKeyId: flags.kmsKeyId });
  process.stderr.write(`${r.created ? 'created' : 'updated'} destination ${key} (secret ${r.name}, tagged ${'sftpgw:gateway'}=${config.stackName}); stage files at ${key}/<file>\n`);
  return 0;
}

export async function runTest(flags: DestFlags & { write?: boolean; scan?: boolean }, key: string): Promise<number> {
  checkKey(key);
  const { prefix, store } = await context(flags);
  const name = secretName(prefix, key);
  if (flags.scan) {
    const r = await scanDestination(store, name);
    if (flags.output === 'json') process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      process.stdout.write(`host keys of ${r.host} (confirm them with the server's owner before pinning; nothing was trusted):\n`);
      for (const k of r.keys) process.stdout.write(`  ${k.pinned ? 'pinned    ' : 'NOT PINNED'}  ${k.type.padEnd(20)} ${k.fingerprint}\n`);
    }
    return r.keys.some((k) => k.pinned) ? 0 : 1;
  }
  const r = await testDestination(store, name, { write: Boolean(flags.write) });
  if (flags.output === 'json') process.stdout.write(JSON.stringify({ ok: true, ...r }, null, 2) + '\n');
  else process.stdout.write(`ok: ${r.host} (pinned host key matched), ${r.remoteDirectory} lists ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'}${r.wrote ? '; a probe file was written, checked, renamed and removed' : ''}\n`);
  return 0;
}

export async function runList(flags: DestFlags): Promise<number> {
  const { config, prefix, store } = await context(flags);
  const list = await listDestinations(store, prefix, config.stackName);
  if (flags.output === 'json') {
    process.stdout.write(JSON.stringify(list.map((d) => ({ key: d.key, secret: d.name, tagged: d.tagged, lastChanged: d.lastChanged })), null, 2) + '\n');
    return 0;
  }
  if (list.length === 0) {
    process.stdout.write(`no destinations under ${prefix}/ (create one with sftpgw destinations put)\n`);
    return 0;
  }
  for (const d of list) process.stdout.write(`${d.key.padEnd(24)} ${d.name}${d.tagged ? '' : '  NOT TAGGED for this gateway: the push function cannot read it'}\n`);
  return 0;
}
