// `sftpgw snowflake sql --output json`: the SQL of the step, its statements
// and the names it uses. roleArn, bucket and topicArn are null when the step
// does not use them or the stack does not hold them yet.
import type { SnowflakeSqlResult } from '../engine/snowflake/snowflake-sql.js';
import {
  array,
  type Complete,
  document,
  nullable,
  object,
  orNull,
  string,
  stringEnum,
} from './schema-kit.js';

export type SnowflakeSqlDocument = { stackName: string } & Complete<SnowflakeSqlResult>;

export function snowflakeSqlDocument(
  stackName: string,
  r: SnowflakeSqlResult,
): SnowflakeSqlDocument {
  return {
    stackName,
    step: r.step,
    sql: r.sql,
    statements: r.statements,
    integration: r.integration,
    users: r.users,
    pipes: r.pipes,
    roleArn: orNull(r.roleArn),
    bucket: orNull(r.bucket),
    topicArn: orNull(r.topicArn),
  };
}

export const SNOWFLAKE_SQL_SCHEMA = document(
  'sftpgw snowflake sql --output json',
  'The SQL of one step of the Snowflake flow (docs/snowflake.md) and the names it uses.',
  object({
    stackName: string(),
    step: stringEnum(['integration', 'pipes', 'check', 'refresh']),
    sql: string('the whole script, comments included, as the text output prints it'),
    statements: array(string(), 'the statements of sql, each ending with ;, without comments'),
    integration: string('the storage integration name'),
    users: array(string(), 'the users whose uploads Snowflake loads'),
    pipes: array(string(), 'the pipe names'),
    roleArn: nullable(string(), 'the SnowflakeRole ARN, from the stack'),
    bucket: nullable(string(), 'the gateway bucket, from the stack'),
    topicArn: nullable(string(), 'the ingest topic, from the stack'),
  }),
);
