// `sftpgw users keys --output json`: every key of every user file, its state,
// and whether it matches the condition asked (--expiring DAYS, --expired).
import type { KeyListing } from '../engine/users/list-keys.js';
import type { KeyCondition } from '../engine/users/list-keys.js';
import { matchesCondition } from '../engine/users/list-keys.js';
import {
  array,
  boolean,
  type Complete,
  document,
  integer,
  nullable,
  object,
  orNull,
  type Schema,
  string,
  stringEnum,
} from './schema-kit.js';

export const KEY_STATES = ['ok', 'expiring', 'expired'] as const;

export interface UsersKeysDocument {
  today: string;
  warningDays: number;
  expiring: number | null;
  expired: boolean;
  matched: number;
  keys: Array<
    Complete<{
      user: string;
      file: string;
      index: number;
      type: string;
      fingerprint: string;
      comment?: string;
      expires?: string;
      daysLeft?: number;
      state: (typeof KEY_STATES)[number];
      matches: boolean;
    }>
  >;
}

export function usersKeysDocument(listing: KeyListing, asked: KeyCondition): UsersKeysDocument {
  return {
    today: listing.today,
    warningDays: listing.warningDays,
    expiring: orNull(asked.expiring),
    expired: asked.expired === true,
    matched: listing.matching.length,
    keys: listing.rows.map((r) => ({
      user: r.user,
      file: r.file,
      index: r.index,
      type: r.type,
      fingerprint: r.fingerprint,
      comment: orNull(r.comment),
      expires: orNull(r.expires),
      daysLeft: orNull(r.daysLeft),
      state: r.state,
      matches: matchesCondition(r, asked),
    })),
  };
}

/** A whole number that may be negative (days since a key expired). */
const days: Schema = {
  type: 'integer',
  description: 'days from today to expires: 0 on its last valid day, negative once expired',
};

export const USERS_KEYS_SCHEMA = document(
  'sftpgw users keys --output json',
  'Every key of every user file, in user then file order, with its state on the date listed as, and whether it matches the condition asked.',
  object({
    today: string('the UTC date the states are for (--today, SFTPGW_TODAY, else today)'),
    warningDays: integer('users.keyExpiryWarningDays: the window of the expiring state'),
    expiring: nullable(integer('--expiring DAYS'), '--expiring DAYS; null: not asked'),
    expired: boolean('--expired was asked'),
    matched: integer('how many keys match the condition asked (exit 1 when more than 0)'),
    keys: array(
      object({
        user: string('the SFTP user (the file name)'),
        file: string('the user file, relative to the working directory'),
        index: integer('the key’s index in the file’s sshPublicKeys'),
        type: string('ssh-ed25519, ssh-rsa, …'),
        fingerprint: string('SHA256:…'),
        comment: nullable(string(), 'the key line’s comment; null when it has none'),
        expires: nullable(string('YYYY-MM-DD'), 'the last UTC day the key is valid; null: none'),
        daysLeft: nullable(days, 'null when the key has no expires date'),
        state: stringEnum(
          KEY_STATES,
          'expired: today is after expires (left out of the template); expiring: within warningDays; ok',
        ),
        matches: boolean('the key matches --expiring or --expired; false when neither was asked'),
      }),
    ),
  }),
);
