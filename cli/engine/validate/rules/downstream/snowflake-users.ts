// What downstream.snowflake.users does to the Snowflake role
// (docs/downstream.md): each named user adds its ingest/<user>/ prefix to the
// role's ReadCompletedUploads policy (twice: the listing condition and the
// object ARN), so a long list can pass IAM's 10,240 characters for a role's
// inline policies (../iam/policy-size.ts names this key then). Left
// unset, the role reads all of ingest/ with one prefix.
import type { ResolvedConfig } from '../../../config/types.js';
import { displayPath } from '../../../paths.js';
import type { Finding } from '../../finding.js';
import type { PolicyDriver } from '../iam/policy-size.js';
import { count } from '../../../plural.js';

/** The Snowflake role's logical id (libsonnet/downstream.libsonnet). */
export const SNOWFLAKE_ROLE_ID = 'SnowflakeRole';
const USERS_KEY = ['downstream', 'snowflake', 'users'] as const;
const UNSET_HINT =
  'leave downstream.snowflake.users unset: the role then reads all of ingest/ with one prefix (every user, and users added later)';

/** The config key that grows the Snowflake role's policy, when the config names users. */
export function policyDrivers(config: ResolvedConfig | undefined): PolicyDriver[] {
  const users = config?.downstream?.snowflake?.users;
  if (!config || !users) return [];
  const line = config.lineOf?.(USERS_KEY);
  return [
    {
      logicalId: SNOWFLAKE_ROLE_ID,
      field: USERS_KEY.join('.'),
      file: displayPath(config.file),
      ...(line !== undefined ? { line } : {}),
      grows: `names ingest/<user>/ of each of the ${count(users.length, 'user')} listed, each with the bucket's ARN`,
      hint: `${UNSET_HINT}; or list fewer users`,
    },
  ];
}

/**
 * A users list that names every user of the gateway (known at build) only
 * costs: the same files as unset, a policy that grows per user, and a user
 * added later is left out until listed. Names that are no user are refused
 * before this (downstream/users.ts).
 */
export function snowflakeUsersFindings(
  config: ResolvedConfig | undefined,
  users: readonly string[] | undefined,
): Finding[] {
  const wanted = config?.downstream?.snowflake?.users;
  if (!config || !wanted || !users || users.length === 0) return [];
  const listed = new Set(wanted);
  if (!users.every((u) => listed.has(u))) return [];
  const line = config.lineOf?.(USERS_KEY);
  return [
    {
      severity: 'warning',
      rule: 'downstream/snowflake-users-all',
      layer: 'semantic',
      pointer: '',
      message: `names every user of the gateway (${users.length}): the Snowflake role's policy lists each user's ingest/<user>/, where leaving the key unset reads the same files with one prefix`,
      hint: `${UNSET_HINT}. Keep the list only to leave out users added later`,
      source: {
        file: displayPath(config.file),
        field: USERS_KEY.join('.'),
        ...(line !== undefined ? { line } : {}),
      },
    },
  ];
}
