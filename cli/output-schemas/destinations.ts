// `sftpgw destinations list | test | test --scan --output json`.
import type {
  DestinationListing,
  HostKeyScan,
  PinListing,
  TestResult,
} from '../engine/destinations/destinations.js';
import {
  array,
  boolean,
  document,
  integer,
  nullable,
  object,
  orNull,
  string,
  stringEnum,
} from './schema-kit.js';
import { HOST_KEY_USED_SCHEMA, hostKeyDocument, type HostKeyDocument } from './host-key-used.js';

export interface PinEntry {
  type: string | null;
  fingerprint: string;
  expires: string | null;
  daysLeft: number | null;
  state: PinListing['state'];
}

export interface DestinationListEntry {
  key: string;
  secret: string;
  tagged: boolean;
  lastChanged: string | null;
  pins: PinEntry[] | null;
  pinsProblem: string | null;
}

export function destinationsListDocument(
  list: readonly DestinationListing[],
): DestinationListEntry[] {
  return list.map((d) => ({
    key: d.key,
    secret: d.name,
    tagged: d.tagged,
    lastChanged: d.lastChanged?.toISOString() ?? null,
    pins:
      d.pins?.map((p) => ({
        type: orNull(p.type),
        fingerprint: p.fingerprint,
        expires: orNull(p.expires),
        daysLeft: orNull(p.daysLeft),
        state: p.state,
      })) ?? null,
    pinsProblem: orNull(d.pinsProblem),
  }));
}

export const DESTINATIONS_LIST_SCHEMA = document(
  'sftpgw destinations list --output json',
  'The destination secrets under the gateway’s prefix.',
  array(
    object({
      key: string('the destination key: files staged at <key>/ go there'),
      secret: string('the Secrets Manager secret name'),
      tagged: boolean('it carries this gateway’s tag: the push function can read it'),
      lastChanged: nullable(string(), 'ISO 8601 time; null when Secrets Manager gives none'),
      pins: nullable(
        array(
          object({
            type: nullable(
              string(),
              'the key type; null for a pin given as a bare SHA256 fingerprint',
            ),
            fingerprint: string('SHA256:…'),
            expires: nullable(
              string(),
              'the last UTC date the pin is trusted (YYYY-MM-DD); null: it never expires',
            ),
            daysLeft: nullable(
              { type: 'integer' },
              'days from today to expires: 0 = today is its last trusted day, negative = expired; null without expires',
            ),
            state: stringEnum(
              ['ok', 'expiring', 'expired'],
              'expired: deliveries no longer trust it; expiring: its last trusted day is within --within days (default 30)',
            ),
          }),
        ),
        'with --pins: every pinned host key of TrustedHostKeys, in its order; null without --pins or when the secret could not be read (see pinsProblem)',
      ),
      pinsProblem: nullable(
        string(),
        'with --pins: why the pins could not be read (names fields, never values); null otherwise',
      ),
    }),
  ),
);

export type DestinationTestDocument = { ok: true } & Omit<TestResult, 'hostKey' | 'channels'> & {
    hostKey: HostKeyDocument;
    channels: { wanted: number; allowed: number; refused: string | null };
  };

export function destinationTestDocument(r: TestResult): DestinationTestDocument {
  return {
    ok: true,
    name: r.name,
    host: r.host,
    remoteDirectory: r.remoteDirectory,
    entries: r.entries,
    wrote: r.wrote,
    hostKey: hostKeyDocument(r.hostKey),
    channels: {
      wanted: r.channels.wanted,
      allowed: r.channels.allowed,
      refused: r.channels.refused ?? null,
    },
  };
}

export const DESTINATIONS_TEST_SCHEMA = document(
  'sftpgw destinations test --output json',
  'A destination reached as the push function would reach it (a failure is an error on stderr, exit 1).',
  object({
    ok: { const: true },
    name: string('the secret name'),
    host: string('host:port'),
    remoteDirectory: string(),
    entries: integer('entries in the remote directory'),
    wrote: boolean('--write: a probe file was written, checked, renamed and removed'),
    hostKey: HOST_KEY_USED_SCHEMA,
    channels: object(
      {
        wanted: integer(
          'SFTP channels a large file is written over in parallel: the default, or MaxConnections when lower',
        ),
        allowed: integer(
          'channels the server opened on one connection (at most wanted); fewer means a delivery falls back to that many',
        ),
        refused: nullable(string('why the server allowed fewer than wanted; null when it did not')),
      },
      'parallel writes of large files (docs/outbound.md#parallel-writes)',
    ),
  }),
);

export type DestinationScanDocument = { host: string; offered: string[]; keys: ScannedKeyEntry[] };

type ScannedKeyEntry = Omit<HostKeyScan['keys'][number], 'pinExpires'> & {
  pinExpires: string | null;
};

export function destinationScanDocument(
  r: { host: string } & HostKeyScan,
): DestinationScanDocument {
  return {
    host: r.host,
    offered: r.offered,
    keys: r.keys.map((k) => ({
      type: k.type,
      fingerprint: k.fingerprint,
      line: k.line,
      pinned: k.pinned,
      pinExpires: orNull(k.pinExpires),
      expired: k.expired,
      acceptable: k.acceptable,
    })),
  };
}

export const DESTINATIONS_SCAN_SCHEMA = document(
  'sftpgw destinations test --scan --output json',
  'The host keys the destination server offers, against the pinned ones. Nothing is trusted.',
  object({
    host: string('host:port'),
    offered: array(string(), 'the host-key algorithms the server advertises'),
    keys: array(
      object({
        type: string(),
        fingerprint: string('SHA256:…'),
        line: string('the public key line, to pin after confirming the fingerprint'),
        pinned: boolean('its fingerprint is in TrustedHostKeys'),
        pinExpires: nullable(
          string(),
          "its pin's last trusted UTC date (YYYY-MM-DD); null when not pinned or the pin never expires",
        ),
        expired: boolean('pinned, but the pin expired: deliveries no longer accept it'),
        acceptable: boolean('deliveries would accept it when pinned (false: SHA-1 only)'),
      }),
    ),
  }),
);
