// The SQL a Snowflake admin runs, rendered from plain data (no AWS, no
// files): the storage integration before deploy, the stages and pipes
// after. Every value that reaches the script is an identifier quoted by
// names.ts or a string literal; the table and file format are either names
// checked by isQualifiedName or clearly marked placeholders that Snowflake
// refuses to run unchanged.
import { INGEST_PREFIX } from '../downstream/users.js';
import { literal, type UserObjects } from './names.js';

export function ingestUrl(bucket: string, user: string): string {
  return `s3://${bucket}/${INGEST_PREFIX}${user}/`;
}

export interface IntegrationSql {
  stackName: string;
  integration: string;
  roleArn: string;
  externalId: string;
  bucket: string;
  /** The chosen users, or null for every user (the whole ingest prefix). */
  users: readonly string[] | null;
  /** The command that prints the next step (with its --env/--config). */
  nextCommand: string;
}

export function integrationSql(d: IntegrationSql): string {
  const urls = d.users?.map((u) => ingestUrl(d.bucket, u)) ?? [`s3://${d.bucket}/${INGEST_PREFIX}`];
  const locations = urls.map((u) => `    ${literal(u)}`).join(',\n');
  return `-- sftpgw ${d.stackName}: the Snowflake storage integration (step 1 of 4)
--
-- Order, and why: Snowflake needs the role ARN to create the integration, and
-- the role must trust the IAM user Snowflake names only once the integration
-- exists. The role's name is fixed (<stack>-snowflake), so its ARN is known
-- before it is deployed:
--   1. run this script (ACCOUNTADMIN, or a role with CREATE INTEGRATION);
--   2. run DESC INTEGRATION (the last statement) and copy its
--      STORAGE_AWS_IAM_USER_ARN into sftpgw.yaml as downstream.snowflake.iamUserArn;
--   3. deploy the gateway (sftpgw deploy);
--   4. run ${d.nextCommand} and run the stages and pipes it prints.
--
-- Never CREATE OR REPLACE this integration: replacing it makes Snowflake
-- generate a new external id and IAM user, and the deployed role stops
-- trusting it.${
    d.users
      ? ` To change the users later, run ALTER STORAGE INTEGRATION
-- ${d.integration} SET STORAGE_ALLOWED_LOCATIONS = (...) with the new list.`
      : `
-- Every user's completed uploads (downstream.snowflake.users unset): the
-- whole ingest/ prefix, so a user added later needs no change here.`
  }
CREATE STORAGE INTEGRATION ${d.integration}
  TYPE = EXTERNAL_STAGE
  STORAGE_PROVIDER = 'S3'
  ENABLED = TRUE
  STORAGE_AWS_ROLE_ARN = ${literal(d.roleArn)}
  STORAGE_AWS_EXTERNAL_ID = ${literal(d.externalId)}
  STORAGE_ALLOWED_LOCATIONS = (
${locations}
  );

DESC INTEGRATION ${d.integration};
`;
}

export interface PipesSql {
  stackName: string;
  integration: string;
  bucket: string;
  topicArn: string;
  roleArn: string;
  objects: readonly UserObjects[];
  /** A checked table name, or undefined for the placeholder. */
  table?: string;
  /** A checked named file format, or undefined for the placeholder. */
  fileFormat?: string;
}

export const TABLE_PLACEHOLDER = '<target_table>';
export const FILE_FORMAT_PLACEHOLDER = '<file_format_options>';

export function pipesSql(d: PipesSql): string {
  const table = d.table ?? TABLE_PLACEHOLDER;
  const format = d.fileFormat
    ? `FORMAT_NAME = ${d.fileFormat}`
    : `${FILE_FORMAT_PLACEHOLDER} /* e.g. TYPE = CSV SKIP_HEADER = 1 */`;
  const placeholders: string[] = [];
  if (!d.table)
    placeholders.push(
      `--   ${TABLE_PLACEHOLDER}: the table each pipe loads into (or --table NAME)`,
    );
  if (!d.fileFormat)
    placeholders.push(
      `--   ${FILE_FORMAT_PLACEHOLDER}: the format of the files (or --file-format NAME)`,
    );
  const header = `-- sftpgw ${d.stackName}: stages and pipes (step 4 of 4, after deploy)
--
-- Steps 1–3 (sftpgw snowflake sql --integration, DESC INTEGRATION and
-- downstream.snowflake.iamUserArn, sftpgw deploy) come first: the stages use
-- the integration ${d.integration}, which assumes the deployed role
--   ${d.roleArn}
-- and Snowpipe subscribes to the deployed topic
--   ${d.topicArn}
-- Run this in the database and schema the pipes belong to.${
    placeholders.length
      ? `\n--\n-- Placeholders to replace before running (Snowflake refuses them as written):\n${placeholders.join('\n')}`
      : ''
  }
`;
  const blocks = d.objects.map(
    (o) => `-- ${o.user}: completed uploads under ${ingestUrl(d.bucket, o.user)}
CREATE STAGE IF NOT EXISTS ${o.stage}
  URL = ${literal(ingestUrl(d.bucket, o.user))}
  STORAGE_INTEGRATION = ${d.integration};

CREATE PIPE IF NOT EXISTS ${o.pipe}
  AUTO_INGEST = TRUE
  AWS_SNS_TOPIC = ${literal(d.topicArn)}
  AS COPY INTO ${table}
  FROM @${o.stage}
  FILE_FORMAT = (${format});
`,
  );
  return [header, ...blocks].join('\n');
}
