// The checks a build of downstream needs (docs/downstream.md): Snowflake's
// users exist, and no home lies in the ingest prefix, where only the
// completed-upload copies belong. Snowflake's IAM user may not be known yet
// (the integration comes first): the gateway is then built without the
// Snowflake role and the subscribe grant, with a warning, so the pipeline
// stays green between the integration and the deploy that trusts it.
import type { ResolvedConfig } from '../config/types.js';
import type { Problem } from '../errors.js';
import { closest } from '../suggest.js';

/** Where completed uploads are copied: ingest/<username>/<file>, outside every home. */
export const INGEST_PREFIX = 'ingest/';

export interface DownstreamUser {
  name: string;
  homeDirectory: string;
  /** The user's file as shown in messages. */
  shown: string;
}

export function checkDownstreamUsers(
  config: ResolvedConfig,
  users: readonly DownstreamUser[],
  configShown: string,
  problems: Problem[],
  warn: (message: string) => void = () => {},
): void {
  const d = config.downstream;
  if (!d) return;
  const pending = pendingSnowflake(config);
  if (pending) warn(`${configShown}: ${pending}`);
  const top = INGEST_PREFIX.slice(0, -1);
  for (const u of users) {
    const home = u.homeDirectory.replace(/^\/+|\/+$/g, '');
    if (home === top || home.startsWith(INGEST_PREFIX))
      problems.push({
        file: u.shown,
        field: 'homeDirectory',
        message: `${home} lies in ${INGEST_PREFIX}, where downstream copies completed uploads: the user could write or delete what Snowflake and event consumers read`,
        hint: `give the user another homeDirectory (the user ${top} needs one too), or turn downstream off in ${configShown}`,
      });
  }
  const wanted = d.snowflake?.users;
  if (!wanted) return;
  const names = users.map((u) => u.name);
  const known = new Set(names);
  wanted.forEach((name, i) => {
    if (known.has(name)) return;
    const near = closest(name, names);
    problems.push({
      file: configShown,
      field: `downstream.snowflake.users.${i}`,
      message: `names the user ${JSON.stringify(name)}, who has no user file`,
      hint: near
        ? `did you mean ${near}?`
        : 'add the user file first (sftpgw users add), or remove the name from the list',
    });
  });
}

/**
 * Why the Snowflake part is pending, or undefined: downstream.snowflake
 * without iamUserArn builds the topic and the notification but no
 * SnowflakeRole (the integration names the role by its fixed name, which
 * Snowflake does not check when the integration is created) and no
 * subscribe grant, unless subscriberArn is set.
 */
export function pendingSnowflake(config: Pick<ResolvedConfig, 'downstream'>): string | undefined {
  const s = config.downstream?.snowflake;
  if (!s || s.iamUserArn !== null) return undefined;
  const left =
    s.subscriberArn === null ? 'the SnowflakeRole and the subscribe grant' : 'the SnowflakeRole';
  return `downstream.snowflake.iamUserArn is not set yet: the gateway is built without ${left} (pending), so Snowflake cannot read ingest/ yet. Next: run sftpgw snowflake sql --integration and its SQL in Snowflake, copy STORAGE_AWS_IAM_USER_ARN from DESC INTEGRATION into downstream.snowflake.iamUserArn, deploy again, then run sftpgw snowflake sql (docs/downstream.md)`;
}
