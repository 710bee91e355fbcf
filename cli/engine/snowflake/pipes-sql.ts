// Step 4, after deploy: per chosen user a stage on its ingest/<user>/ prefix
// and an auto-ingest pipe on the deployed topic, in the database and schema
// given (or placeholders), owned by --role when given.
// https://docs.snowflake.com/en/sql-reference/sql/create-stage
// https://docs.snowflake.com/en/sql-reference/sql/create-pipe
// https://docs.snowflake.com/en/user-guide/data-load-snowpipe-errors-sns
// https://docs.snowflake.com/en/user-guide/data-load-snowpipe-manage (recreating pipes)
import { literal, type UserObjects } from './names.js';
import { ingestPattern, TEMPORARY_SUFFIXES } from './pattern.js';
import { Script } from './script.js';
import {
  DATABASE_PLACEHOLDER,
  FILE_FORMAT_PLACEHOLDER,
  ingestUrl,
  placeholderLines,
  SCHEMA_PLACEHOLDER,
  type Session,
  TABLE_PLACEHOLDER,
  useSession,
} from './session-sql.js';

export interface PipesSql {
  stackName: string;
  integration: string;
  bucket: string;
  topicArn: string;
  roleArn: string;
  objects: readonly UserObjects[];
  session: Session;
  /** A checked table name, or undefined for the placeholder. */
  table?: string;
  /** A checked named file format, or undefined for the placeholder. */
  fileFormat?: string;
  /** --error-integration: a notification integration (DIRECTION = OUTBOUND) for load errors. */
  errorIntegration?: string;
  /** --recreate-pipes: CREATE OR REPLACE PIPE (a lost subscription). */
  recreate: boolean;
}

/** The grants the owner of the stages and pipes needs, run before switching to it. */
function ownerGrants(s: Script, d: PipesSql, role: string): void {
  s.comment(
    `${role} will own the stages and pipes. Granted by the role running this`,
    'script (the owner of the database, schema and table, or SECURITYADMIN);',
    'USAGE on the storage integration came with step 1 (--integration --role).',
  );
  const database = d.session.database ?? DATABASE_PLACEHOLDER;
  const schema = d.session.schema ?? SCHEMA_PLACEHOLDER;
  s.statement(`GRANT USAGE ON DATABASE ${database} TO ROLE ${role}`);
  s.statement(`GRANT USAGE ON SCHEMA ${schema} TO ROLE ${role}`);
  s.statement(`GRANT CREATE STAGE, CREATE PIPE ON SCHEMA ${schema} TO ROLE ${role}`);
  s.statement(`GRANT INSERT, SELECT ON TABLE ${d.table ?? TABLE_PLACEHOLDER} TO ROLE ${role}`);
  if (d.fileFormat) s.statement(`GRANT USAGE ON FILE FORMAT ${d.fileFormat} TO ROLE ${role}`);
  if (d.errorIntegration)
    s.statement(`GRANT USAGE ON INTEGRATION ${d.errorIntegration} TO ROLE ${role}`);
}

export function pipesSql(d: PipesSql): Script {
  const table = d.table ?? TABLE_PLACEHOLDER;
  const format = d.fileFormat
    ? `FORMAT_NAME = ${d.fileFormat}`
    : `${FILE_FORMAT_PLACEHOLDER} /* e.g. TYPE = CSV SKIP_HEADER = 1 */`;
  const s = new Script();
  s.comment(
    `sftpgw ${d.stackName}: stages and pipes (step 4, after deploy)`,
    '',
    'Steps 1-3 come first (sftpgw snowflake sql --integration, iamUserArn in',
    `sftpgw.yaml, sftpgw deploy): the stages use the integration ${d.integration},`,
    'which assumes the deployed role',
    `  ${d.roleArn}`,
    'and Snowpipe subscribes to the deployed topic',
    `  ${d.topicArn}`,
    '',
    'Each upload arrives once under its own key, <yyyy-mm-dd>/<upload-id>/<file>',
    "below the user's stage: Snowpipe skips a path it loaded in the last 14 days,",
    'so a unique key per upload is what makes a same-name re-upload load.',
    `The PATTERN matches that layout and leaves out temporary names (${TEMPORARY_SUFFIXES.join(' ')},`,
    'any case) written there by hand; it is POSIX ERE without lookahead.',
    '',
    d.recreate
      ? 'Run it once: each run resets the load history again (below).'
      : 'Statements are idempotent: run the script again after adding a user.',
    'Monitoring: --check; files a pipe missed: --refresh SINCE.',
    d.errorIntegration
      ? `Load failures are sent to the notification integration ${d.errorIntegration}.`
      : 'Load failures notify nobody: --error-integration NAME adds ERROR_INTEGRATION.',
    ...placeholderLines(d.session, d.table, d.fileFormat),
  );
  if (d.recreate)
    s.comment(
      '',
      '--recreate-pipes: CREATE OR REPLACE PIPE, for pipes whose SNS subscription',
      'was lost (the stack and its topic were deleted and deployed again). Snowflake:',
      'wait 72 hours after the subscription went, or use a topic with a new name',
      '("Troubleshooting Snowpipe"). Consequence: a recreated pipe starts with an',
      'empty load history. New uploads load once as before and nothing loads again',
      'by itself, but an ALTER PIPE ... REFRESH afterwards would load again the',
      'files of the last 7 days the old pipe had loaded: refresh only what arrived',
      'while the subscription was gone (--refresh SINCE, MODIFIED_AFTER).',
    );
  s.blank();
  useSession(s, d.session, (role) => ownerGrants(s, d, role));
  for (const o of d.objects) {
    s.blank();
    s.comment(`${o.user}: completed uploads under ${ingestUrl(d.bucket, o.user)}`);
    s.statement(`CREATE STAGE IF NOT EXISTS ${o.stage}
  URL = ${literal(ingestUrl(d.bucket, o.user))}
  STORAGE_INTEGRATION = ${d.integration}`);
    s.blank();
    s.statement(`${d.recreate ? 'CREATE OR REPLACE PIPE' : 'CREATE PIPE IF NOT EXISTS'} ${o.pipe}
  AUTO_INGEST = TRUE${d.errorIntegration ? `\n  ERROR_INTEGRATION = ${d.errorIntegration}` : ''}
  AWS_SNS_TOPIC = ${literal(d.topicArn)}
  AS COPY INTO ${table}
  FROM @${o.stage}
  PATTERN = ${literal(ingestPattern())}
  FILE_FORMAT = (${format})`);
    if (d.errorIntegration && !d.recreate)
      // CREATE ... IF NOT EXISTS leaves a pipe made earlier as it was.
      s.statement(`ALTER PIPE ${o.pipe} SET ERROR_INTEGRATION = ${d.errorIntegration}`);
  }
  return s;
}
