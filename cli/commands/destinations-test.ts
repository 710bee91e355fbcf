// sftpgw destinations test [--scan] [--write]: flags -> engine -> a line, the
// host keys offered, or JSON. Nothing secret is printed.
import { checkKey, scanDestination, testDestination } from '../engine/destinations/destinations.js';
import { count } from '../engine/plural.js';
import { destinationSecretName } from '../../shared/gateway-names.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import {
  destinationScanDocument,
  destinationTestDocument,
} from '../output-schemas/destinations.js';
import { context, hostKeyText, phases, type DestFlags } from './destinations.js';
import { pinToday, startOf } from '../engine/destinations/pin-today.js';

export async function runTest(
  flags: DestFlags & { write?: boolean; scan?: boolean },
  key: string,
): Promise<ExitCode> {
  checkKey(key);
  const { prefix, store } = await context(flags);
  const name = destinationSecretName(prefix, key);
  const today = pinToday();
  if (flags.scan) {
    const r = await scanDestination(store, name, today);
    if (flags.output === 'json')
      process.stdout.write(JSON.stringify(destinationScanDocument(r), null, 2) + '\n');
    else {
      process.stdout.write(
        `host keys of ${r.host} (confirm them with the server's owner before pinning; nothing was trusted):\n`,
      );
      for (const k of r.keys) {
        const mark = !k.acceptable
          ? 'REFUSED   '
          : k.expired
            ? 'EXPIRED   '
            : k.pinned
              ? 'pinned    '
              : 'NOT PINNED';
        const note = !k.acceptable
          ? '  (SHA-1 signatures only: sftpgw never accepts it)'
          : k.pinExpires
            ? `  (pin ${k.expired ? 'expired' : 'trusted through'} ${k.pinExpires} UTC)`
            : '';
        process.stdout.write(`  ${mark}  ${k.type.padEnd(20)} ${k.fingerprint}${note}\n`);
      }
      process.stdout.write(`  the server offers: ${r.offered.join(', ')}\n`);
    }
    // Exactly what a delivery accepts: a pinned key it may use.
    return r.keys.some((k) => k.pinned && k.acceptable && !k.expired) ? EXIT.ok : EXIT.failed;
  }
  const r = await testDestination(
    store,
    name,
    { write: Boolean(flags.write), now: startOf(today) },
    phases(flags),
  );
  if (flags.output === 'json')
    process.stdout.write(JSON.stringify(destinationTestDocument(r), null, 2) + '\n');
  else
    process.stdout.write(
      `ok: ${r.host} (pinned host key matched: ${hostKeyText(r.hostKey)}), ${r.remoteDirectory} lists ${count(r.entries, 'entry', 'entries')}${r.wrote ? '; a probe file was written, checked, renamed and removed' : ''}\n` +
        `channels: ${r.channels.allowed} of ${r.channels.wanted} for large files${r.channels.refused ? ` (the server refused more: ${r.channels.refused})` : ''}\n`,
    );
  return EXIT.ok;
}
