// The outbound destination secret (Secrets Manager `<prefix>/<key>`), shared by
// the handler and the CLI's `destinations` commands. Keys follow the Transfer
// Family SFTP connector secret where they overlap, so one secret can serve both.
// Compiled ahead of time to shared/generated/destination-validate.js (npm run
// schemas): the Lambda bundle carries no schema compiler.

export const DESTINATION_SCHEMA_ID = 'https://sftpgw.dev/schemas/destination.json';

// C0, DEL and C1 control characters: a NUL in a path ends the server's
// session, a newline corrupts logs and remote tooling.
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

/** YYYY-MM-DD; whether it is a calendar date is checked in pin-expiry.ts. */
export const PIN_DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

export const destinationSchema = {
  $id: DESTINATION_SCHEMA_ID,
  type: 'object',
  // A misspelt optional key (e.g. "PassPhrase") must not be ignored silently.
  additionalProperties: false,
  required: ['Host', 'Username', 'TrustedHostKeys', 'RemoteDirectory', 'FilePattern'],
  anyOf: [{ required: ['PrivateKey'] }, { required: ['Password'] }],
  properties: {
    Host: {
      type: 'string',
      minLength: 1,
      maxLength: 253,
      pattern: '^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$',
    },
    Port: { type: 'integer', minimum: 1, maximum: 65535 },
    Username: { type: 'string', minLength: 1, maxLength: 256, pattern: NO_CONTROL_CHARACTERS },
    PrivateKey: { type: 'string', minLength: 1 },
    Passphrase: { type: 'string', minLength: 1 },
    Password: { type: 'string', minLength: 1 },
    // A pin is a string (trusted with no end) or { Key, Expires }: trusted
    // through the UTC date Expires, not from the day after (pin-expiry.ts).
    // The string limits apply to strings and the object keywords to objects
    // only, so ajv names the exact place: TrustedHostKeys/2/Expires.
    TrustedHostKeys: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: {
        type: ['string', 'object'],
        minLength: 1,
        maxLength: 8192,
        additionalProperties: false,
        required: ['Key', 'Expires'],
        properties: {
          Key: { type: 'string', minLength: 1, maxLength: 8192 },
          Expires: { type: 'string', pattern: PIN_DATE_PATTERN },
        },
      },
    },
    RemoteDirectory: {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      pattern: NO_CONTROL_CHARACTERS,
    },
    FilePattern: { type: 'string', minLength: 1, maxLength: 1024 },
    // What a different file already under the final name gets (shared/sftp/remote-publish.ts).
    Overwrite: { enum: ['replace', 'never'] },
    // SFTP channels (sessions) at most for one large file's parallel ranges
    // (shared/sftp/parallel-write.ts); 1 writes over one channel only.
    MaxConnections: { type: 'integer', minimum: 1, maximum: 10 },
  },
} as const;

/** The secret as stored. */
export interface DestinationSecret {
  Host: string;
  Port?: number;
  Username: string;
  PrivateKey?: string;
  Passphrase?: string;
  Password?: string;
  TrustedHostKeys: TrustedHostKey[];
  RemoteDirectory: string;
  FilePattern: string;
  /** Default "replace". */
  Overwrite?: 'replace' | 'never';
  /** Channels at most for a large file's parallel writes (1: one); default DEFAULT_CHANNELS (push.ts). */
  MaxConnections?: number;
}

/** A pinned host key: the key text alone, or with the last UTC date it is trusted. */
export type TrustedHostKey = string | ExpiringPin;

export interface ExpiringPin {
  /** Any form a plain entry may take (host-key-formats.ts). */
  Key: string;
  /** YYYY-MM-DD: trusted through this UTC date, not from the day after. */
  Expires: string;
}
