// A lambda gateway's directory change as JSON (`sftpgw diff --output json`):
// the shapes of engine/deploy/types.ts DirectoryPlan with every field present.
// Keys by type and fingerprint; never a key body, a hash or a policy.
import type { DirectoryPlan } from '../engine/deploy/types.js';
import type { KeyRef } from '../engine/identity/directory-diff.js';
import {
  array,
  boolean,
  integer,
  nullable,
  object,
  type Schema,
  string,
  stringEnum,
} from './schema-kit.js';

export interface DirectoryPlanDocument {
  location: string | null;
  currentVersion: string | null;
  unchanged: boolean;
  bytes: number;
  users: number;
  passwords: { before: boolean; after: boolean } | null;
  usersAdded: Array<{ user: string; keys: number; password: boolean }>;
  usersRemoved: string[];
  usersChanged: Array<{
    user: string;
    keysAdded: KeyRef[];
    keysRemoved: KeyRef[];
    expiryChanged: Array<{
      type: string;
      fingerprint: string;
      from: string | null;
      to: string | null;
    }>;
    networks: { before: string[] | null; after: string[] | null } | null;
    password: 'set' | 'changed' | 'cleared' | null;
    policy: boolean;
    home: boolean;
    readOnly: { before: boolean; after: boolean } | null;
  }>;
}

export function directoryPlanDocument(d: DirectoryPlan): DirectoryPlanDocument {
  return {
    location: d.location ?? null,
    currentVersion: d.currentVersion ?? null,
    unchanged: d.unchanged,
    bytes: d.bytes,
    users: d.users,
    passwords: d.diff.passwords ?? null,
    usersAdded: d.diff.usersAdded,
    usersRemoved: d.diff.usersRemoved,
    usersChanged: d.diff.usersChanged.map((c) => ({
      user: c.user,
      keysAdded: c.keysAdded,
      keysRemoved: c.keysRemoved,
      expiryChanged: c.expiryChanged,
      networks: c.networks ?? null,
      password: c.password ?? null,
      policy: c.policy,
      home: c.home,
      readOnly: c.readOnly ?? null,
    })),
  };
}

const DATE = nullable(string('YYYY-MM-DD, the last UTC day the key is trusted'), 'null: no expiry');
const KEY = object({
  type: string('ssh-ed25519, ssh-rsa, …'),
  fingerprint: string('SHA256:…, as ssh-keygen -lf prints it (never the key itself)'),
  expires: DATE,
});
const NETWORKS = nullable(array(string()), 'null: any source the endpoint admits');

export const DIRECTORY_PLAN_SCHEMA: Schema = object({
  location: nullable(
    string(),
    's3://<DirectoryBucket>/directory.json; null while the bucket is still to be created',
  ),
  currentVersion: nullable(string(), 'the current object’s version id; null: no directory yet'),
  unchanged: boolean('the same bytes as the current object: a deploy uploads nothing'),
  bytes: integer('the new document’s size'),
  users: integer('users in the new document'),
  passwords: nullable(
    object({ before: boolean(), after: boolean() }),
    'password logins switched on or off for the gateway; null: unchanged',
  ),
  usersAdded: array(
    object({ user: string(), keys: integer(), password: boolean('has a password hash') }),
  ),
  usersRemoved: array(string()),
  usersChanged: array(
    object({
      user: string(),
      keysAdded: array(KEY),
      keysRemoved: array(KEY),
      expiryChanged: array(object({ type: string(), fingerprint: string(), from: DATE, to: DATE })),
      networks: nullable(object({ before: NETWORKS, after: NETWORKS }), 'null: unchanged'),
      password: nullable(
        stringEnum(['set', 'changed', 'cleared']),
        'null: unchanged (the hash is never shown)',
      ),
      policy: boolean('the session policy changes (its text is not shown)'),
      home: boolean('the home directory mappings change'),
      readOnly: nullable(object({ before: boolean(), after: boolean() }), 'null: unchanged'),
    }),
  ),
});
