// `sftpgw destinations deliver KEY FILE --output json`.
import { mibPerSecond, type DeliverResult } from '../engine/destinations/deliver.js';
import { document, integer, nullable, object, orNull, string, stringEnum } from './schema-kit.js';
import { HOST_KEY_USED_SCHEMA, hostKeyDocument, type HostKeyDocument } from './host-key-used.js';

export interface DestinationDeliverDocument {
  ok: true;
  destination: string;
  secret: { from: DeliverResult['secret']['kind']; name: string };
  host: string;
  file: string;
  remoteName: string;
  remotePath: string;
  bytes: number;
  durationMs: number;
  mibPerSecond: number;
  published: DeliverResult['published'];
  staleRemoved: number;
  hostKey: HostKeyDocument;
  channels: number;
  connections: number;
  fallback: string | null;
}

export function destinationDeliverDocument(r: DeliverResult): DestinationDeliverDocument {
  return {
    ok: true,
    destination: r.key,
    secret: { from: r.secret.kind, name: r.secret.name },
    host: r.host,
    file: r.file,
    remoteName: r.remoteName,
    remotePath: r.remotePath,
    bytes: r.bytes,
    durationMs: r.durationMs,
    mibPerSecond: mibPerSecond(r),
    published: r.published,
    staleRemoved: r.staleRemoved,
    hostKey: hostKeyDocument(r.hostKey),
    channels: r.channels,
    connections: r.connections,
    fallback: orNull(r.fallback),
  };
}

export const DESTINATIONS_DELIVER_SCHEMA = document(
  'sftpgw destinations deliver KEY FILE --output json',
  'A local file delivered through the push function’s own code (a refusal or failure is an error on stderr, exit 1 or 2).',
  object({
    ok: { const: true },
    destination: string('the destination key'),
    secret: object(
      {
        from: stringEnum(
          ['file', 'stdin', 'secrets-manager'],
          '--secret-file FILE, --secret-file -, or the stored secret',
        ),
        name: string('the secret file’s path, "-" for stdin, or the secret’s name'),
      },
      'where the destination secret came from',
    ),
    host: string('host:port'),
    file: string('the local file as given'),
    remoteName: string('the file name on the server (--remote-name, else FILE’s base name)'),
    remotePath: string('RemoteDirectory/remoteName'),
    bytes: integer('bytes the remote file holds (checked before it was published)'),
    durationMs: integer('from connecting to disconnecting'),
    mibPerSecond: {
      type: 'number',
      minimum: 0,
      description: 'bytes / durationMs, in MiB/s, 2 decimals',
    },
    published: stringEnum(
      ['posix-rename', 'rename', 'replace', 'identical'],
      'posix-rename: atomic rename; rename: plain rename onto a free name; replace: a different file under the name was replaced (server without posix-rename); identical: the name already held exactly this file, kept',
    ),
    staleRemoved: integer('stale part files of earlier attempts removed from the directory'),
    hostKey: HOST_KEY_USED_SCHEMA,
    channels: {
      ...integer(
        'SFTP channels that wrote the file: 1 in order, more for a large file to a distant server (ranges in parallel; MaxConnections caps it)',
      ),
      minimum: 1,
    },
    connections: {
      ...integer(
        'SSH connections those channels were on: 1, or more where the server limits channels per connection (OpenSSH MaxSessions, ProFTPD SFTPMaxChannels)',
      ),
      minimum: 1,
    },
    fallback: nullable(
      string(),
      'why fewer channels wrote than wanted (the server refused more); null when none did',
    ),
  }),
);
