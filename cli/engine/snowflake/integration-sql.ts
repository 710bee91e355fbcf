// Step 1, before deploy: the storage integration (or, with --alter, the
// allowed locations of the one that exists), its grant to the role that
// will own the stages, and the two answers the gateway's config needs: the
// integration's IAM user (DESC INTEGRATION) and the principal Snowpipe's
// queue subscribes as (SYSTEM$GET_AWS_SNS_IAM_POLICY).
// https://docs.snowflake.com/en/sql-reference/sql/create-storage-integration
// https://docs.snowflake.com/en/sql-reference/sql/alter-storage-integration
// https://docs.snowflake.com/en/sql-reference/functions/system_get_aws_sns_iam_policy
import { INGEST_PREFIX } from '../downstream/users.js';
import { literal } from './names.js';
import { Script } from './script.js';
import { ingestUrl } from './session-sql.js';

export interface IntegrationSql {
  stackName: string;
  integration: string;
  roleArn: string;
  externalId: string;
  bucket: string;
  /** The chosen users, or null for every user (the whole ingest prefix). */
  users: readonly string[] | null;
  /** The ingest topic's ARN, known before deploy (its name is fixed). */
  topicArn: string;
  /** --role: the Snowflake role that will create and own the stages and pipes. */
  role?: string;
  /** --alter: the integration exists; set its allowed locations instead of creating it. */
  alter: boolean;
  /** The command that prints the stages and pipes (with its --env/--config). */
  nextCommand: string;
}

export function integrationSql(d: IntegrationSql): Script {
  const urls = d.users?.map((u) => ingestUrl(d.bucket, u)) ?? [`s3://${d.bucket}/${INGEST_PREFIX}`];
  const locations = urls.map((u) => `    ${literal(u)}`).join(',\n');
  const alter = `ALTER STORAGE INTEGRATION ${d.integration}\n  SET STORAGE_ALLOWED_LOCATIONS = (\n${locations}\n  )`;
  const s = new Script();
  s.comment(
    `sftpgw ${d.stackName}: the Snowflake storage integration (step 1, before deploy)`,
    '',
    'Run as ACCOUNTADMIN, or a role with CREATE INTEGRATION. The steps, in the',
    'order a merge request goes:',
    '  1. this script: the integration, its grant, and the two answers below',
    '     (DESC INTEGRATION, SYSTEM$GET_AWS_SNS_IAM_POLICY);',
    '  2. the merge request adding downstream.snowflake (externalId, users) is',
    '     built and deployed while the answers are pending;',
    '  3. STORAGE_AWS_IAM_USER_ARN goes into downstream.snowflake.iamUserArn (and',
    '     the policy principal into downstream.snowflake.subscriberArn when it',
    '     differs); deploy: the role now trusts Snowflake, the topic lets it subscribe;',
    `  4. ${d.nextCommand} prints the stages and pipes.`,
    '',
    'The role ARN is fixed before deploy (<stack>-snowflake), so the integration',
    'comes first. Never CREATE OR REPLACE this integration: replacing it makes',
    'Snowflake generate a new external id and IAM user, and the deployed role',
    'stops trusting it (every stage and pipe stops reading).',
  );
  s.blank();
  if (d.alter) {
    s.comment(
      'The integration exists: set the locations it may read to the current',
      d.users
        ? 'downstream.snowflake.users (deploy too: the role reads the same prefixes).'
        : 'whole ingest/ prefix (downstream.snowflake.users is unset: every user).',
    );
    s.statement(alter);
  } else {
    s.statement(`CREATE STORAGE INTEGRATION ${d.integration}
  TYPE = EXTERNAL_STAGE
  STORAGE_PROVIDER = 'S3'
  ENABLED = TRUE
  STORAGE_AWS_ROLE_ARN = ${literal(d.roleArn)}
  STORAGE_AWS_EXTERNAL_ID = ${literal(d.externalId)}
  STORAGE_ALLOWED_LOCATIONS = (
${locations}
  )`);
    s.comment(
      d.users
        ? 'When the integration exists already (downstream.snowflake.users changed),'
        : 'When the integration exists already (it fails above with "already exists"),',
      'run this instead (sftpgw snowflake sql --integration --alter prints it alone):',
      ...alter.split('\n').map((l) => `  ${l}${l === '  )' ? ';' : ''}`),
    );
  }
  s.blank();
  if (d.role) {
    s.comment(`${d.role} creates the stages: it needs USAGE on the integration.`);
    s.statement(`GRANT USAGE ON INTEGRATION ${d.integration} TO ROLE ${d.role}`);
  } else
    s.comment(
      'The role that creates the stages needs USAGE on the integration; with',
      `--role NAME this prints GRANT USAGE ON INTEGRATION ${d.integration} TO ROLE NAME.`,
    );
  s.blank();
  s.comment(
    'Answer 1: STORAGE_AWS_IAM_USER_ARN (the same for every integration of this',
    'Snowflake account) goes into sftpgw.yaml as downstream.snowflake.iamUserArn.',
    'Check STORAGE_AWS_ROLE_ARN and STORAGE_AWS_EXTERNAL_ID against the values above.',
  );
  s.statement(`DESC INTEGRATION ${d.integration}`);
  s.blank();
  s.comment(
    "Answer 2: the topic-policy statement Snowpipe's queue needs to subscribe to",
    `the gateway's topic (its ARN is fixed: <stack>-ingest). Compare its`,
    'Principal.AWS with STORAGE_AWS_IAM_USER_ARN: the same, nothing to do (the',
    'stack lets iamUserArn subscribe); different, put it in sftpgw.yaml as',
    'downstream.snowflake.subscriberArn.',
  );
  s.statement(`SELECT SYSTEM$GET_AWS_SNS_IAM_POLICY(${literal(d.topicArn)})`);
  return s;
}
