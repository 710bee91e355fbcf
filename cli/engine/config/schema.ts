// JSON schema of sftpgw.yaml. The same schema describes the top level and each
// entry of `environments` (which may not nest further). Unknown keys are an
// error everywhere: a typo must not pass silently.
import { defaultSecretPrefix } from '../../../shared/gateway-names.js';
import { HOSTED_ZONE_ID_PATTERN } from './hosted-zone.js';

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const bucketName = {
  type: 'string',
  pattern: '^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
  description: 'S3 bucket name; omit to let CloudFormation generate one',
};

const email = { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' };

// Who the stack's alarms notify (top-level alarms; outbound.alarms, its
// older place, is merged into it).
const alarmRecipients = {
  type: 'object',
  additionalProperties: false,
  properties: {
    emails: {
      type: 'array',
      maxItems: 20,
      uniqueItems: true,
      items: { ...email },
      description: 'subscribed to the alarm topic (each confirms the e-mail AWS sends)',
    },
    topicArns: {
      type: 'array',
      maxItems: 4,
      uniqueItems: true,
      description:
        "existing standard SNS topics the alarms also publish to (chat, paging); an alarm has at most 5 actions, one is the stack's topic",
      items: {
        type: 'string',
        pattern: '^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:[A-Za-z0-9_-]{1,256}$',
      },
    },
  },
};

const settings = {
  description: { type: 'string', minLength: 1, maxLength: 1024 },
  stackName: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9-]{0,127}$' },
  region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
  usersDir: { type: 'string', minLength: 1 },
  userStacks: {
    type: 'integer',
    minimum: 2,
    maximum: 200,
    description:
      'put SFTP users in this many child stacks (fixed: changing it moves users); omit to keep them in the root stack',
  },
  outDir: { type: 'string', minLength: 1 },
  tags: {
    type: 'object',
    maxProperties: 40,
    propertyNames: { pattern: '^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}$' },
    additionalProperties: {
      type: 'string',
      maxLength: 256,
      pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$',
    },
  },
  dns: {
    type: ['object', 'null'],
    description: 'vanity host name; null turns it off (e.g. in one environment)',
    additionalProperties: false,
    required: ['domain', 'hostedZoneId'],
    properties: {
      domain: {
        type: 'string',
        pattern: '^(?=.{1,240}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
      },
      hostname: {
        type: 'string',
        pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
        description: 'label in front of domain; default sftp',
      },
      hostedZoneId: {
        type: 'string',
        pattern: HOSTED_ZONE_ID_PATTERN,
        description:
          'Route 53 hosted zone id: Z… or /hostedzone/Z… as the AWS CLI prints it (read as the bare id)',
      },
      ttl: { type: 'integer', minimum: 60, maximum: 86400 },
    },
  },
  server: {
    type: 'object',
    additionalProperties: false,
    properties: {
      securityPolicy: { type: 'string', pattern: '^TransferSecurityPolicy-[A-Za-z0-9-]+$' },
      endpoint: {
        type: ['object', 'null'],
        description:
          'where the server listens: public (the default; AWS-managed addresses, open to the internet) or vpc (fixed Elastic IPs, admitting only allowedSourceCidrs); null means public (docs/endpoint.md)',
        additionalProperties: false,
        properties: {
          type: { enum: ['public', 'vpc'] },
          vpcId: { type: 'string', pattern: '^vpc-[0-9a-f]{8,17}$' },
          subnetIds: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: '^subnet-[0-9a-f]{8,17}$' },
            description: 'public subnets of vpcId, one per Availability Zone (at most three)',
          },
          addressAllocationIds: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: '^eipalloc-[0-9a-f]{8,17}$' },
            description:
              'existing Elastic IPs, one per subnet (in subnet order); omit to let the stack allocate them',
          },
        },
      },
      allowedSourceCidrs: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string' },
        description:
          "IPv4 networks admitted for every user (e.g. the company's own); users add theirs in their user files",
      },
    },
  },
  buckets: {
    type: 'object',
    additionalProperties: false,
    properties: {
      gateway: {
        ...bucketName,
        description:
          'gateway bucket; omit to let CloudFormation generate one (with downstream on: <stack>-gateway-<account>-<region>)',
      },
      accessLogs: bucketName,
      staging: {
        ...bucketName,
        description: 'outbound staging bucket; default <stack>-staging-<account>-<region>',
      },
      keepGeneratedGatewayName: {
        type: ['boolean', 'string'],
        pattern: bucketName.pattern,
        description:
          'a gateway deployed before its bucket had a default name: keep the name CloudFormation generated (true, or that name, which the ingest topic policy then names); unset, a gateway with downstream on gets <stack>-gateway-<account>-<region> (docs/downstream.md)',
      },
      noncurrentVersionDays: { type: 'integer', minimum: 1, maximum: 3650 },
      accessLogExpirationDays: { type: 'integer', minimum: 1, maximum: 3650 },
    },
  },
  logs: {
    type: 'object',
    additionalProperties: false,
    properties: {
      retentionDays: { enum: LOG_RETENTION_DAYS },
    },
  },
  alarms: {
    ...alarmRecipients,
    description:
      "who the stack's alarms notify (outbound and ingest alarms, one topic <stackName>-alarms); without anyone validate reports baseline/alarm-recipients",
  },
  outbound: {
    type: 'object',
    description: 'the push function and its staging bucket (docs/outbound.md)',
    additionalProperties: false,
    properties: {
      enabled: {
        type: 'boolean',
        description: 'default true; false leaves every outbound resource out',
      },
      secretPrefix: {
        type: 'string',
        pattern: '^[A-Za-z0-9_.+=@-]+(/[A-Za-z0-9_.+=@-]+)*$',
        maxLength: 400,
        description: `destination secrets are <secretPrefix>/<key>; default ${defaultSecretPrefix('<stackName>')}`,
      },
      reservedConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
      memorySize: { type: 'integer', minimum: 128, maximum: 10240 },
      timeoutSeconds: {
        type: 'integer',
        minimum: 30,
        maximum: 899,
        description: 'below the 900 s maximum; the handler stops 10 s before it',
      },
      maxRetryAttempts: { type: 'integer', minimum: 0, maximum: 2 },
      maxEventAgeSeconds: { type: 'integer', minimum: 60, maximum: 21600 },
      stagingExpirationDays: {
        type: 'integer',
        minimum: 1,
        maximum: 3650,
        description: 'staged files expire after this many days',
      },
      alarms: {
        ...alarmRecipients,
        description:
          'who the alarms notify; still read, and merged into the top-level alarms (which also reach the ingest alarms)',
      },
      alarmEmail: {
        ...email,
        type: ['string', 'null'],
        description: 'deprecated: use alarms.emails (still subscribed, with a warning)',
      },
      vpc: {
        type: ['object', 'null'],
        description:
          'run the function in these subnets, e.g. for a fixed egress address through a NAT gateway',
        additionalProperties: false,
        required: ['subnetIds', 'securityGroupIds'],
        properties: {
          subnetIds: {
            type: 'array',
            minItems: 1,
            maxItems: 16,
            uniqueItems: true,
            items: { type: 'string', pattern: '^subnet-[0-9a-f]{8,17}$' },
          },
          securityGroupIds: {
            type: 'array',
            minItems: 1,
            maxItems: 5,
            uniqueItems: true,
            items: { type: 'string', pattern: '^sg-[0-9a-f]{8,17}$' },
          },
        },
      },
    },
  },
  downstream: {
    type: 'object',
    description:
      'hand completed uploads to other systems: EventBridge events and Snowflake (docs/downstream.md)',
    additionalProperties: false,
    properties: {
      events: {
        type: 'boolean',
        description:
          "default false; true sends the bucket's object events to EventBridge (completed uploads appear under ingest/<username>/)",
      },
      malwareScan: {
        type: 'boolean',
        description:
          'default false; true scans every completed upload with GuardDuty Malware Protection for S3 (in quarantine/) before it reaches ingest/: needs downstream on (events or snowflake); its alarms go to the gateway alarm topic, AlarmTopic (docs/downstream.md#malware-scanning)',
      },
      snowflake: {
        type: ['object', 'null'],
        description:
          'the role and topic a Snowflake storage integration and Snowpipe use; null (the default) turns it off',
        additionalProperties: false,
        required: ['externalId'],
        properties: {
          iamUserArn: {
            type: 'string',
            description:
              'STORAGE_AWS_IAM_USER_ARN from DESC INTEGRATION (an IAM user ARN); left out until the integration exists (sftpgw snowflake sql --integration): meanwhile the gateway builds and deploys without the Snowflake role and the subscribe grant, with a warning',
          },
          subscriberArn: {
            type: 'string',
            description:
              'the IAM user allowed to subscribe to the ingest topic (sns:Subscribe), when it differs from iamUserArn: the principal of SYSTEM$GET_AWS_SNS_IAM_POLICY(<topic arn>); default iamUserArn',
          },
          externalId: {
            type: 'string',
            description: 'STORAGE_AWS_EXTERNAL_ID of the integration',
          },
          users: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string' },
            description: 'the users whose completed uploads Snowflake loads; default every user',
          },
        },
      },
    },
  },
  iam: {
    type: 'object',
    additionalProperties: false,
    properties: {
      permissionsBoundary: {
        type: 'string',
        pattern: '^arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$',
        description:
          'managed policy ARN set as PermissionsBoundary on every role the templates create',
      },
    },
  },
  artifacts: {
    type: 'object',
    description:
      'where sftpgw package/deploy upload the handler, child templates and large templates',
    additionalProperties: false,
    properties: {
      bucket: {
        ...bucketName,
        description: 'artifact bucket (an existing bucket; --s3-bucket overrides)',
      },
      prefix: {
        type: 'string',
        pattern: "^[A-Za-z0-9!_.*'()/-]*$",
        maxLength: 200,
        description: 'key prefix; default sftpgw/<stackName>',
      },
    },
  },
  deploy: {
    type: 'object',
    additionalProperties: false,
    properties: {
      roleArn: {
        type: 'string',
        pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$',
        description: 'role CloudFormation assumes for the stack operations',
      },
      terminationProtection: { type: 'boolean' },
      capabilities: {
        type: 'array',
        uniqueItems: true,
        items: { enum: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] },
      },
      parameters: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'template parameter values',
      },
    },
  },
  validation: {
    type: 'object',
    additionalProperties: false,
    properties: {
      waivers: {
        type: 'array',
        description:
          'baseline rules waived for one resource each, with the reason reports repeat; an environment adds to the top-level list',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['rule', 'resource', 'reason'],
          properties: {
            rule: { type: 'string', pattern: '^baseline/[a-z0-9-]+$' },
            resource: { type: 'string', pattern: '^[A-Za-z0-9]{1,255}$' },
            reason: {
              type: 'string',
              minLength: 10,
              maxLength: 500,
              description: 'why the protection is not needed here; shown in every report',
            },
          },
        },
      },
    },
  },
} as const;

/** An environment section overrides part of the top level: nothing in it is required. */
function partial(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(partial);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k]) => k !== 'required')
      .map(([k, v]) => [k, partial(v)]),
  );
}

export const configSchema = {
  $id: 'https://sftpgw.dev/schemas/sftpgw.yaml.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    ...settings,
    environments: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        // waivers keep their required fields: a waiver without a reason is never valid
        properties: { ...(partial(settings) as object), validation: settings.validation },
      },
    },
  },
} as const;

export { LOG_RETENTION_DAYS };
