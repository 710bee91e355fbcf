// The checks a build of downstream needs (docs/downstream.md): Snowflake's
// users exist, and no home lies in the ingest or quarantine prefix, where only the
// completed-upload copies belong. Snowflake's IAM user may not be known yet
// (the integration comes first): the gateway is then built without the
// Snowflake role and the subscribe grant, with a warning, so the pipeline
// stays green between the integration and the deploy that trusts it.
import type { ResolvedConfig } from '../config/types.js';
import type { Problem } from '../errors.js';
import { closest } from '../suggest.js';

/** Where completed uploads are copied: ingest/<username>/<file>, outside every home. */
export const INGEST_PREFIX = 'ingest/';
/**
 * Where completed uploads wait for GuardDuty's scan (downstream.malwareScan),
 * outside every home; reserved whenever downstream is on, so turning the scan
 * on never finds a home there.
 */
export const QUARANTINE_PREFIX = 'quarantine/';

/** What each reserved prefix holds, for the message. */
const RESERVED: ReadonlyArray<[prefix: string, holds: string]> = [
  [INGEST_PREFIX, 'where downstream copies completed uploads'],
  [QUARANTINE_PREFIX, "where completed uploads wait for the malware scan's result"],
];

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
  for (const u of users) {
    const home = u.homeDirectory.replace(/^\/+|\/+$/g, '');
    for (const [prefix, holds] of RESERVED) {
      const top = prefix.slice(0, -1);
      if (home === top || home.startsWith(prefix))
        problems.push({
          file: u.shown,
          field: 'homeDirectory',
          message: `${home} lies in ${prefix}, ${holds}: the user could write or delete what Snowflake and event consumers read`,
          hint: `give the user another homeDirectory (the user ${top} needs one too), or turn downstream off in ${configShown}`,
        });
    }
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
