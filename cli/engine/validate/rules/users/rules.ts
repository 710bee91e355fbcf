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
      "a user file's passwordHash on a gateway with service-managed users (key logins only): a warning that the password is not used until the custom identity provider (server.identityProvider.type: lambda) is on; the template is the same without it",
  },
  {
    id: 'users/passwords-without-hash',
    description:
      'server.identityProvider.passwords: true on a lambda gateway, and no user file has a passwordHash: a warning (the server would ask for passwords no one can give)',
  },
  {
    id: 'users/password-hash-unused',
    description:
      "a user file's passwordHash on a lambda gateway with server.identityProvider.passwords: false: a warning that the function never checks it",
  },
  {
    id: 'users/shared-key',
    description:
      'the same public key (fingerprint) in two user files, a warning naming both; users.sharedKeys: error makes it an error',
  },
];

// The rules on the number of users (one finding for the gateway, from the
// count of user files; tested in test/validate/user-quota.unit.test.ts).
export const USER_COUNT_RULES: readonly { id: string; description: string }[] = [
  {
    id: 'users/per-server-quota',
    description:
      "a service-managed gateway (not lambda: it has no Transfer users) with 80% or more of Transfer Family's default service-managed users per server (Service Quotas L-101C3D29) warns, names the quota code and points at docs/identity-provider.md; past the default the message says the deploy fails unless the account's quota was raised (a warning: the applied value is the account's)",
  },
];
