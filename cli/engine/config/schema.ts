// JSON schema of sftpgw.yaml. The same schema describes the top level and each
// entry of `environments` (which may not nest further). Unknown keys are an
// error everywhere: a typo must not pass silently.
import { HOSTED_ZONE_ID_PATTERN } from './hosted-zone.js';

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const bucketName = {
  type: 'string',
  pattern: '^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
  description: 'S3 bucket name; omit to let CloudFormation generate one',
} as const;

// A Secrets Manager secret as a dynamic reference names it: its name
// (1–512 of letters, digits and /_+=.@-), or its ARN (a secret of another
// account must be named by ARN). No colon in a name: the reference
// {{resolve:secretsmanager:<secret>:SecretString}} splits on colons after it.
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html
export const SECRET_ID_PATTERN =
  '^(arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}|[A-Za-z0-9/_+=.@-]{1,512})$';

// Host keys per server: sftpgw's ceiling, not a Transfer Family quota (none
// is documented for host keys per server). 10 covers the three algorithms
// with room for a rotation's overlap; each is one dynamic reference of the
// 60 CloudFormation allows per template (validate's quota/dynamic-references).
export const MAX_HOST_KEYS = 10;

const email = { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' } as const;

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
      description:
        "e-mail addresses subscribed to the stack's alarm topic `<stackName>-alarms` (each gets AWS's confirmation e-mail); at most 20. Every alarm of the stack publishes there: the push function's (outbound) and the ingest alarms (downstream). The topic exists when outbound or downstream is on",
    },
    topicArns: {
      type: 'array',
      maxItems: 4,
      uniqueItems: true,
      description:
        "existing standard SNS topics (same region) every alarm also publishes to, e.g. one that routes to chat or paging; at most 4 (an alarm has 5 actions, one is the stack's topic), counted together with `outbound.alarms.topicArns`. A topic encrypted with its own KMS key must let `cloudwatch.amazonaws.com` use that key, and a topic policy must let CloudWatch publish. With no recipient at all, `validate` warns (`baseline/alarm-recipients`): the alarms would notify no one",
      items: {
        type: 'string',
        pattern: '^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:[A-Za-z0-9_-]{1,256}$',
      },
    },
  },
} as const;

const settings = {
  description: {
    type: 'string',
    minLength: 1,
    maxLength: 1024,
    description: 'template description',
  },
  stackName: {
    type: 'string',
    pattern: '^[A-Za-z][A-Za-z0-9-]{0,127}$',
    description:
      'CloudFormation stack name, required (here, in the environment, or `SFTPGW_STACK_NAME`); also the `sftpgw:gateway` tag on every resource',
  },
  region: {
    type: 'string',
    pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
    description:
      "AWS region for AWS-facing commands; without it, the AWS SDK's own chain (`AWS_REGION`, the profile)",
  },
  usersDir: { type: 'string', minLength: 1, description: 'folder of user files' },
  userStacks: {
    type: 'integer',
    minimum: 2,
    maximum: 200,
    description:
      'put users in this many child stacks, placed by a hash of the username; fixed once set (docs/users.md#many-users-child-stacks); `null`: users in the root stack',
  },
  outDir: { type: 'string', minLength: 1, description: 'build output folder' },
  users: {
    type: 'object',
    additionalProperties: false,
    description:
      "what the build does with the users' keys (docs/keys.md): their expiry and keys shared between users",
    properties: {
      keyExpiryWarningDays: {
        type: 'integer',
        minimum: 0,
        maximum: 3650,
        description:
          "a key whose `expires` date is at most this many days after the build's date warns (`users/key-expiring`); `sftpgw users keys` marks it expiring. 0: only on its last day",
      },
      sharedKeys: {
        enum: ['warn', 'error'],
        description:
          'the same public key in two user files: `warn` (a warning naming both files), or `error` (the build refuses it). Rule `users/shared-key`',
      },
    },
  },
  tags: {
    type: 'object',
    description: 'tags on every taggable resource (at most 40; keys not starting with `aws:`)',
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
    description:
      'vanity host name (a CNAME to the server); with `dns` set, `domain` and `hostedZoneId` are required; `dns: null` in an environment turns it off there',
    additionalProperties: false,
    required: ['domain', 'hostedZoneId'],
    properties: {
      domain: {
        type: 'string',
        description: 'vanity domain',
        pattern: '^(?=.{1,240}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
      },
      hostname: {
        type: 'string',
        pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
        description: 'label in front of the domain: `sftp.example.com`',
      },
      hostedZoneId: {
        type: 'string',
        pattern: HOSTED_ZONE_ID_PATTERN,
        description:
          'Route 53 hosted zone id: `Z…` as the console shows it, or `/hostedzone/Z…` as the AWS CLI prints it (`aws route53 list-hosted-zones`), read as the bare id (a line on stderr says so); anything else is refused naming the key',
      },
      ttl: { type: 'integer', minimum: 60, maximum: 86400, description: 'CNAME TTL' },
    },
  },
  server: {
    type: 'object',
    additionalProperties: false,
    properties: {
      securityPolicy: {
        type: 'string',
        pattern: '^TransferSecurityPolicy-[A-Za-z0-9-]+$',
        description: 'Transfer security policy; older than 2024-01 is refused',
      },
      endpoint: {
        type: ['object', 'null'],
        description:
          'where the server listens (docs/endpoint.md); `server.endpoint: null` in an environment goes back to public',
        additionalProperties: false,
        properties: {
          type: {
            enum: ['public', 'vpc'],
            description:
              '`public` (AWS-managed addresses, open to the internet) or `vpc` (fixed Elastic IPs, only allowed networks)',
          },
          vpcId: {
            type: 'string',
            pattern: '^vpc-[0-9a-f]{8,17}$',
            description: 'with `vpc`: the VPC of the subnets (required)',
          },
          subnetIds: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: '^subnet-[0-9a-f]{8,17}$' },
            description:
              'with `vpc`: 1–3 public subnets of `vpcId`, one per Availability Zone (required)',
          },
          addressAllocationIds: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: '^eipalloc-[0-9a-f]{8,17}$' },
            description:
              'with `vpc`: existing Elastic IPs, one per subnet, in subnet order (docs/endpoint.md#retained-addresses-and-re-adopting-them); left out, the stack allocates one per subnet',
          },
        },
      },
      allowedSourceCidrs: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string' },
        description:
          "with `vpc`: IPv4 networks admitted for every user (e.g. the company's own); users add theirs in their user files (docs/endpoint.md#who-is-admitted)",
      },
      hostKeys: {
        type: 'array',
        maxItems: MAX_HOST_KEYS,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['secret'],
          properties: {
            secret: {
              type: 'string',
              pattern: SECRET_ID_PATTERN,
              description:
                'the Secrets Manager secret (name, or ARN for another account) whose SecretString is the private host key (OpenSSH or PEM)',
            },
            description: {
              type: 'string',
              maxLength: 200,
              pattern: '^[\\x20-\\x7E]*$',
              description:
                "the host key's description in Transfer Family (at most 200 printable ASCII characters); default `sftpgw: <secret>`",
            },
          },
        },
        description:
          "the server's own host keys, in age order (the first is the oldest): `[{ secret, description? }]`. Each becomes an `AWS::Transfer::HostKey` (logical id from the secret, e.g. `HostKeyEd255192026a34c09`: it stays when other entries come and go; another secret, or the same by ARN, is a new key) whose `HostKeyBody` is a `{{resolve:secretsmanager:<secret>:SecretString}}` reference, never the key; a private key written in this file is refused without being shown. Transfer Family presents the oldest key of each algorithm, and the key it generated with the server stays the oldest until it is deleted (docs/keys.md#the-servers-host-keys). At most 10",
      },
      identityProvider: {
        type: 'object',
        additionalProperties: false,
        description:
          'who decides at login (docs/identity-provider.md): Transfer Family from `AWS::Transfer::User` resources (`service-managed`), or a Lambda function reading a directory the build writes (`lambda`)',
        properties: {
          type: {
            enum: ['service-managed', 'lambda'],
            description:
              '`service-managed` (every user an `AWS::Transfer::User`, key logins only) or `lambda` (the function `IdentityFunction` answers every login from `directory.json`: key expiry, per-user networks and passwords checked at login; no user resources, no child stacks). Changing it switches the server (docs/identity-provider.md#switching-modes)',
          },
          passwords: {
            type: 'boolean',
            description:
              'with `lambda`: `true` lets users with a `passwordHash` (`sftpgw users passwd`) log in by password (`SftpAuthenticationMethods: PUBLIC_KEY_OR_PASSWORD`); `false` sets `PUBLIC_KEY`, so the server never asks for one',
          },
          cacheSeconds: {
            type: 'integer',
            minimum: 0,
            maximum: 3600,
            description:
              'with `lambda`: how often a warm function re-checks the directory object (`DIRECTORY_CACHE_SECONDS`), 0–3600 s: a user change reaches logins at most this long after it is uploaded',
          },
        },
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
          'gateway bucket name; `null`: CloudFormation generates one, or with `downstream` on `<stack>-gateway-<account>-<region>` (the stack name lower-cased, cut to 27 characters, so the ingest topic policy and `snowflake sql --integration` know it before deploy; docs/downstream.md#the-gateway-bucket-by-name)',
      },
      accessLogs: {
        ...bucketName,
        description: 'access-log bucket name; `null`: CloudFormation generates one',
      },
      staging: {
        ...bucketName,
        description:
          'outbound staging bucket name; `null`: `<stack>-staging-<account>-<region>` (the stack name lower-cased, cut to 27 characters)',
      },
      keepGeneratedGatewayName: {
        type: ['boolean', 'string'],
        pattern: bucketName.pattern,
        description:
          'a gateway deployed before gateway buckets were named: `true` keeps the name CloudFormation generated (the topic policy then admits any bucket of the account, a warning), or that name itself (kept, and named in the topic policy). Not with `buckets.gateway` (docs/downstream.md#the-gateway-bucket-by-name)',
      },
      noncurrentVersionDays: {
        type: 'integer',
        minimum: 1,
        maximum: 3650,
        description: 'days noncurrent object versions are kept',
      },
      accessLogExpirationDays: {
        type: 'integer',
        minimum: 1,
        maximum: 3650,
        description: 'days access logs are kept',
      },
    },
  },
  logs: {
    type: 'object',
    additionalProperties: false,
    properties: {
      retentionDays: {
        enum: LOG_RETENTION_DAYS,
        description: 'log retention (a CloudWatch Logs value: 1, 3, 5, 7, 14, 30, … 3653)',
      },
    },
  },
  alarms: {
    ...alarmRecipients,
    description:
      "who the stack's alarms notify (outbound and ingest alarms, one topic `<stackName>-alarms`)",
  },
  outbound: {
    type: 'object',
    description: 'the push function and its staging bucket (docs/outbound.md)',
    additionalProperties: false,
    properties: {
      enabled: {
        type: 'boolean',
        description: '`false` leaves every outbound resource out (inbound-only gateway)',
      },
      secretPrefix: {
        type: 'string',
        pattern: '^[A-Za-z0-9_.+=@-]+(/[A-Za-z0-9_.+=@-]+)*$',
        maxLength: 400,
        description:
          'destination secrets are `<secretPrefix>/<destination>`; the function may read only these, and only when tagged `sftpgw:gateway=<stackName>`',
      },
      reservedConcurrency: {
        type: 'integer',
        minimum: 1,
        maximum: 1000,
        description:
          'reserved concurrency of the push function (also caps parallel connections to partners)',
      },
      memorySize: {
        type: 'integer',
        minimum: 128,
        maximum: 10240,
        description:
          "function memory (MB); Lambda's CPU follows it (1,769 MB = one vCPU, what a delivery needs to outrun one SFTP channel's window at 50 ms; less is cheaper per second, slower for large files: docs/outbound.md#memory-and-cpu)",
      },
      timeoutSeconds: {
        type: 'integer',
        minimum: 30,
        maximum: 899,
        description: "function timeout, 30–899 s; a delivery's deadline is 10 s before it",
      },
      maxRetryAttempts: {
        type: 'integer',
        minimum: 0,
        maximum: 2,
        description: "Lambda's async retries (0–2) before the event goes to the failure queue",
      },
      maxEventAgeSeconds: {
        type: 'integer',
        minimum: 60,
        maximum: 21600,
        description: 'events older than this go to the failure queue unprocessed',
      },
      stagingExpirationDays: {
        type: 'integer',
        minimum: 1,
        maximum: 3650,
        description: 'staged files expire after this many days',
      },
      alarms: {
        ...alarmRecipients,
        description:
          'the older place of `alarms.emails` and `alarms.topicArns`: still read and merged into them (each address and topic once), also with `outbound.enabled: false`, so an existing file keeps notifying the same people, now also of ingest failures. Prefer the top-level `alarms`',
      },
      alarmEmail: {
        ...email,
        type: ['string', 'null'],
        description:
          '**deprecated** alias of one `alarms.emails` entry: still subscribed (merged first, once), with a warning to move it',
      },
      vpc: {
        type: ['object', 'null'],
        description:
          '`{ subnetIds: [subnet-…], securityGroupIds: [sg-…] }`: run the function in a VPC, e.g. for a fixed egress address through a NAT gateway (give the subnets a route to S3 and Secrets Manager)',
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
          "`true` sends the gateway bucket's object events to EventBridge; completed uploads appear under `ingest/<username>/` (docs/downstream.md)",
      },
      malwareScan: {
        type: 'boolean',
        description:
          "`true` scans every completed upload with GuardDuty Malware Protection for S3 in `quarantine/` before it reaches `ingest/`; only clean files are copied on, files with threats are denied to readers and alarm (docs/downstream.md#malware-scanning). Refused with downstream off (`events: false` and no `snowflake`). Its alarms go to the gateway's alarm topic, with the recipients of `alarms`",
      },
      snowflake: {
        type: ['object', 'null'],
        description:
          '`{ iamUserArn?, subscriberArn?, externalId, users? }`: the role and SNS topic a Snowflake storage integration and Snowpipe use (docs/downstream.md); needs a stack name of at most 54 characters (the role is `<stackName>-snowflake`)',
        additionalProperties: false,
        required: ['externalId'],
        properties: {
          iamUserArn: {
            type: 'string',
            description:
              '`STORAGE_AWS_IAM_USER_ARN` of the integration (`DESC INTEGRATION`): an IAM user ARN. Left out until the integration exists (docs/downstream.md#pending-before-the-integration-exists; the steps: docs/snowflake.md#the-steps-in-order): meanwhile the gateway builds and deploys without the Snowflake role and the subscribe grant, with a warning',
          },
          subscriberArn: {
            type: 'string',
            description:
              "the IAM user allowed to `sns:Subscribe` to the ingest topic, when it differs from `iamUserArn`: the principal `SYSTEM$GET_AWS_SNS_IAM_POLICY('<IngestTopicArn>')` returns; an IAM user ARN. Left out: `iamUserArn`",
          },
          externalId: {
            type: 'string',
            description:
              '`STORAGE_AWS_EXTERNAL_ID` of the integration: chosen before it exists (`snowflake sql --integration` puts it there), so required from the start; not empty',
          },
          users: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string' },
            description:
              'the users whose completed uploads Snowflake reads; each must have a user file. Left out: every user',
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
          "a managed policy ARN (`arn:aws:iam::<account>:policy/<path/name>` or an AWS managed `arn:aws:iam::aws:policy/…`) set as `PermissionsBoundary` on every IAM role the build writes: the root stack, the child stacks of users, and roles of a gateway repository's own templates (libsonnet/render.libsonnet sets it on every part it returns, on roles that have none); `baseline/iam-permissions-boundary` checks every role has it",
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
        description:
          "existing S3 bucket for the handler zip, child templates and templates over 51,200 bytes (`--s3-bucket` overrides). sftpgw does not create it (it holds every deploy's artifacts and outlives a stack): when it does not exist, `package` and `deploy` name the bucket, where its name comes from (`artifacts.bucket` and its line, or `--s3-bucket`) and the `aws s3 mb` that creates it",
      },
      prefix: {
        type: 'string',
        pattern: "^[A-Za-z0-9!_.*'()/-]*$",
        maxLength: 200,
        description: 'key prefix in it (`--s3-prefix` overrides)',
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
        description: 'role CloudFormation assumes for stack operations (`--role-arn` overrides)',
      },
      terminationProtection: {
        type: 'boolean',
        description: 'stack termination protection, set after a successful deploy',
      },
      capabilities: {
        type: 'array',
        description:
          'acknowledged capabilities; `deploy` and `diff` add `CAPABILITY_NAMED_IAM` when the template names an IAM resource (the Snowflake role of `downstream.snowflake`)',
        uniqueItems: true,
        items: { enum: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] },
      },
      parameters: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'template parameter values (`--parameter NAME=VALUE` overrides)',
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
          "baseline rules waived for one resource each: `{ rule, resource, reason }`, the reason repeated in every report (docs/validation.md#waivers); an environment's list adds to the top level's",
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

/** One section of sftpgw.yaml (the top level, or an environment): its type is config/types.ts's Settings. */
export const settingsSchema = { type: 'object', properties: settings } as const;

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
      description:
        '`environments.<name>`: any of the keys above, overriding the top level (see Environments and precedence below)',
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
