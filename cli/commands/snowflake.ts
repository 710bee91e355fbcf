// sftpgw snowflake sql: flags → the engine → the SQL on stdout (or one JSON
// document). Progress and warnings go to stderr, so the output can be piped
// into snowsql or a file as it is.
import { stsAccountIdentity } from '../adapters/aws/account.js';
import { cloudFormationClient, stsClient } from '../adapters/aws/clients.js';
import { sdkStackResources } from '../adapters/aws/stack-resources.js';
import { loadConfig } from '../engine/config/load.js';
import { usageError } from '../engine/errors.js';
import { snowflakeSql } from '../engine/snowflake/snowflake-sql.js';
import { discoverUsers } from '../engine/users/discover.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CommonFlags } from '../options.js';
import { consoleReporter } from '../output.js';
import { nodeVersionNote } from './aws-context.js';
import { configOptions } from './source-flags.js';
import { snowflakeSqlDocument } from '../output-schemas/snowflake-sql.js';

interface SqlFlags extends CommonFlags {
  region?: string;
  stackName?: string;
  users?: string;
  integration?: boolean;
  alter?: boolean;
  check?: boolean;
  refresh?: string;
  recreatePipes?: boolean;
  table?: string;
  fileFormat?: string;
  database?: string;
  schema?: string;
  role?: string;
  errorIntegration?: string;
  output?: 'text' | 'json';
}

/** How the admin runs step 4 again: the same config, environment and names. */
function nextCommand(flags: SqlFlags): string {
  const parts = ['sftpgw snowflake sql'];
  if (flags.config) parts.push(`--config ${flags.config}`);
  if (flags.env) parts.push(`--env ${flags.env}`);
  if (flags.stackName) parts.push(`--stack-name ${flags.stackName}`);
  if (flags.database) parts.push(`--database ${flags.database}`);
  if (flags.schema) parts.push(`--schema ${flags.schema}`);
  if (flags.role) parts.push(`--role ${flags.role}`);
  return parts.join(' ');
}

export async function run(flags: SqlFlags): Promise<ExitCode> {
  const json = flags.output === 'json';
  const reporter = consoleReporter({ ...flags, quiet: json });
  const loaded = await loadConfig(configOptions(flags), reporter);
  const config = { ...loaded, stackName: flags.stackName ?? loaded.stackName };
  nodeVersionNote(reporter);
  const users = await discoverUsers(config.usersDir);
  const settings = { region: flags.region ?? config.region, reporter };
  const sts = stsClient(settings);
  const region =
    settings.region ??
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    (await sts.config.region().catch(() => undefined));
  if (!region)
    throw usageError('no AWS region', 'set region in sftpgw.yaml, pass --region or set AWS_REGION');
  const result = await snowflakeSql(
    {
      config,
      allUsers: users.map((u) => u.name),
      region,
      integration: flags.integration === true,
      alter: flags.alter === true,
      check: flags.check === true,
      refresh: flags.refresh,
      recreatePipes: flags.recreatePipes === true,
      table: flags.table,
      fileFormat: flags.fileFormat,
      database: flags.database,
      schema: flags.schema,
      role: flags.role,
      errorIntegration: flags.errorIntegration,
      nextCommand: nextCommand(flags),
    },
    {
      account: stsAccountIdentity(sts),
      stack: sdkStackResources(cloudFormationClient({ ...settings, region })),
    },
  );
  process.stdout.write(
    json
      ? JSON.stringify(snowflakeSqlDocument(config.stackName, result), null, 2) + '\n'
      : result.sql,
  );
  return EXIT.ok;
}
