// `sftpgw destinations list | test | test --scan --output json`.
import type {
  DestinationListing,
  HostKeyScan,
  TestResult,
} from '../engine/destinations/destinations.js';
import { array, boolean, document, integer, nullable, object, string } from './schema-kit.js';

export interface DestinationListEntry {
  key: string;
  secret: string;
  tagged: boolean;
  lastChanged: string | null;
}

export function destinationsListDocument(
  list: readonly DestinationListing[],
): DestinationListEntry[] {
  return list.map((d) => ({
    key: d.key,
    secret: d.name,
    tagged: d.tagged,
    lastChanged: d.lastChanged?.toISOString() ?? null,
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
    }),
  ),
);

export type DestinationTestDocument = { ok: true } & TestResult;

export function destinationTestDocument(r: TestResult): DestinationTestDocument {
  return {
    ok: true,
    name: r.name,
    host: r.host,
    remoteDirectory: r.remoteDirectory,
    entries: r.entries,
    wrote: r.wrote,
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
  }),
);

export type DestinationScanDocument = { host: string } & HostKeyScan;

export function destinationScanDocument(r: DestinationScanDocument): DestinationScanDocument {
  return {
    host: r.host,
    offered: r.offered,
    keys: r.keys.map((k) => ({
      type: k.type,
      fingerprint: k.fingerprint,
      line: k.line,
      pinned: k.pinned,
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
        acceptable: boolean('deliveries would accept it when pinned (false: SHA-1 only)'),
      }),
    ),
  }),
);
