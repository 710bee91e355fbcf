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
  const checkIamUser = (keys: string[], value: string | null, hint: string) => {
    if (value !== null && !IAM_USER_ARN.test(value))
      add(keys, `${JSON.stringify(value)} is not an IAM user ARN`, hint);
  };
  const events = downstream?.events ?? false;
  const sf = downstream?.snowflake ?? null;
  if (!events && sf === null) return null;
  // Refused when it cannot work: config/malware-scan.ts.
  const malwareScan = downstream?.malwareScan ?? false;
  if (sf === null) return { events, malwareScan, snowflake: null };
  const key = ['downstream', 'snowflake'];
  // Left out until the storage integration exists: `snowflake sql
  // --integration` is the first step and needs this config to load; until
  // then the gateway is built without the Snowflake role and the subscribe
  // grant (pending), with a warning (downstream/users.ts).
  const arn = sf.iamUserArn ?? null;
  checkIamUser(
    [...key, 'iamUserArn'],
    arn,
    'copy STORAGE_AWS_IAM_USER_ARN from DESC INTEGRATION in Snowflake (arn:aws:iam::<12 digits>:user/<name>); before the integration exists, leave it out and run sftpgw snowflake sql --integration (docs/downstream.md)',
  );
  // Snowflake documents SYSTEM$GET_AWS_SNS_IAM_POLICY('<topic arn>') as the
  // statement to grant; its principal is usually the integration's IAM user,
  // and goes here when it is not.
  const subscriber = sf.subscriberArn ?? null;
  checkIamUser(
    [...key, 'subscriberArn'],
    subscriber,
    "copy the Principal's AWS ARN from SELECT SYSTEM$GET_AWS_SNS_IAM_POLICY('<IngestTopicArn>') in Snowflake (arn:aws:iam::<12 digits>:user/<name>), or leave it out to grant iamUserArn (docs/downstream.md)",
  );
  const externalId = sf.externalId ?? '';
  if (externalId.trim() === '')
    add(
      [...key, 'externalId'],
      `is ${sf.externalId === undefined ? 'missing' : 'empty'}: the role would trust Snowflake without an external id`,
      'choose one before the integration exists (e.g. MYACCOUNT_SFCRole=2_<random>): sftpgw snowflake sql --integration makes it STORAGE_AWS_EXTERNAL_ID; for an integration that exists, copy STORAGE_AWS_EXTERNAL_ID from DESC INTEGRATION',
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
    snowflake: {
      iamUserArn: arn,
      subscriberArn: subscriber ?? arn,
      externalId,
      users: sf.users ?? null,
    },
  };
}
