// `sftpgw users list --output json`: one entry per user file.
import type { UserSummary } from '../engine/users/manage.js';
import type { DeployedUserListing } from '../engine/users/deployed-users.js';
import {
  array,
  boolean,
  document,
  integer,
  nullable,
  object,
  string,
  stringEnum,
} from './schema-kit.js';
import { KEY_STATES } from './users-keys.js';

export interface UserListEntry {
  name: string;
  keys: Array<{
    type: string;
    fingerprint: string;
    comment: string | null;
    converted: boolean;
    expires: string | null;
    state: 'ok' | 'expiring' | 'expired';
  }>;
  homeDirectory: string;
  readOnly: boolean;
  allowedSourceCidrs: string[];
  file: string;
}

export function usersListDocument(users: readonly UserSummary[]): UserListEntry[] {
  return users.map((u) => ({
    name: u.name,
    keys: u.keys.map((k) => ({
      type: k.type,
      fingerprint: k.fingerprint,
      comment: k.comment ?? null,
      converted: k.converted === true,
      expires: k.expires ?? null,
      state: k.state ?? 'ok',
    })),
    homeDirectory: u.homeDirectory,
    readOnly: u.readOnly,
    allowedSourceCidrs: u.allowedSourceCidrs,
    file: u.file,
  }));
}

export const USERS_LIST_SCHEMA = document(
  'sftpgw users list --output json',
  'The users, one per user file, in name order.',
  array(
    object({
      name: string('the SFTP user name (the file name)'),
      keys: array(
        object({
          type: string('ssh-ed25519, ssh-rsa, …'),
          fingerprint: string('SHA256:…'),
          comment: nullable(string(), 'the key line’s comment'),
          converted: boolean('given as an RFC 4716 (SSH2) block, written as its OpenSSH line'),
          expires: nullable(
            string('YYYY-MM-DD: the last UTC day the key is valid'),
            'the key’s expires date; null: the key has none',
          ),
          state: stringEnum(
            KEY_STATES,
            'on the date listed as (--today, SFTPGW_TODAY, else today UTC): expired (left out of the template), expiring (within users.keyExpiryWarningDays), ok',
          ),
        }),
      ),
      homeDirectory: string(),
      readOnly: boolean(),
      allowedSourceCidrs: array(string(), 'the networks the user file admits'),
      file: string('the user file, relative to the project'),
    }),
  ),
);

/** `sftpgw users list --deployed --output json`: a lambda gateway's deployed directory. */
export interface UsersDeployedDocument {
  today: string;
  stackName: string;
  directory: {
    bucket: string;
    key: string;
    versionId: string | null;
    lastModified: string | null;
    bytes: number;
  };
  passwords: boolean;
  users: Array<{
    name: string;
    keys: Array<{
      type: string;
      fingerprint: string;
      comment: string | null;
      expires: string | null;
      state: 'ok' | 'expiring' | 'expired';
    }>;
    homeDirectory: string;
    readOnly: boolean;
    allowedSourceCidrs: string[];
    password: boolean;
    file: string | null;
  }>;
}

export function usersDeployedDocument(l: DeployedUserListing): UsersDeployedDocument {
  return {
    today: l.today,
    stackName: l.directory.stackName,
    directory: {
      bucket: l.directory.bucket,
      key: l.directory.key,
      versionId: l.directory.versionId ?? null,
      lastModified: l.directory.lastModified?.toISOString() ?? null,
      bytes: l.directory.bytes,
    },
    passwords: l.passwords,
    users: l.users.map((u) => ({
      name: u.name,
      keys: u.keys.map((k) => ({
        type: k.type,
        fingerprint: k.fingerprint,
        comment: k.comment ?? null,
        expires: k.expires ?? null,
        state: k.state,
      })),
      homeDirectory: u.homeDirectory,
      readOnly: u.readOnly,
      allowedSourceCidrs: u.allowedSourceCidrs,
      password: u.password,
      file: u.file ?? null,
    })),
  };
}

export const USERS_DEPLOYED_SCHEMA = document(
  'sftpgw users list --deployed --output json',
  'The users a gateway with server.identityProvider.type lambda answers logins for: its deployed directory, users in name order.',
  object({
    today: string('the UTC date the key states are for (--today, SFTPGW_TODAY, else today)'),
    stackName: string(),
    directory: object(
      {
        bucket: string('the DirectoryBucket'),
        key: string('directory.json'),
        versionId: nullable(string(), 'the current object version read'),
        lastModified: nullable(
          string('ISO 8601 UTC'),
          'when that version was written; null: S3 would not say',
        ),
        bytes: integer('the object’s size'),
      },
      'the object read',
    ),
    passwords: boolean('password logins are answered at all (server.identityProvider.passwords)'),
    users: array(
      object({
        name: string('the SFTP user name'),
        keys: array(
          object({
            type: string('ssh-ed25519, ssh-rsa, …'),
            fingerprint: string('SHA256:…'),
            comment: nullable(string(), 'the key line’s comment'),
            expires: nullable(
              string('YYYY-MM-DD: the last UTC day the function accepts the key'),
              'null: no expiry',
            ),
            state: stringEnum(
              KEY_STATES,
              'on the date listed as: expired (the function refuses it), expiring (within users.keyExpiryWarningDays), ok',
            ),
          }),
        ),
        homeDirectory: string('the home folder in the gateway bucket'),
        readOnly: boolean(),
        allowedSourceCidrs: array(
          string(),
          'the networks the function admits the user from; empty: any the endpoint admits',
        ),
        password: boolean('the user has a password hash (never printed)'),
        file: nullable(
          string(),
          'the project’s user file of that name; null: none (removed since the deploy?)',
        ),
      }),
    ),
  }),
);
