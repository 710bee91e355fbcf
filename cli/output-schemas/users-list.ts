// `sftpgw users list --output json`: one entry per user file.
import type { UserSummary } from '../engine/users/manage.js';
import { array, boolean, document, nullable, object, string, stringEnum } from './schema-kit.js';
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
