// users/per-server-quota (./rules.ts): a service-managed gateway makes one
// AWS::Transfer::User per user file, and Transfer Family caps the users of one
// server: Service Quotas "Number of Service Managed users per server",
// quota code L-101C3D29 (AWS Transfer Family endpoints and quotas,
// https://docs.aws.amazon.com/general/latest/gr/transfer-service.html). Past
// it, CreateUser fails in the middle of a deploy, in whichever child stack
// reaches it first. The quota is adjustable, so the build cannot know the
// account's value: it warns when the users approach the default, names the
// quota code (where to read the applied value and ask for more), and points
// at the other answer, a custom identity provider, which needs no Transfer
// users at all (docs/identity-provider.md). A warning, never an error: an
// account with a raised quota must still build.
import { count } from '../../../plural.js';
import type { Finding } from '../../finding.js';

/** Service Quotas code of "Number of Service Managed users per server" (Transfer Family). */
export const USERS_PER_SERVER_QUOTA_CODE = 'L-101C3D29';
/**
 * The quota's default value (AWS Transfer Family endpoints and quotas, linked
 * above); an account may have a higher applied value, which only Service
 * Quotas knows.
 */
export const DEFAULT_USERS_PER_SERVER = 10_000;
/** Warn from this share of the default on: room for a few months' growth, not a last-minute alarm. */
export const WARN_SHARE = 0.8;

export interface UserQuotaOptions {
  /** Where the finding points: the gateway's config file, as shown to the user. */
  configFile: string;
  /** The quota's value to compare with (default DEFAULT_USERS_PER_SERVER). */
  quota?: number;
}

/** The users/per-server-quota finding for a service-managed gateway of `users` users, if any. */
export function userQuotaFindings(users: number, opts: UserQuotaOptions): Finding[] {
  const quota = opts.quota ?? DEFAULT_USERS_PER_SERVER;
  if (users < Math.ceil(quota * WARN_SHARE)) return [];
  const over = users > quota;
  const ask = `Service Quotas → AWS Transfer Family → "Number of Service Managed users per server" (${USERS_PER_SERVER_QUOTA_CODE}); aws service-quotas get-service-quota --service-code transfer --quota-code ${USERS_PER_SERVER_QUOTA_CODE} shows this account's value`;
  return [
    {
      severity: 'warning',
      rule: 'users/per-server-quota',
      layer: 'semantic',
      pointer: '',
      source: { file: opts.configFile },
      message: over
        ? `${count(users, 'user')} make ${count(users, 'AWS::Transfer::User resource')} on one server, more than Transfer Family's default quota of ${quota} service-managed users per server (${USERS_PER_SERVER_QUOTA_CODE}): unless this account's quota was raised, the deploy fails when CreateUser reaches it`
        : `${count(users, 'user')} make ${count(users, 'AWS::Transfer::User resource')} on one server, ${Math.round((users / quota) * 100)}% of Transfer Family's default quota of ${quota} service-managed users per server (${USERS_PER_SERVER_QUOTA_CODE})`,
      hint: `check or raise the quota: ${ask}. A custom identity provider (a Lambda function that answers every login from one directory) needs no Transfer users at all: docs/identity-provider.md`,
    },
  ];
}
