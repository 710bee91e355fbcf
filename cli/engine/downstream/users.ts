// The checks a build of downstream needs (docs/downstream.md): Snowflake's
// IAM user is known (the integration came first), Snowflake's users exist,
// and no home lies in the ingest prefix, where only the completed-upload
// copies belong.
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
