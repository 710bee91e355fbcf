// `sftpgw users keys --output json`: every key of every user file, its state,
// and whether it matches the condition asked (--expiring DAYS, --expired,
// --deployed: an expired key the deployed stack still holds).
import type { KeyListing, ListedKey } from '../engine/users/list-keys.js';
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
  deployed: boolean;
  stackName: string | null;
  stacks: string[] | null;
  identityProvider: 'service-managed' | 'lambda' | 'staging' | null;
  directory: {
    bucket: string;
    key: string;
    versionId: string | null;
    lastModified: string | null;
    bytes: number;
  } | null;
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
      deployed?: boolean;
      deployedIn?: Complete<{ stack: string; logicalId?: string; directoryVersion?: string }>;
      matches: boolean;
      action?: string;
    }>
  >;
}

/** What to do about a key that matches --deployed: the words the text output prints too. */
export const DEPLOY_TO_REMOVE = 'deploy to remove it';

/** The action a matching key asks for; undefined when it matches nothing. */
export function keyAction(r: ListedKey, asked: KeyCondition): string | undefined {
  if (!matchesCondition(r, asked)) return undefined;
  if (r.state === 'expired' && r.deployed === true) return DEPLOY_TO_REMOVE;
  if (r.state === 'expired') return 'remove it from the user file';
  return "add its owner's next key beside it, then deploy";
}

export function usersKeysDocument(listing: KeyListing, asked: KeyCondition): UsersKeysDocument {
  return {
    today: listing.today,
    warningDays: listing.warningDays,
    expiring: orNull(asked.expiring),
    expired: asked.expired === true,
    deployed: asked.deployed === true,
    stackName: orNull(listing.deployed?.stackName),
    stacks: orNull(listing.deployed?.stacks),
    identityProvider: orNull(listing.deployed?.identityProvider),
    directory: listing.deployed?.directory
      ? {
          bucket: listing.deployed.directory.bucket,
          key: listing.deployed.directory.key,
          versionId: orNull(listing.deployed.directory.versionId),
          lastModified: listing.deployed.directory.lastModified?.toISOString() ?? null,
          bytes: listing.deployed.directory.bytes,
        }
      : null,
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
      deployed: orNull(r.deployed),
      deployedIn: r.deployedIn
        ? {
            stack: r.deployedIn.stack,
            logicalId: orNull(r.deployedIn.logicalId),
            directoryVersion: orNull(r.deployedIn.directoryVersion),
          }
        : null,
      matches: matchesCondition(r, asked),
      action: orNull(keyAction(r, asked)),
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
    deployed: boolean('--deployed was asked'),
    stackName: nullable(
      string(),
      'with --deployed: the stack compared with (--stack-name, else the environment’s stackName); null: not asked',
    ),
    stacks: nullable(
      array(string()),
      'with --deployed: every stack whose template was read, the root then its child stacks (userStacks); null: not asked',
    ),
    identityProvider: nullable(
      stringEnum(['service-managed', 'lambda', 'staging']),
      'with --deployed: who answers logins, as the deployed template says; lambda: the keys were compared with the deployed directory; null: not asked',
    ),
    directory: nullable(
      object({
        bucket: string('the DirectoryBucket'),
        key: string('directory.json'),
        versionId: nullable(string(), 'the current object version compared with'),
        lastModified: nullable(
          string('ISO 8601 UTC'),
          'when it was written; null: S3 would not say',
        ),
        bytes: integer(),
      }),
      'with --deployed on a lambda gateway: the directory compared with; null otherwise',
    ),
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
        deployed: nullable(
          boolean(),
          'with --deployed: the deployed templates hold this key (same fingerprint) for this user; on a lambda gateway: the deployed directory holds it for this user with an expiry not before today (the function would accept it); null: not asked',
        ),
        deployedIn: nullable(
          object({
            stack: string('the stack whose template holds the user: the root or a child stack'),
            logicalId: nullable(
              string(),
              'the AWS::Transfer::User’s logical id there; null on a lambda gateway',
            ),
            directoryVersion: nullable(
              string(),
              'on a lambda gateway: the directory version that trusts the key; null otherwise',
            ),
          }),
          'where the deployed templates (or directory) hold the key; null: not deployed, or --deployed not asked',
        ),
        matches: boolean(
          'the key matches --expiring, --expired or --deployed (expired and still deployed); false when none was asked',
        ),
        action: nullable(
          string(),
          `what a matching key asks for: "${DEPLOY_TO_REMOVE}" (expired, still deployed), "remove it from the user file" (expired), "add its owner's next key beside it, then deploy" (expiring); null when the key matches nothing`,
        ),
      }),
    ),
  }),
);
