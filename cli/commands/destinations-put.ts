// sftpgw destinations put: flags -> the destination secret -> engine -> one line.
// Secret material comes from files or stdin, never from a flag value, and is
// never printed. `--pin-expires DATE` gives the --trusted-host-key just before
// it an expiry: stored as { Key, Expires } (shared/destination/pin-expiry.ts).
import { putDestination, checkKey } from '../engine/destinations/destinations.js';
import { usageError } from '../engine/errors.js';
import type { DestinationSecret } from '../../shared/destination/secret-schema.js';
import { GATEWAY_TAG } from '../../shared/gateway-names.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { context, phases, type DestFlags } from './destinations.js';
import { readInputFile } from './input-file.js';
import type { Qualifier } from '../options.js';
import { pinsWithExpiry } from '../engine/destinations/pin-flags.js';
import { pinToday } from '../engine/destinations/pin-today.js';

export async function runPut(
  flags: DestFlags & {
    host: string;
    port?: number;
    username: string;
    privateKeyFile?: string;
    passphraseFile?: string;
    passwordStdin?: boolean;
    trustedHostKey: string[];
    pinExpires?: Qualifier[];
    remoteDir: string;
    pattern: string;
    overwrite?: 'replace' | 'never';
    kmsKeyId?: string;
  },
  key: string,
): Promise<ExitCode> {
  checkKey(key);
  if (flags.privateKeyFile === '-' && flags.passwordStdin)
    throw usageError(
      '--private-key-file - and --password-stdin both want stdin: put the key in a file',
    );
  const port = flags.port;
  const secret: DestinationSecret = {
    Host: flags.host,
    ...(port !== undefined ? { Port: port } : {}),
    Username: flags.username,
    ...(flags.privateKeyFile
      ? { PrivateKey: readInputFile(flags.privateKeyFile, 'private key file') }
      : {}),
    ...(flags.passphraseFile
      ? { Passphrase: readInputFile(flags.passphraseFile, 'passphrase file').replace(/\r?\n$/, '') }
      : {}),
    ...(flags.passwordStdin
      ? { Password: readInputFile('-', 'password').replace(/\r?\n$/, '') }
      : {}),
    TrustedHostKeys: pinsWithExpiry(flags.trustedHostKey, flags.pinExpires ?? [], pinToday()),
    RemoteDirectory: flags.remoteDir,
    FilePattern: flags.pattern,
    ...(flags.overwrite ? { Overwrite: flags.overwrite } : {}),
  };
  const { config, prefix, store } = await context(flags);
  const r = await putDestination(
    store,
    {
      prefix,
      key,
      gateway: config.stackName,
      secret,
      kmsKeyId: flags.kmsKeyId,
    },
    phases(flags),
  );
  process.stderr.write(
    `${r.created ? 'created' : 'updated'} destination ${key} (secret ${r.name}, tagged ${GATEWAY_TAG}=${config.stackName}); stage files at ${key}/<file>\n`,
  );
  return EXIT.ok;
}
