// `sftpgw snowflake sql`: what the Snowflake admin runs, in the order that
// works. Before deploy (--integration) the role and topic ARNs are computed
// from the account id and their fixed names; after deploy the topic, bucket
// and role come from the deployed stack's physical ids; --check and
// --refresh need only the names. AWS is reached only through the two small
// interfaces passed in.
import type { AccountIdentity } from '../../adapters/aws/account.js';
import type { DeployedResource, StackResources } from '../../adapters/aws/stack-resources.js';
import { SNOWFLAKE_ROLE_SUFFIX } from '../config/downstream.js';
import { defaultGatewayBucketName, gatewayBucketName } from '../config/gateway-bucket.js';
import type { DownstreamSettings, ResolvedConfig } from '../config/types.js';
import { invalidInput, SftpgwError, usageError } from '../errors.js';
import { displayPath } from '../paths.js';
import { gatewayIds, IDS_WITHOUT_METADATA } from '../template/gateway-metadata.js';
import { readTemplateText } from '../template/read.js';
import { integrationSql } from './integration-sql.js';
import { checkSql, refreshSql } from './monitor-sql.js';
import { checkName, integrationName, userObjects } from './names.js';
import { pipesSql } from './pipes-sql.js';
import type { Script } from './script.js';
import { parseSince } from './since.js';

/**
 * The logical ids of the bucket, topic and role in the deployed root stack:
 * as its Metadata.sftpgw.ids names them (libsonnet/gateway.libsonnet), else
 * (a stack deployed by an sftpgw older than the ids) the ids the shipped
 * libraries have always given them.
 */
async function snowflakeIds(
  deps: SnowflakeSqlDeps,
  stackName: string,
): Promise<{ bucket: string; topic: string; role: string }> {
  const text = deps.stack.template ? await deps.stack.template(stackName) : undefined;
  const ids = gatewayIds(
    text === undefined
      ? undefined
      : readTemplateText(text, `the deployed template of ${stackName}`),
  );
  return {
    bucket: ids.bucket ?? IDS_WITHOUT_METADATA.bucket,
    topic: ids.ingestTopic ?? IDS_WITHOUT_METADATA.ingestTopic,
    role: ids.snowflakeRole ?? IDS_WITHOUT_METADATA.snowflakeRole,
  };
}

/** The ingest topic's name is <stackName><suffix> (TopicName in the template). */
export const INGEST_TOPIC_SUFFIX = '-ingest';

/** The Snowflake role's name, fixed so its ARN is known before deploy. */
export function snowflakeRoleName(stackName: string): string {
  return `${stackName}${SNOWFLAKE_ROLE_SUFFIX}`;
}

/** The AWS partition of a region (arn:<partition>:…). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The ingest topic's ARN before deploy: its name is fixed. */
export function ingestTopicArn(region: string, accountId: string, stackName: string): string {
  return `arn:${partitionOf(region)}:sns:${region}:${accountId}:${stackName}${INGEST_TOPIC_SUFFIX}`;
}

export interface SnowflakeSqlOptions {
  config: Pick<ResolvedConfig, 'file' | 'stackName' | 'buckets' | 'downstream'>;
  /** Every user of the gateway (the user files' names). */
  allUsers: readonly string[];
  region: string;
  /** --integration: step 1. */
  integration: boolean;
  /** --alter (with --integration): ALTER the allowed locations of the integration that exists. */
  alter?: boolean;
  /** --check: the monitoring queries. */
  check?: boolean;
  /** --refresh SINCE: ALTER PIPE ... REFRESH MODIFIED_AFTER = SINCE. */
  refresh?: string;
  /** --recreate-pipes: CREATE OR REPLACE PIPE. */
  recreatePipes?: boolean;
  table?: string;
  fileFormat?: string;
  database?: string;
  schema?: string;
  role?: string;
  errorIntegration?: string;
  /** The command that prints step 4, as the admin would type it. */
  nextCommand: string;
  /** The clock --refresh is checked against (tests give their own). */
  now?: Date;
}

export interface SnowflakeSqlDeps {
  account: AccountIdentity;
  stack: StackResources;
}

export interface SnowflakeSqlResult {
  step: 'integration' | 'pipes' | 'check' | 'refresh';
  sql: string;
  /** The statements of `sql`, each ending with `;`, without the comments. */
  statements: string[];
  integration: string;
  users: string[];
  pipes: string[];
  roleArn?: string;
  bucket?: string;
  topicArn?: string;
}

type Snowflake = NonNullable<DownstreamSettings['snowflake']>;

/** Refuses flag values that are not names, and flags that do not fit together (exit 2). */
function checkOptions(o: SnowflakeSqlOptions): void {
  checkName('--table', o.table, 3);
  checkName('--file-format', o.fileFormat, 3);
  checkName('--database', o.database, 1);
  checkName('--schema', o.schema, 1);
  checkName('--role', o.role, 1);
  checkName('--error-integration', o.errorIntegration, 1);
  const modes = [
    o.integration && '--integration',
    o.check && '--check',
    o.refresh !== undefined && '--refresh',
  ].filter((m): m is string => typeof m === 'string');
  if (modes.length > 1)
    throw usageError(
      `${modes.join(' and ')} print different scripts`,
      'give one of --integration, --check and --refresh (none: the stages and pipes)',
    );
  if (o.alter && !o.integration)
    throw usageError(
      '--alter changes the storage integration and needs --integration',
      'run sftpgw snowflake sql --integration --alter',
    );
  for (const [flag, given] of [
    ['--recreate-pipes', o.recreatePipes],
    ['--error-integration', o.errorIntegration !== undefined],
  ] as const)
    if (given && modes.length > 0)
      throw usageError(
        `${flag} belongs to the stages and pipes, not to ${modes[0]}`,
        `run it without ${modes[0]}`,
      );
}

export async function snowflakeSql(
  o: SnowflakeSqlOptions,
  deps: SnowflakeSqlDeps,
): Promise<SnowflakeSqlResult> {
  checkOptions(o);
  const since = o.refresh === undefined ? undefined : parseSince(o.refresh, o.now ?? new Date());
  const shown = displayPath(o.config.file);
  const snowflake = requireSnowflake(o.config.downstream, shown);
  const users = chosenUsers(snowflake, o.allUsers, shown);
  const stackName = o.config.stackName;
  const integration = integrationName(stackName);
  const objects = userObjects(stackName, users);
  const session = { database: o.database, schema: o.schema, role: o.role };
  const result = (
    step: SnowflakeSqlResult['step'],
    script: Script,
    more: Partial<SnowflakeSqlResult> = {},
  ) => ({
    step,
    integration,
    users,
    pipes: objects.map((p) => p.pipe),
    ...more,
    sql: script.render(),
    statements: script.statements(),
  });

  if (o.check) return result('check', checkSql({ stackName, objects, session, table: o.table }));
  if (since) return result('refresh', refreshSql({ stackName, objects, session, since }));

  if (o.integration) {
    const externalId = snowflake.externalId;
    if (!externalId)
      throw invalidInput('downstream.snowflake.externalId is not set', [
        {
          file: shown,
          field: 'downstream.snowflake.externalId',
          message: 'the storage integration needs the external id the role will require',
          hint: 'set it to a value of your choice (e.g. MYACCOUNT_SFCRole=2_<random>); it becomes STORAGE_AWS_EXTERNAL_ID',
        },
      ]);
    const accountId = await deps.account.accountId();
    const bucket = await integrationBucket(o, deps, accountId);
    const roleArn = `arn:${partitionOf(o.region)}:iam::${accountId}:role/${snowflakeRoleName(stackName)}`;
    const topicArn = ingestTopicArn(o.region, accountId, stackName);
    const script = integrationSql({
      stackName,
      integration,
      roleArn,
      externalId,
      bucket,
      // every user (now and later): all of ingest/, as the role reads it
      users: snowflake.users === null ? null : users,
      topicArn,
      role: o.role,
      alter: o.alter === true,
      nextCommand: o.nextCommand,
    });
    return result('integration', script, { roleArn, bucket, topicArn });
  }

  if (!snowflake.iamUserArn)
    throw invalidInput('downstream.snowflake.iamUserArn is not set', [
      {
        file: shown,
        field: 'downstream.snowflake.iamUserArn',
        message: "the deployed role cannot trust Snowflake's IAM user yet, so no pipe would load",
        hint: `run sftpgw snowflake sql --integration and the SQL it prints, then DESC INTEGRATION ${integration}; put its STORAGE_AWS_IAM_USER_ARN here, deploy, and run this again`,
      },
    ]);
  const resources = await deps.stack.resources(stackName);
  if (!resources) throw missingStack(stackName);
  const ids = await snowflakeIds(deps, stackName);
  const topic = deployed(resources, ids.topic, 'AWS::SNS::Topic', stackName);
  const role = deployed(resources, ids.role, 'AWS::IAM::Role', stackName);
  const bucket = bucketOf(resources, stackName, ids.bucket);
  // An SNS topic's physical id is its ARN: arn:<partition>:sns:<region>:<account>:<name>.
  const [, partition, , , accountId] = topic.physicalId.split(':');
  const roleArn = `arn:${partition}:iam::${accountId}:role/${role.physicalId}`;
  const script = pipesSql({
    stackName,
    integration,
    bucket,
    topicArn: topic.physicalId,
    roleArn,
    objects,
    session,
    table: o.table,
    fileFormat: o.fileFormat,
    errorIntegration: o.errorIntegration,
    recreate: o.recreatePipes === true,
  });
  return result('pipes', script, { roleArn, bucket, topicArn: topic.physicalId });
}

/**
 * The gateway bucket's name before the pipes: named in the config (no AWS
 * call), else the deployed stack's bucket, else the default name a gateway
 * with downstream on is created with (cli/engine/config/gateway-bucket.ts).
 */
async function integrationBucket(
  o: SnowflakeSqlOptions,
  deps: SnowflakeSqlDeps,
  accountId: string,
): Promise<string> {
  const naming = gatewayBucketName(o.config);
  if (naming.kind === 'configured' || naming.kind === 'kept') return naming.name;
  const resources = await deps.stack.resources(o.config.stackName);
  if (resources || naming.kind === 'generated')
    return bucketOf(
      resources,
      o.config.stackName,
      resources && (await snowflakeIds(deps, o.config.stackName)).bucket,
    );
  return defaultGatewayBucketName(o.config.stackName, accountId, o.region);
}

function requireSnowflake(d: DownstreamSettings | null, shown: string): Snowflake {
  if (d?.snowflake) return d.snowflake;
  throw invalidInput('Snowflake loading is not configured', [
    {
      file: shown,
      field: 'downstream.snowflake',
      message: 'is not set (for this environment)',
      hint: 'add downstream.snowflake with externalId (and users) to sftpgw.yaml: docs/snowflake.md',
    },
  ]);
}

/** downstream.snowflake.users, or every user; each must have a user file. */
function chosenUsers(s: Snowflake, all: readonly string[], shown: string): string[] {
  if (s.users === null) {
    if (all.length === 0)
      throw usageError(
        'the gateway has no users, so Snowflake has nothing to load',
        'add users first (sftpgw users add)',
      );
    return [...all];
  }
  const known = new Set(all);
  const unknown = s.users.filter((u) => !known.has(u));
  if (unknown.length > 0)
    throw invalidInput(
      `downstream.snowflake.users names ${unknown.length === 1 ? 'a user' : 'users'} without a user file`,
      unknown.map((u) => ({
        file: shown,
        field: 'downstream.snowflake.users',
        message: `${u} is not a user of this gateway`,
        hint: `add users/${u}.libsonnet (sftpgw users add ${u}) or remove it from the list`,
      })),
    );
  return [...s.users];
}

function missingStack(stackName: string): SftpgwError {
  return new SftpgwError('failed', `stack ${stackName} does not exist`, {
    hint: 'deploy the gateway with downstream.snowflake set (sftpgw deploy), then run this again; check --stack-name, --env and --region',
  });
}

function deployed(
  resources: Record<string, DeployedResource>,
  logicalId: string,
  type: string,
  stackName: string,
): DeployedResource {
  const r = resources[logicalId];
  if (r && r.type === type) return r;
  throw new SftpgwError('failed', `stack ${stackName} has no ${logicalId} (${type})`, {
    hint: 'deploy the gateway with downstream.snowflake set in sftpgw.yaml (sftpgw deploy), then run this again',
  });
}

/** The gateway bucket's name: the deployed bucket's physical id. */
function bucketOf(
  resources: Record<string, DeployedResource> | undefined,
  stackName: string,
  bucketId: string | undefined,
): string {
  if (!resources)
    throw new SftpgwError(
      'failed',
      `the gateway bucket's name is not known yet: stack ${stackName} does not exist and sftpgw.yaml names no bucket`,
      {
        hint: 'buckets.keepGeneratedGatewayName: true keeps a name CloudFormation generates: deploy the gateway first (sftpgw deploy) and run this again, or set buckets.keepGeneratedGatewayName to the deployed name; a gateway created with downstream on gets a default name the integration can come before',
      },
    );
  return deployed(resources, bucketId ?? IDS_WITHOUT_METADATA.bucket, 'AWS::S3::Bucket', stackName)
    .physicalId;
}
