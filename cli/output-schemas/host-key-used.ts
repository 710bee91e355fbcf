// The pinned host key a connection was made with, in the JSON of
// `destinations test` and `destinations deliver` (public: type, fingerprint, date).
import type { HostKeyUsed } from '../../shared/sftp/connect.js';
import { nullable, object, orNull, string, type Complete } from './schema-kit.js';

export type HostKeyDocument = Complete<HostKeyUsed>;

export function hostKeyDocument(k: HostKeyUsed): HostKeyDocument {
  return { type: k.type, fingerprint: k.fingerprint, expires: orNull(k.expires) };
}

export const HOST_KEY_USED_SCHEMA = object(
  {
    type: string('the key type the server proved it holds, e.g. ssh-ed25519 or ssh-rsa'),
    fingerprint: string('SHA256:…'),
    expires: nullable(
      string(),
      "its pin's last trusted UTC date (YYYY-MM-DD); null when the pin never expires",
    ),
  },
  'the pinned host key the server proved it holds',
);
