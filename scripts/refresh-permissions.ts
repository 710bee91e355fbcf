// npm run schemas:permissions -- --from DIR
//
// Writes schemas/permissions.json: for every type in RESOURCE_TYPES,
// the IAM actions CloudFormation's resource handlers call (the registry
// schema's `handlers` → create/read/update/delete → `permissions`), which is
// what a deploy role needs for that type. docs/deploy.md's permission tables
// are rendered from it (scripts/docs-permissions.ts).
//
// Why a second input: the registry schemas under schemas/registry/ come from
// cfn-lint (scripts/refresh-registry.ts), and cfn-lint ships them without
// `handlers`. DIR holds registry schemas that keep them, under either name:
//   - aws-transfer-server.json: the CloudFormation registry's own schemas,
//     CloudformationSchema.zip of
//     https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-type-schemas.html
//     (or `aws cloudformation describe-type --type RESOURCE --type-name …`);
//   - AWS_Transfer_Server.json: the same schemas as hashicorp/terraform-provider-awscc
//     keeps them in internal/service/cloudformation/schemas/.
// A few old resource types have no handlers in the registry (CloudFormation
// runs them without a public resource provider): their actions are kept by
// hand below, each with where they come from.
// Nothing is written unless every type has its permissions.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { registryFileName } from './registry-inputs.js';
import { RESOURCE_TYPES } from './resource-schemas.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const PERMISSIONS_FILE = path.join('schemas', 'permissions.json');

/** The handlers a deploy runs (list is for imports and Cloud Control listings only). */
export const HANDLERS = ['create', 'read', 'update', 'delete'] as const;
export type Handler = (typeof HANDLERS)[number];

export interface TypePermissions {
  /** Per handler: the IAM actions, sorted. */
  handlers: Partial<Record<Handler, string[]>>;
  /** Where they come from: "registry schema", or the source of a hand-kept list. */
  from: string;
}

export interface PermissionsFile {
  /** What the registry schemas were read from. */
  source: string;
  types: Record<string, TypePermissions>;
}

/**
 * Resource types whose registry schema has no handlers: the actions their
 * API calls need, kept by hand (only used when DIR has no handlers for them).
 */
export const BY_HAND: Record<string, TypePermissions> = {
  'AWS::IAM::Policy': {
    // Inline policies of roles, users and groups (sftpgw's templates: roles).
    handlers: {
      create: ['iam:PutGroupPolicy', 'iam:PutRolePolicy', 'iam:PutUserPolicy'],
      read: ['iam:GetGroupPolicy', 'iam:GetRolePolicy', 'iam:GetUserPolicy'],
      update: [
        'iam:DeleteGroupPolicy',
        'iam:DeleteRolePolicy',
        'iam:DeleteUserPolicy',
        'iam:PutGroupPolicy',
        'iam:PutRolePolicy',
        'iam:PutUserPolicy',
      ],
      delete: ['iam:DeleteGroupPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteUserPolicy'],
    },
    from: 'by hand: no handlers in the registry schema; the IAM API calls for inline policies (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html)',
  },
  'AWS::Route53::RecordSet': {
    handlers: {
      create: ['route53:ChangeResourceRecordSets', 'route53:GetChange', 'route53:GetHostedZone'],
      read: ['route53:ListResourceRecordSets'],
      update: ['route53:ChangeResourceRecordSets', 'route53:GetChange', 'route53:GetHostedZone'],
      delete: ['route53:ChangeResourceRecordSets', 'route53:GetChange'],
    },
    from: 'by hand: no handlers in the registry schema; the Route 53 API calls for a record set (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html)',
  },
  'AWS::SQS::QueuePolicy': {
    handlers: {
      create: ['sqs:SetQueueAttributes'],
      read: ['sqs:GetQueueAttributes'],
      update: ['sqs:SetQueueAttributes'],
      delete: ['sqs:SetQueueAttributes'],
    },
    from: 'by hand: no handlers in the registry schema; the queue policy is the queue attribute Policy (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html)',
  },
  'AWS::SNS::TopicPolicy': {
    handlers: {
      create: ['sns:SetTopicAttributes'],
      read: [],
      update: ['sns:SetTopicAttributes'],
      delete: ['sns:SetTopicAttributes'],
    },
    from: "the resource provider's schema (https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-sns/blob/main/aws-sns-topicpolicy/aws-sns-topicpolicy.json)",
  },
};

/** A registry schema's file in DIR, under either naming. */
function schemaFile(dir: string, typeName: string): string | undefined {
  const names = [
    `${typeName.toLowerCase().replace(/::/g, '-')}.json`,
    `${typeName.replace(/::/g, '_')}.json`,
  ];
  return names.map((n) => path.join(dir, n)).find((f) => existsSync(f));
}

/** The handler permissions of one registry schema, or undefined when it has none. */
export function handlerPermissions(schema: {
  handlers?: Record<string, { permissions?: string[] }>;
}): TypePermissions['handlers'] | undefined {
  if (!schema.handlers) return undefined;
  const out: TypePermissions['handlers'] = {};
  for (const h of HANDLERS) {
    const p = schema.handlers[h]?.permissions;
    // IAM service prefixes are case-insensitive; a schema or two writes "S3:".
    if (p) out[h] = [...new Set(p.map((a) => a.replace(/^[^:]+/, (s) => s.toLowerCase())))].sort();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Where the actions of a type DIR lacks come from when its committed registry schema has them. */
export const COMMITTED_FROM =
  'registry schema (not in the awscc commit above: schemas/registry/aws-transfer-hostkey.json, whose source is schemas/registry/source.json notInCfnLint)';

/**
 * The handlers of a type's committed registry schema: the schemas cfn-lint
 * lacks (source.json notInCfnLint) are committed with theirs.
 */
function committedHandlers(typeName: string): TypePermissions['handlers'] | undefined {
  const file = path.join(repoRoot, 'schemas', 'registry', registryFileName(typeName));
  return existsSync(file)
    ? handlerPermissions(JSON.parse(readFileSync(file, 'utf8')) as never)
    : undefined;
}

export function readPermissions(dir: string, source: string): PermissionsFile {
  const types: Record<string, TypePermissions> = {};
  const missing: string[] = [];
  for (const typeName of [...RESOURCE_TYPES].sort()) {
    const file = schemaFile(dir, typeName);
    const handlers = file
      ? handlerPermissions(JSON.parse(readFileSync(file, 'utf8')) as never)
      : undefined;
    const committed = handlers ? undefined : committedHandlers(typeName);
    if (handlers) types[typeName] = { handlers, from: 'registry schema' };
    else if (committed) types[typeName] = { handlers: committed, from: COMMITTED_FROM };
    else if (BY_HAND[typeName]) types[typeName] = BY_HAND[typeName];
    else missing.push(typeName);
  }
  if (missing.length > 0)
    throw new Error(
      `${dir} has no registry schema with handlers for ${missing.join(', ')}: add one, or keep its actions by hand in BY_HAND (scripts/refresh-permissions.ts)`,
    );
  return { source, types };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: { from: { type: 'string' }, source: { type: 'string' } },
    });
    if (!values.from)
      throw new Error(
        'give --from DIR: a folder of registry schemas with handlers (see the header of scripts/refresh-permissions.ts)',
      );
    const file = readPermissions(values.from, values.source ?? values.from);
    writeFileSync(path.join(repoRoot, PERMISSIONS_FILE), `${JSON.stringify(file, null, 2)}\n`);
    console.log(
      `schemas:permissions: wrote ${PERMISSIONS_FILE} (${Object.keys(file.types).length} resource types)`,
    );
  } catch (err) {
    console.error(`npm run schemas:permissions: ${(err as Error).message}`);
    process.exit(1);
  }
}
