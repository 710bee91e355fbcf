// The checks a build of downstream needs (docs/downstream.md): Snowflake's
// IAM user is known (the integration came first), Snowflake's users exist,
// and no home lies in the ingest or quarantine prefix, where only the
// completed-upload copies belong.
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
): void {
  const d = config.downstream;
  if (!d) return;
  if (d.snowflake && d.snowflake.iamUserArn === null)
    problems.push({
      file: configShown,
      field: 'downstream.snowflake.iamUserArn',
      message:
        'is not set yet: the Snowflake role trusts that IAM user, which exists once the storage integration does',
      hint: 'create the integration first: run sftpgw snowflake sql --integration and its SQL in Snowflake, then copy STORAGE_AWS_IAM_USER_ARN from DESC INTEGRATION here (docs/snowflake.md)',
    });
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
