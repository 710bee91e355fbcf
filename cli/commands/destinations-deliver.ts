// sftpgw destinations deliver KEY FILE: flags -> the secret's source -> the
// engine (cli/engine/destinations/deliver.ts) -> a few lines or JSON; progress
// of a large file on stderr. With --secret-file nothing reads the config or
// touches AWS: the SDK is not even loaded. Nothing secret is printed.
import {
  DEFAULT_TIMEOUT_SECONDS,
  deliverFile,
  mibPerSecond,
  type DeliverResult,
  type SecretSource,
} from '../engine/destinations/deliver.js';
import { checkKey } from '../engine/destinations/destinations.js';
import { usageError } from '../engine/errors.js';
import { count } from '../engine/plural.js';
import { destinationDeliverDocument } from '../output-schemas/destinations-deliver.js';
import { destinationSecretName } from '../../shared/gateway-names.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
// Types only: destinations.ts loads the Secrets Manager client.
import type { DestFlags } from './destinations.js';
import { readInputFile } from './input-file.js';
import { pinToday, startOf } from '../engine/destinations/pin-today.js';

export interface DeliverFlags extends DestFlags {
  secretFile?: string;
  remoteName?: string;
  timeout?: number;
}

export async function runDeliver(
  flags: DeliverFlags,
  key: string,
  file: string,
): Promise<ExitCode> {
  checkKey(key);
  const secret = await secretSource(flags, key);
  const progress = progressLine();
  const r = await deliverFile(
    {
      key,
      file,
      remoteName: flags.remoteName,
      timeoutMs: (flags.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      now: startOf(pinToday()),
    },
    secret,
    { phase: (p) => flags.phases?.(p), progress: progress.update },
  ).finally(progress.end);
  if (flags.output === 'json')
    process.stdout.write(JSON.stringify(destinationDeliverDocument(r), null, 2) + '\n');
  else process.stdout.write(deliveredText(r));
  return EXIT.ok;
}

async function secretSource(flags: DeliverFlags, key: string): Promise<SecretSource> {
  const from = flags.secretFile;
  if (from !== undefined) {
    // They would be ignored: with the secret in hand, no config, region or secret name matters.
    const ignored = (['config', 'env', 'region'] as const).filter((f) => flags[f] !== undefined);
    if (ignored.length > 0)
      throw usageError(
        `${ignored.map((f) => `--${f}`).join(', ')} cannot be given with --secret-file: the secret comes from the file, and nothing is read from the config or AWS`,
        'drop them, or drop --secret-file to read the stored secret',
      );
    return {
      kind: from === '-' ? 'stdin' : 'file',
      name: from === '-' ? '-' : from,
      read: async () => readInputFile(from, 'secret file'),
    };
  }
  // Loaded only here: with --secret-file the AWS SDK is never imported.
  const { context } = await import('./destinations.js');
  const { prefix, store } = await context(flags);
  const name = destinationSecretName(prefix, key);
  return { kind: 'secrets-manager', name, read: () => store.value(name) };
}

const MiB = 1024 * 1024;

const PUBLISHED: Record<DeliverResult['published'], string> = {
  'posix-rename': 'renamed into place atomically (posix-rename@openssh.com)',
  rename: 'renamed into place (the name was free; the server has no posix-rename)',
  replace:
    'replaced the different file under that name (the server has no posix-rename: the old file was moved aside, ours renamed in, the old one removed)',
  identical:
    'the name already held exactly this file (compared byte for byte): kept, nothing replaced',
};

function size(bytes: number): string {
  return bytes >= MiB ? `${bytes} bytes (${(bytes / MiB).toFixed(1)} MiB)` : count(bytes, 'byte');
}

export function deliveredText(r: DeliverResult): string {
  return [
    `delivered ${r.file} to destination ${r.key}: ${r.remotePath} on ${r.host}`,
    `  sent       ${size(r.bytes)} in ${(r.durationMs / 1000).toFixed(2)} s, ${mibPerSecond(r).toFixed(2)} MiB/s (connecting included)`,
    `  host key   ${r.hostKey.type} ${r.hostKey.fingerprint}${r.hostKey.expires ? ` (pin trusted through ${r.hostKey.expires} UTC)` : ''}`,
    `  channels   ${r.channels === 1 ? '1 (in order)' : `${r.channels} (ranges in parallel${r.connections > 1 ? ` over ${r.connections} connections` : ''})`}${r.fallback ? `; ${r.fallback}` : ''}`,
    `  published  ${PUBLISHED[r.published]}`,
    `  cleaned    ${count(r.staleRemoved, 'stale part file')} of earlier attempts removed`,
    '',
  ].join('\n');
}

/**
 * Progress of a large file on stderr: one line rewritten on a terminal, a
 * line every 10 seconds elsewhere (CI logs); nothing for a file sent in less.
 */
function progressLine(): { update(sent: number, total: number): void; end(): void } {
  const tty = Boolean(process.stderr.isTTY);
  const every = tty ? 250 : 10_000;
  const started = Date.now();
  let last = started;
  let open = false; // a terminal line without its newline yet
  return {
    update(sent, total) {
      const now = Date.now();
      // On a terminal the last state is always shown, so the line ends at 100 %.
      if (now - last < every && !(sent >= total && open)) return;
      last = now;
      const pct = total > 0 ? Math.floor((sent / total) * 100) : 100;
      const rate = sent / MiB / Math.max(0.001, (now - started) / 1000);
      const text = `sending: ${(sent / MiB).toFixed(1)} of ${(total / MiB).toFixed(1)} MiB (${pct} %), ${rate.toFixed(1)} MiB/s`;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text}`);
        open = true;
      } else process.stderr.write(`${text}\n`);
    },
    /** The result or the error starts on a line of its own. */
    end() {
      if (open) process.stderr.write('\n');
      open = false;
    },
  };
}
