// A change set's plan and the template diff as JSON (`sftpgw diff --output
// json`): the shapes of engine/deploy/types.ts with every field present.
import type {
  AddressQuotaCheck,
  AddressSide,
  PlacementChange,
  PlanHostKey,
  Plan,
  PlannedChange,
  RetainedResource,
  UserMove,
} from '../engine/deploy/types.js';
import { isListChange, type TemplateDifference } from '../engine/deploy/template-diff.js';
import {
  anyValue,
  array,
  boolean,
  type Complete,
  integer,
  nullable,
  object,
  orNull,
  type Schema,
  string,
  stringEnum,
} from './schema-kit.js';

export interface ChangeDocument extends Omit<Complete<PlannedChange>, 'vpcSwitch' | 'retained'> {
  vpcSwitch: { vpcId: string | null; securityGroups: number } | null;
  retained: {
    deletionPolicy: RetainedResource['deletionPolicy'];
    physicalId: string | null;
  } | null;
}

export interface PlanDocument {
  changes: ChangeDocument[];
  refused: ChangeDocument[];
  removedUsers: ChangeDocument[];
  retained: ChangeDocument[];
  nested: Array<{ stack: string; changes: ChangeDocument[] }>;
  moves: UserMove[];
  placementChange: PlacementChange | null;
  endpoint: {
    changes: ChangeDocument[];
    allowed: boolean;
    notice: { before: AddressSide; after: AddressSide } | null;
  } | null;
  addressQuota: AddressQuotaCheck | null;
  hostKeys: {
    serverId: string;
    algorithms: Array<{
      algorithm: string;
      before: HostKeyDocument | null;
      after: HostKeyDocument | null;
    }>;
    allowed: boolean;
  } | null;
  identityProvider: {
    server: string;
    from: string;
    to: string;
    users: number;
    stacks: string[];
    allowed: boolean;
  } | null;
}

export type HostKeyDocument = Complete<PlanHostKey>;

function hostKey(k: PlanHostKey | undefined): HostKeyDocument | null {
  if (!k) return null;
  return {
    type: k.type,
    fingerprint: k.fingerprint,
    id: orNull(k.id),
    logicalId: orNull(k.logicalId),
    secretId: orNull(k.secretId),
  };
}

/** One value that differs; a list's elements that differ. null: not that kind, or the key is absent on that side. */
export interface DifferenceDocument {
  path: string;
  items: 'elements' | 'statements' | null;
  before: unknown;
  after: unknown;
  removed: unknown[] | null;
  added: unknown[] | null;
}

export interface TemplateDifferenceDocument extends Omit<Complete<TemplateDifference>, 'changes'> {
  changes: DifferenceDocument[];
}

function change(c: PlannedChange): ChangeDocument {
  return {
    action: c.action,
    logicalId: c.logicalId,
    type: c.type,
    replacement: c.replacement,
    conditional: c.conditional,
    why: orNull(c.why),
    stateful: c.stateful,
    userName: orNull(c.userName),
    keep: orNull(c.keep),
    endpoint: orNull(c.endpoint),
    vpcSwitch: c.vpcSwitch
      ? { vpcId: c.vpcSwitch.vpcId ?? null, securityGroups: c.vpcSwitch.securityGroups }
      : null,
    retained: c.retained
      ? { deletionPolicy: c.retained.deletionPolicy, physicalId: c.retained.physicalId ?? null }
      : null,
  };
}

export function planDocument(p: Plan): PlanDocument {
  return {
    changes: p.changes.map(change),
    refused: p.refused.map(change),
    removedUsers: p.removedUsers.map(change),
    retained: p.retained.map(change),
    nested: (p.nested ?? []).map((n) => ({ stack: n.stack, changes: n.changes.map(change) })),
    moves: p.moves ?? [],
    placementChange: p.placementChange ?? null,
    endpoint: p.endpoint
      ? {
          changes: p.endpoint.changes.map(change),
          allowed: p.endpoint.allowed,
          notice: p.endpoint.notice ?? null,
        }
      : null,
    addressQuota: p.addressQuota ?? null,
    hostKeys: p.hostKeys
      ? {
          serverId: p.hostKeys.serverId,
          algorithms: p.hostKeys.algorithms.map((c) => ({
            algorithm: c.algorithm,
            before: hostKey(c.before),
            after: hostKey(c.after),
          })),
          allowed: p.hostKeys.allowed,
        }
      : null,
    identityProvider: p.identityProvider
      ? {
          server: p.identityProvider.server,
          from: p.identityProvider.from,
          to: p.identityProvider.to,
          users: p.identityProvider.users,
          stacks: p.identityProvider.stacks,
          allowed: p.identityProvider.allowed,
        }
      : null,
  };
}

export function templateDiffDocument(diffs: TemplateDifference[]): TemplateDifferenceDocument[] {
  return diffs.map((d) => ({
    logicalId: d.logicalId,
    kind: d.kind,
    type: d.type,
    userName: orNull(d.userName),
    paths: d.paths,
    changes: d.changes.map((c) =>
      isListChange(c)
        ? {
            path: c.path,
            items: c.items,
            before: null,
            after: null,
            removed: c.removed,
            added: c.added,
          }
        : {
            path: c.path,
            items: null,
            before: c.before ?? null,
            after: c.after ?? null,
            removed: null,
            added: null,
          },
    ),
  }));
}

const CHANGE = object({
  action: stringEnum(['add', 'modify', 'remove']),
  logicalId: string('qualified Child/Id inside a child stack'),
  type: string('the resource type'),
  replacement: boolean('replaced (a new physical resource) rather than updated in place'),
  conditional: boolean('AWS says the replacement depends on values known at deploy time'),
  why: nullable(string(), 'why it is replaced'),
  stateful: boolean(),
  userName: nullable(string(), 'SFTP users: the user name'),
  keep: nullable(string(), 'the sftpgw.yaml key that keeps the resource instead'),
  endpoint: nullable(string(), 'why the change stops the server or changes its addresses'),
  vpcSwitch: nullable(
    object({
      vpcId: nullable(string(), 'EndpointDetails.VpcId when the template gives it as a plain id'),
      securityGroups: integer('how many security groups the template gives the endpoint'),
    }),
    'a deployed public server switched to vpc in place (docs/endpoint.md)',
  ),
  retained: nullable(
    object({
      deletionPolicy: stringEnum(['Retain', 'RetainExceptOnCreate']),
      physicalId: nullable(string(), 'its physical id, when CloudFormation could tell'),
    }),
    'a deletion the deployed DeletionPolicy turns into keeping the resource in the account, outside the stack',
  ),
});

const HOST_KEY = object({
  type: string('ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, …'),
  fingerprint: string('SHA256:…, as ssh-keygen -lf prints it'),
  id: nullable(string(), 'hostkey-…; null for a key the deploy imports'),
  logicalId: nullable(string(), "the stack's HostKey resource; null for the generated key"),
  secretId: nullable(string(), 'the secret a key the deploy imports comes from (never its value)'),
});

const ADDRESS_SIDE = object({
  endpointType: string(),
  addresses: array(string()),
  pending: array(string(), 'Elastic IPs the deploy allocates (logical ids)'),
  unknown: array(string()),
});

export const PLAN_SCHEMA: Schema = object({
  changes: array(CHANGE),
  refused: array(CHANGE, 'stateful resources replaced or deleted without --allow-replace'),
  removedUsers: array(CHANGE, 'SFTP users whose user file is gone'),
  retained: array(
    CHANGE,
    'resources deleted from the stack but kept in the account by their DeletionPolicy (not refused)',
  ),
  nested: array(object({ stack: string(), changes: array(CHANGE) }), 'child stacks’ own changes'),
  moves: array(
    object({ userName: string(), from: string(), to: string() }),
    'users that would move between stacks (refused)',
  ),
  placementChange: nullable(object({ from: integer(), to: integer() }), 'a userStacks change'),
  endpoint: nullable(
    object({
      changes: array(CHANGE),
      allowed: boolean('--allow-endpoint-change was given'),
      notice: nullable(object({ before: ADDRESS_SIDE, after: ADDRESS_SIDE })),
    }),
    'set when the change stops the SFTP server or changes its addresses',
  ),
  addressQuota: nullable(
    object({
      allocated: integer(),
      adding: integer(),
      limit: integer(),
      source: stringEnum(['service-quotas', 'account-attribute', 'default']),
      exceeded: boolean(),
    }),
  ),
  hostKeys: nullable(
    object({
      serverId: string(),
      algorithms: array(
        object({
          algorithm: string('RSA, ECDSA or ED25519'),
          before: nullable(HOST_KEY, 'null: no key of this algorithm before (a new algorithm)'),
          after: nullable(HOST_KEY, 'null: no key of this algorithm after'),
        }),
        'only the algorithms whose active (oldest) key changes',
      ),
      allowed: boolean('--allow-host-key-change was given'),
    }),
    'set when the change set adds, removes or replaces HostKey resources of a deployed server: the host key partners see per algorithm, before and after',
  ),
  identityProvider: nullable(
    object({
      server: string('the logical id of the server'),
      from: string('IdentityProviderType before: SERVICE_MANAGED, AWS_LAMBDA'),
      to: string('IdentityProviderType after'),
      users: integer(
        'AWS::Transfer::User resources the switch removes (to AWS_LAMBDA) or creates (to SERVICE_MANAGED)',
      ),
      stacks: array(string(), 'the stacks that hold them: child stack logical ids, "(root stack)"'),
      allowed: boolean('--allow-identity-provider-change was given'),
    }),
    "set when the server's IdentityProviderType changes (docs/identity-provider.md#switching-modes)",
  ),
});

export const TEMPLATE_DIFF_SCHEMA: Schema = array(
  object({
    logicalId: string(),
    kind: stringEnum(['added', 'removed', 'changed']),
    type: string(),
    userName: nullable(string()),
    paths: array(string()),
    changes: array(
      object({
        path: string('from the resource: Properties.BucketName, DependsOn, …'),
        items: nullable(
          stringEnum(['elements', 'statements']),
          'set for a list (or a policy’s statements) whose elements differ; null for a value',
        ),
        before: anyValue('the old value; null when the key was absent (or for a list)'),
        after: anyValue('the new value; null when the key is absent (or for a list)'),
        removed: nullable(array(anyValue('an element'))),
        added: nullable(array(anyValue('an element'))),
      }),
    ),
  }),
);
