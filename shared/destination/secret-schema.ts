// The outbound destination secret (Secrets Manager `<prefix>/<key>`), shared by
// the handler and the CLI's `destinations` commands. Keys follow the Transfer
// Family SFTP connector secret where they overlap, so one secret can serve both.
// Compiled ahead of time to shared/generated/destination-validate.js (npm run
// schemas): the Lambda bundle carries no schema compiler.

export const DESTINATION_SCHEMA_ID = 'https://sftpgw.dev/schemas/destination.json';

// C0, DEL and C1 control characters: a NUL in a path ends the server's
// session, a newline corrupts logs and remote tooling.
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

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
    TrustedHostKeys: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'string', minLength: 1, maxLength: 8192 },
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
  TrustedHostKeys: string[];
  RemoteDirectory: string;
  FilePattern: string;
  /** Default "replace". */
  Overwrite?: 'replace' | 'never';
}
