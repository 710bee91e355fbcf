// The rules on user files' keys (docs/keys.md) and password hashes, as the rule tables of
// docs/validation.md list them (npm run docs:rules): id and what each keeps.
// Their findings come from the build's user files, not from a template, so
// they are not waivable per resource; fixtures:
// test/users/fixtures/key-findings/<case>/.
export const USER_KEY_RULES: readonly { id: string; description: string }[] = [
  {
    id: 'users/key-expired',
    description:
      "a key past its expires date (the build's UTC date later than it) is left out of the template, with a warning naming the file, the key's fingerprint and the date",
  },
  {
    id: 'users/key-expiring',
    description:
      'a key whose expires date is within users.keyExpiryWarningDays (default 30) of the build date warns ahead of time',
  },
  {
    id: 'users/all-keys-expired',
    description:
      "every key of a user expired: the user stays in the template with no key, so the next deploy ends that user's access (a warning: an error would block unrelated deploys)",
  },
  {
    id: 'users/password-needs-identity-provider',
    description:
      "a user file's passwordHash on a gateway with service-managed users (key logins only): a warning that the password is not used until the custom identity provider (server.identityProvider lambda) is on; the template is the same without it",
  },
  {
    id: 'users/shared-key',
    description:
      'the same public key (fingerprint) in two user files, a warning naming both; users.sharedKeys: error makes it an error',
  },
];
