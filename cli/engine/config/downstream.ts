// downstream of sftpgw.yaml, after the environment is merged: the checks the
// schema cannot say well, each naming the key and what to do
// (docs/downstream.md).
import type { Problem } from '../errors.js';
import type { EndpointPlace } from './endpoint.js';
import type { DownstreamSettings, Settings } from './types.js';

/** The Snowflake role's fixed name: known before deploy, so the integration can name it. */
export const SNOWFLAKE_ROLE_SUFFIX = '-snowflake';
/** IAM role names are at most 64 characters. */
const MAX_ROLE_NAME = 64;

// Snowflake's STORAGE_AWS_IAM_USER_ARN is an IAM user of Snowflake's own
// account; a role or root ARN here would be trusted instead of Snowflake.
const IAM_USER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:user\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
// sts:ExternalId: 2 to 1,224 characters of [\w+=,.@:/-] (AssumeRole's ExternalId).
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function resolveDownstream(
  downstream: Settings['downstream'],
  stackName: string | undefined,
  at: EndpointPlace,
  problems: Problem[],
): DownstreamSettings | null {
  const add = (keys: string[], message: string, hint: string) =>
    problems.push({ file: at.file, field: keys.join('.'), line: at.lineOf(keys), message, hint });
  const events = downstream?.events ?? false;
  const sf = downstream?.snowflake ?? null;
  if (!events && sf === null) return null;
  // Refused when it cannot work: config/malware-scan.ts.
  const malwareScan = downstream?.malwareScan ?? false;
  if (sf === null) return { events, malwareScan, snowflake: null };
  const key = ['downstream', 'snowflake'];
  // Left out until the storage integration exists: `snowflake sql
  // --integration` is the first step and needs this config to load; a build
  // refuses it (downstream/users.ts).
  const arn = sf.iamUserArn ?? null;
  if (arn !== null && !IAM_USER_ARN.test(arn))
    add(
      [...key, 'iamUserArn'],
      `${JSON.stringify(arn)} is not an IAM user ARN`,
      'copy STORAGE_AWS_IAM_USER_ARN from DESC INTEGRATION in Snowflake (arn:aws:iam::<12 digits>:user/<name>); before the integration exists, run sftpgw snowflake sql --integration (docs/downstream.md)',
    );
  const externalId = sf.externalId ?? '';
  if (externalId.trim() === '')
    add(
      [...key, 'externalId'],
      `is ${sf.externalId === undefined ? 'missing' : 'empty'}: the role would trust Snowflake without an external id`,
      'set it to STORAGE_AWS_EXTERNAL_ID of the integration (DESC INTEGRATION)',
    );
  else if (!EXTERNAL_ID.test(externalId))
    add(
      [...key, 'externalId'],
      'is not a valid external id (2 to 1,224 characters of letters, digits and _+=,.@:/-)',
      'copy STORAGE_AWS_EXTERNAL_ID from DESC INTEGRATION as it is',
    );
  if (stackName && stackName.length + SNOWFLAKE_ROLE_SUFFIX.length > MAX_ROLE_NAME)
    add(
      key,
      `needs the role ${stackName}${SNOWFLAKE_ROLE_SUFFIX}, longer than IAM's ${MAX_ROLE_NAME} characters`,
      `use a stack name of at most ${MAX_ROLE_NAME - SNOWFLAKE_ROLE_SUFFIX.length} characters`,
    );
  return {
    events,
    malwareScan,
    snowflake: { iamUserArn: arn, externalId, users: sf.users ?? null },
  };
}
