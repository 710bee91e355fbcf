// `sftpgw host-keys list --output json` and `host-keys retire --output json`:
// the deployed server's host keys (public facts only), and what deleting one
// changes for partners.
import type { AlgorithmChange, HostKeyEntry } from '../engine/host-keys/active.js';
import type { HostKeyListing, ListedHostKey, RetirePlan } from '../engine/host-keys/retire.js';
import { array, boolean, document, nullable, object, type Schema, string } from './schema-kit.js';

export interface ListedHostKeyDocument {
  id: string | null;
  algorithm: string;
  type: string;
  fingerprint: string;
  description: string | null;
  dateImported: string | null;
  active: boolean;
  logicalId: string | null;
}

export interface HostKeysListDocument {
  stackName: string;
  serverId: string;
  keys: ListedHostKeyDocument[];
}

interface SideDocument {
  id: string | null;
  type: string;
  fingerprint: string;
  logicalId: string | null;
}

export interface HostKeysRetireDocument {
  stackName: string;
  serverId: string;
  key: ListedHostKeyDocument;
  changes: Array<{ algorithm: string; before: SideDocument | null; after: SideDocument | null }>;
  retired: boolean;
  /** The keys after the deletion; null when nothing was deleted. */
  keys: ListedHostKeyDocument[] | null;
}

function listed(k: ListedHostKey): ListedHostKeyDocument {
  return {
    id: k.id ?? null,
    algorithm: k.algorithm,
    type: k.type,
    fingerprint: k.fingerprint,
    description: k.description ?? null,
    dateImported: k.dateImported?.toISOString() ?? null,
    active: k.active,
    logicalId: k.logicalId ?? null,
  };
}

function side(k: HostKeyEntry | undefined): SideDocument | null {
  return k
    ? { id: k.id ?? null, type: k.type, fingerprint: k.fingerprint, logicalId: k.logicalId ?? null }
    : null;
}

export function hostKeysListDocument(l: HostKeyListing): HostKeysListDocument {
  return { stackName: l.stackName, serverId: l.serverId, keys: l.keys.map(listed) };
}

export function hostKeysRetireDocument(
  plan: RetirePlan,
  after: HostKeyListing | undefined,
): HostKeysRetireDocument {
  return {
    stackName: plan.stackName,
    serverId: plan.serverId,
    key: listed(plan.key),
    changes: plan.changes.map((c: AlgorithmChange) => ({
      algorithm: c.algorithm,
      before: side(c.before),
      after: side(c.after),
    })),
    retired: after !== undefined,
    keys: after ? after.keys.map(listed) : null,
  };
}

const KEY = object({
  id: nullable(string('hostkey-…')),
  algorithm: string('RSA, ECDSA or ED25519: Transfer Family presents one key per algorithm'),
  type: string('ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, …'),
  fingerprint: string('SHA256:…, as ssh-keygen -lf prints it'),
  description: nullable(string()),
  dateImported: nullable(string('ISO 8601: when the key was added to the server')),
  active: boolean('the oldest key of its algorithm: the one clients are shown'),
  logicalId: nullable(
    string(),
    "the stack's HostKey resource that holds it (server.hostKeys); null for the key Transfer Family generated, or one imported by hand",
  ),
});

const SIDE = object({
  id: nullable(string()),
  type: string(),
  fingerprint: string(),
  logicalId: nullable(string()),
});

export const HOST_KEYS_LIST_SCHEMA: Schema = document(
  'sftpgw host-keys list --output json',
  "The deployed server's host keys, by algorithm, oldest first; the active one of each algorithm marked.",
  object({ stackName: string(), serverId: string(), keys: array(KEY) }),
);

export const HOST_KEYS_RETIRE_SCHEMA: Schema = document(
  'sftpgw host-keys retire HOST_KEY_ID --output json',
  'The key to delete, what partners see change per algorithm, and the keys after (null when nothing was deleted).',
  object({
    stackName: string(),
    serverId: string(),
    key: KEY,
    changes: array(
      object({
        algorithm: string(),
        before: nullable(SIDE),
        after: nullable(SIDE, 'null: no key of this algorithm is left'),
      }),
      'only the algorithms whose active key changes; empty when the key was not active',
    ),
    retired: boolean('the key was deleted'),
    keys: nullable(array(KEY), 'the keys after the deletion; null when nothing was deleted'),
  }),
);
