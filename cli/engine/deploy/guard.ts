// The deploy guard: every rule about what a deploy refuses, in one place.
// deploy and diff plan a change set (plan.ts), then judge it here; the
// engine (deploy.ts) refuses before executing, and deletes a change set it
// made when refused.
//
//   replacing or deleting a stateful resource   refused unless --allow-replace ID
//                                                (ID of a child stack's resource: Child/Id)
//   deleting a resource whose deployed          allowed, listed as kept: CloudFormation
//     DeletionPolicy is Retain or                 removes it from the stack and keeps it (and
//     RetainExceptOnCreate (it is gone from       its data) in the account (the DeletionPolicy
//     the new template; root or child stack)      attribute, below)
//   replacing such a resource                   refused as any replacement: the policy does
//                                                not apply, and the stack would point at a
//                                                new, empty resource (UpdateReplacePolicy
//                                                may keep the old one, outside the stack)
//   removing an SFTP user (its user file gone)  listed, never refused
//   a user moving between stacks                refused unless --allow-user-moves
//   userStacks changing while users exist       refused unless --allow-user-moves
//   the SFTP server's endpoint changing          refused unless --allow-endpoint-change
//     (EndpointType, VpcId, SubnetIds,           (CloudFormation stops the server, changes
//     AddressAllocationIds), or a ServerAddressN  it and starts it: an outage, and new
//     Elastic IP replaced or deleted              addresses partners must allow-list)
//     a deployed PUBLIC server switched to VPC:  the refusal also names the VPC's default
//                                                security group CloudFormation attaches, and
//                                                how to allocate addresses before the switch
//   more Elastic IPs than the region's quota    refused (no flag: raise the quota or reuse
//                                                addresses through addressAllocationIds)
//   the active host key of an algorithm         refused unless --allow-host-key-change
//     changing (a HostKey added, removed or       (Transfer Family presents the OLDEST key of
//     replaced), a new algorithm, or an           each algorithm: partners' known_hosts pins
//     algorithm's last key removed                must change; the refusal prints the
//                                                fingerprints before and after, per algorithm)
//   a HostKey added or removed that is not      allowed (partners see the same keys)
//     active before or after
//   the server's IdentityProviderType changing  refused unless --allow-identity-provider-change
//     (SERVICE_MANAGED ⇄ AWS_LAMBDA, in place)    (the refusal gives the plan: the forward
//                                                switch stages the function first, then
//                                                switches and removes the user resources;
//                                                the reverse leaves every user unable to log
//                                                in until their user resource exists)
//   the DirectoryBucket (the identity           replaced: refused unless --allow-replace
//     directory's history) replaced or deleted    DirectoryBucket (stateful, as every bucket);
//                                                deleted (the reverse switch): kept by its
//                                                DeletionPolicy Retain, so allowed and listed,
//                                                as IdentityLogGroup
//   security group rules changing               allowed (no outage)
//   anything else (adds, in-place updates,
//   replacing stateless resources)              allowed
//
// DeletionPolicy: "This capability also applies to stack update operations
// that lead to resources being deleted from stacks [...] doesn't apply to
// resources whose physical instance is replaced during stack update
// operations" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html);
// plan.ts reads the deployed template's policy (retainedOnDeletion).
import { SftpgwError, type Problem } from '../errors.js';
import { DEFAULT_QUOTAS } from '../endpoint/allow-list.js';
import { DEFAULT_IDENTITY_PROVIDER_TYPE } from './identity-switch.js';
import type {
  AddressSide,
  HostKeyAlgorithmChange,
  Plan,
  PlanFacts,
  PlanHostKey,
  PlannedChange,
} from './types.js';

/** How plan.ts names the root stack among child stacks. */
const ROOT_STACK = '(root stack)';

/** Resources that hold data or identity partners depend on (the identity directory's DirectoryBucket too). */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Transfer::Server', // its endpoint is what every partner has configured
  'AWS::Transfer::User',
  'AWS::Logs::LogGroup',
  'AWS::SQS::Queue',
]);

export function isStateful(type: string): boolean {
  return STATEFUL_TYPES.has(type);
}

/** What the guard lets through. */
export interface GuardOptions {
  /** Logical ids the guard lets be replaced or deleted (`Child/Id` inside a child stack). */
  allowReplace: readonly string[];
  /** Let users move between stacks (a userStacks change). */
  allowUserMoves?: boolean;
  /** Let the SFTP server's endpoint or addresses change (an outage; partners must be told). */
  allowEndpointChange?: boolean;
  /** Let the active host key of an algorithm change (partners must update their known_hosts). */
  allowHostKeyChange?: boolean;
  /** Let the server's IdentityProviderType change (docs/identity-provider.md#switching-modes). */
  allowIdentityProviderChange?: boolean;
}

const isUser = (c: PlannedChange) => c.type === 'AWS::Transfer::User';

/**
 * The change destroys a stateful resource: it is replaced, or deleted. A
 * removed user is not: its user file is gone on purpose and its home folder
 * stays in the bucket. Nor is a deletion its DeletionPolicy turns into
 * keeping it in the account (PlannedChange.retained).
 */
export function needsAllowance(c: PlannedChange): boolean {
  return (
    c.stateful &&
    (c.replacement || (c.action === 'remove' && !isUser(c) && c.retained === undefined))
  );
}

/** The guard's verdict on a plan's facts, as the plan deploy and diff print. */
export function guard(facts: PlanFacts, options: GuardOptions): Plan {
  const allowed = new Set(options.allowReplace);
  const allowMoves = options.allowUserMoves ?? false;
  const moved = new Set((facts.moves ?? []).map((m) => m.userName));
  // Changes inside child stacks are judged by their qualified id, Child/Id.
  const all = [
    ...facts.changes,
    ...(facts.nested ?? []).flatMap((n) =>
      n.changes.map((c) => ({ ...c, logicalId: `${n.stack}/${c.logicalId}` })),
    ),
  ];
  const plan: Plan = {
    changes: facts.changes,
    refused: all.filter((c) => needsAllowance(c) && !allowed.has(c.logicalId)),
    // A user that moves is not removed: it shows up in `moves`.
    removedUsers: all.filter(
      (c) => c.action === 'remove' && isUser(c) && !moved.has(c.userName ?? ''),
    ),
    retained: all.filter((c) => c.retained !== undefined),
  };
  const endpointChanges = facts.changes.filter((c) => c.endpoint !== undefined);
  if (endpointChanges.length > 0)
    plan.endpoint = { changes: endpointChanges, allowed: options.allowEndpointChange ?? false };
  if (facts.hostKeys)
    plan.hostKeys = { ...facts.hostKeys, allowed: options.allowHostKeyChange ?? false };
  if (facts.identityProvider)
    plan.identityProvider = {
      ...facts.identityProvider,
      allowed: options.allowIdentityProviderChange ?? false,
    };
  if (facts.nested === undefined) return plan;
  return {
    ...plan,
    nested: facts.nested,
    moves: allowMoves ? [] : (facts.moves ?? []),
    placementChange: allowMoves ? undefined : facts.placementChange,
  };
}

/** Whether the guard refuses the plan. */
export function isRefused(plan: Plan): boolean {
  return (
    plan.refused.length > 0 ||
    (plan.moves?.length ?? 0) > 0 ||
    plan.placementChange !== undefined ||
    (plan.endpoint !== undefined && !plan.endpoint.allowed) ||
    plan.addressQuota?.exceeded === true ||
    hostKeyRefused(plan) ||
    identityProviderRefused(plan)
  );
}

/** The server's IdentityProviderType changes and --allow-identity-provider-change was not given. */
export function identityProviderRefused(plan: Plan): boolean {
  return plan.identityProvider !== undefined && !plan.identityProvider.allowed;
}

/** Where the switch's user resources are: `in 2 child stacks`, `in the root stack`, … */
export function userStacksPhrase(stacks: readonly string[]): string {
  const children = stacks.filter((s) => s !== ROOT_STACK).length;
  const root = stacks.includes(ROOT_STACK);
  const kids = `${children} child stack${children === 1 ? '' : 's'}`;
  if (root && children > 0) return `in the root stack and ${kids}`;
  return root ? 'in the root stack' : children > 0 ? `in ${kids}` : 'in no stack';
}

/** The switch in words: the type's change, and the plan (forward) or who is unavailable (reverse). */
export function identityProviderProblems(plan: Plan): Problem[] {
  const s = plan.identityProvider;
  if (!s) return [];
  const users = `${s.users} AWS::Transfer::User resource${s.users === 1 ? '' : 's'} ${userStacksPhrase(s.stacks)}`;
  if (s.to !== DEFAULT_IDENTITY_PROVIDER_TYPE)
    return [
      {
        field: s.server,
        message: `IdentityProviderType ${s.from} → ${s.to} (updated in place: same server, endpoint and host keys)`,
      },
      {
        field: 'plan',
        message: [
          '1. stage the function, its permission and the directory (no one affected), upload the directory and invoke the function: a known user allowed, an unknown one denied',
          '2. switch the server to the function (logins during the update may fail)',
          `3. remove ${users} after the function answers (the same change set's cleanup, after the server switched)`,
        ].join('\n      '),
      },
    ];
  return [
    { field: s.server, message: `IdentityProviderType ${s.from} → ${s.to} (updated in place)` },
    {
      field: 'unavailable',
      message: `every user from the switch until their AWS::Transfer::User is created (${s.users} user${s.users === 1 ? '' : 's'}, ${userStacksPhrase(s.stacks).replace(/^in /, '')})`,
    },
  ];
}

function identityProviderRefusal(plan: Plan, stackName: string): SftpgwError {
  const reverse = plan.identityProvider!.to === DEFAULT_IDENTITY_PROVIDER_TYPE;
  return new SftpgwError(
    'failed',
    `refused: the change to ${stackName} switches the SFTP server's identity provider`,
    {
      hint: `nothing was changed. If this is intended${reverse ? ' (schedule it)' : ''}: --allow-identity-provider-change (docs/identity-provider.md#switching-modes)`,
      problems: identityProviderProblems(plan),
    },
  );
}

/** An active host key changes and --allow-host-key-change was not given. */
export function hostKeyRefused(plan: Plan): boolean {
  return (plan.hostKeys?.algorithms.length ?? 0) > 0 && !plan.hostKeys!.allowed;
}

/** One side of a host-key change: `SHA256:… (HostKeyEd25519a1b2c3, from secret sftpgw/host-keys/ed25519)`. */
export function hostKeyLine(k: PlanHostKey | undefined): string {
  if (!k) return 'none (no key of this algorithm)';
  const where = [
    k.logicalId ?? (k.id ? 'not in the stack' : undefined),
    k.id,
    k.secretId ? `from secret ${k.secretId}` : k.id ? undefined : 'imported by this deploy',
  ].filter(Boolean);
  return `${k.fingerprint}${where.length ? ` (${where.join(', ')})` : ''}`;
}

/** What partners see change for one algorithm, in words. */
export function hostKeyChangeWhat(c: HostKeyAlgorithmChange): string {
  if (!c.before)
    return `a new algorithm: clients that prefer ${c.algorithm} keys will be shown this key, which they never pinned`;
  if (!c.after)
    return `its last key goes: clients that pinned it switch to a key of another algorithm, or cannot connect`;
  return 'the key partners are shown changes';
}

/** Per algorithm: the fingerprints before and after, as problems of the refusal. */
export function hostKeyProblems(plan: Plan): Problem[] {
  return (plan.hostKeys?.algorithms ?? []).flatMap((c) => [
    { field: `${c.algorithm} host key`, message: hostKeyChangeWhat(c) },
    { field: `${c.algorithm} before`, message: hostKeyLine(c.before) },
    { field: `${c.algorithm} after`, message: hostKeyLine(c.after) },
  ]);
}

/** What partners must do about a host-key change. */
export const HOST_KEY_ADVICE =
  "partners who pinned the server's host key (known_hosts, a fingerprint in their SFTP client) must trust the keys after (their fingerprints are above) before the change, or their clients refuse to connect: a changed host key looks like an attack. They can trust old and new at once (one known_hosts line per key); the public key line of a key to import: ssh-keygen -y -f <its private key file>";

function hostKeyRefusal(plan: Plan, stackName: string): SftpgwError {
  const n = plan.hostKeys!.algorithms.length;
  return new SftpgwError(
    'failed',
    `refused: the change to ${stackName} changes the host key partners see for ${n} algorithm${n === 1 ? '' : 's'} (${plan.hostKeys!.algorithms.map((c) => c.algorithm).join(', ')})`,
    {
      hint: `nothing was changed. Transfer Family presents the oldest host key of each algorithm; ${HOST_KEY_ADVICE}. Then deploy again with --allow-host-key-change (docs/keys.md#rotating-the-servers-host-key)`,
      problems: hostKeyProblems(plan),
    },
  );
}

/** One side of a partner notice as a line: `203.0.113.10, 203.0.113.11 (VPC)`. */
export function addressLine(side: AddressSide): string {
  const parts = [
    ...side.addresses,
    ...side.pending.map(
      (id) => `${id}: allocated by the deploy, its address is known only after it`,
    ),
    ...side.unknown.map((u) => `${u}: not found in the account`),
  ];
  if (parts.length === 0)
    return side.endpointType === 'PUBLIC'
      ? 'no fixed addresses (PUBLIC endpoint: AWS assigns them and may change them)'
      : `no public addresses (${side.endpointType} endpoint)`;
  return `${parts.join(', ')} (${side.endpointType})`;
}

/** What partners must be told, as problems of an error or lines of a plan. */
export function partnerNoticeLines(plan: Plan): Problem[] {
  const notice = plan.endpoint?.notice;
  if (!notice) return [];
  return [
    { field: 'addresses before', message: addressLine(notice.before) },
    { field: 'addresses after', message: addressLine(notice.after) },
  ];
}

/**
 * New addresses the deploy would allocate cannot be announced before it: the
 * advice is to allocate them first and give them to the stack.
 */
export const ALLOCATE_FIRST =
  'these addresses would be allocated by the deploy, so partners cannot allow-list them before the switch. Allocate the Elastic IPs first, one per subnet (aws ec2 allocate-address --domain vpc), give their allocation ids in subnet order as server.endpoint.addressAllocationIds in sftpgw.yaml, and run sftpgw diff: it lists their addresses here (sftpgw info does too before a first deploy). Announce them to your partners, then switch';

/**
 * The VPC's default security group on a PUBLIC → VPC switch in place, and
 * what to do about it. CloudFormation's provider for AWS::Transfer::Server
 * sends no SecurityGroupIds to UpdateServer, so Transfer Family gives the new
 * endpoint the VPC's default group; ModifyVpcEndpoint then adds the
 * template's groups and removes only the previous model's (none). See
 * docs/endpoint.md#switching-a-deployed-public-server-to-vpc for the sources.
 */
export function defaultSecurityGroupProblem(c: PlannedChange): Problem | undefined {
  const s = c.vpcSwitch;
  if (!s) return undefined;
  const vpc = s.vpcId ?? 'the VPC';
  const perInterface = DEFAULT_QUOTAS.groupsPerInterface;
  const total = s.securityGroups + 1;
  const over =
    total > perInterface
      ? `The default group and the template's ${s.securityGroups} make ${total}, over EC2's quota of ${perInterface} security groups per network interface: the update fails and is rolled back. Where the quota is raised`
      : 'Then';
  return {
    field: 'default security group',
    message: `switching the deployed server to VPC in place, CloudFormation attaches the default security group of ${vpc} to the endpoint (its provider sends no SecurityGroupIds to UpdateServer, and ModifyVpcEndpoint adds the template's ${s.securityGroups} groups and removes only the previous ones: none). ${over}, the default group stays attached: it admits whatever its members send, on any port, not TCP 22 from the allowed networks only`,
    hint: `either (a) leave room for it on the switch and detach it after: raise the quota "Security groups per network interface" to at least ${total} (Service Quotas → Amazon Virtual Private Cloud), deploy with --allow-endpoint-change, then detach it: aws ec2 modify-vpc-endpoint --vpc-endpoint-id <VPCE> --remove-security-group-ids <DEFAULT_SG>, where <DEFAULT_SG> is aws ec2 describe-security-groups --filters Name=vpc-id,Values=${s.vpcId ?? '<vpc id>'} Name=group-name,Values=default --query 'SecurityGroups[0].GroupId' --output text and <VPCE> is aws transfer describe-server --server-id <the stack output ServerId> --query Server.EndpointDetails.VpcEndpointId --output text; or (b) a new server: deploy the VPC gateway as a new stack (a server created with its groups gets only those), move your partners to it (its host name and host keys are new), then retire this one. See docs/endpoint.md#switching-a-deployed-public-server-to-vpc`,
  };
}

function endpointRefusal(plan: Plan, stackName: string): SftpgwError {
  const changes = plan.endpoint?.changes ?? [];
  const notice = partnerNoticeLines(plan);
  // Addresses the deploy allocates cannot be told before it.
  const allocating = (plan.endpoint?.notice?.after.pending.length ?? 0) > 0;
  if (allocating) notice[1] = { ...notice[1], hint: ALLOCATE_FIRST };
  const defaultGroup = changes.flatMap((c) => defaultSecurityGroupProblem(c) ?? []);
  const tell = allocating
    ? 'Once they know the new addresses (see addresses after)'
    : 'Tell them the addresses above';
  const also = defaultGroup.length > 0 ? ' (and see default security group above)' : '';
  return new SftpgwError(
    'failed',
    `refused: the change to ${stackName} would stop the SFTP server and change its endpoint or addresses`,
    {
      hint: `nothing was changed. CloudFormation stops the server, changes its endpoint or addresses and starts it again: partners cannot connect meanwhile, and those who allow-list the server's addresses must add the new ones first. ${tell}, then deploy again${also} with --allow-endpoint-change`,
      problems: [
        ...changes.map((c) => ({ field: c.logicalId, message: `${c.type}: ${c.endpoint}` })),
        ...notice,
        ...defaultGroup,
      ],
    },
  );
}

function quotaRefusal(plan: Plan, stackName: string): SftpgwError {
  const q = plan.addressQuota!;
  const from = {
    'service-quotas': 'Service Quotas, EC2 "EC2-VPC Elastic IPs" (L-0263D0A3)',
    'account-attribute': 'the EC2 account attribute vpc-max-elastic-ips',
    default: 'the default: Service Quotas and EC2 could not be asked',
  }[q.source];
  return new SftpgwError(
    'failed',
    `refused: the change to ${stackName} allocates ${q.adding} Elastic IP${q.adding === 1 ? '' : 's'}; the account holds ${q.allocated} in this region and its quota is ${q.limit} (${from})`,
    {
      hint: 'nothing was changed. Release unused Elastic IPs, reuse existing ones through server.endpoint.addressAllocationIds in sftpgw.yaml (addresses a deleted stack retained, too), or ask for more: Service Quotas console → Amazon EC2 → "EC2-VPC Elastic IPs" (L-0263D0A3), or aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value N',
    },
  );
}

/** The flags that would let a deploy through the refused replacements. */
export function allowReplaceFlags(plan: Plan): string {
  return plan.refused.map((c) => `--allow-replace ${c.logicalId}`).join(' ');
}

/** Why the guard refuses the plan, and what to pass to allow it. */
export function refusal(plan: Plan, stackName: string): SftpgwError {
  const moves = plan.moves ?? [];
  const movesRefused = moves.length > 0 || plan.placementChange !== undefined;
  if (plan.refused.length === 0 && !movesRefused) {
    if (plan.endpoint && !plan.endpoint.allowed) return endpointRefusal(plan, stackName);
    if (plan.addressQuota?.exceeded) return quotaRefusal(plan, stackName);
    if (hostKeyRefused(plan)) return hostKeyRefusal(plan, stackName);
    if (identityProviderRefused(plan)) return identityProviderRefusal(plan, stackName);
  }
  if (plan.refused.length === 0 && (moves.length > 0 || plan.placementChange)) {
    const p = plan.placementChange;
    const problems: Problem[] = moves
      .slice(0, 10)
      .map((m) => ({ field: m.userName, message: `${m.from} → ${m.to}` }));
    if (moves.length > 10) problems.push({ field: '…', message: `and ${moves.length - 10} more` });
    return new SftpgwError(
      'failed',
      `refused: the change to ${stackName} would move ${moves.length} SFTP user${moves.length === 1 ? '' : 's'} between stacks${p ? ` (userStacks ${p.from || 'unset'} → ${p.to || 'unset'})` : ''}`,
      {
        hint: 'a Transfer user moved between stacks is created in the new stack while the old one still holds its name: the deploy fails or the user is dropped. Nothing was changed. To change the layout on purpose, follow docs/users.md#many-users-child-stacks of sftpgw (two deploys) and pass --allow-user-moves',
        problems,
      },
    );
  }
  // A replacement sftpgw.yaml can avoid says how, before the flag that allows it.
  const keep = plan.refused.filter((c) => c.keep !== undefined);
  // A switch of the identity provider refused as well (e.g. with a stateful
  // resource replaced, or deleted without a Retain policy): both said at once.
  const identity = identityProviderRefused(plan);
  return new SftpgwError(
    'failed',
    `refused: the change to ${stackName} would replace or delete ${plan.refused.length} stateful resource${plan.refused.length === 1 ? '' : 's'}`,
    {
      hint: `nothing was changed. ${keep.map((c) => `To keep ${c.logicalId}: ${c.keep}. `).join('')}If this is intended, allow each one: ${allowReplaceFlags(plan)}${identity ? ' --allow-identity-provider-change (the change also switches the identity provider: docs/identity-provider.md#switching-modes)' : ''}`,
      problems: [
        ...plan.refused.map((c) => ({
          field: c.logicalId,
          message: `${c.type} would be ${c.action === 'remove' ? 'deleted' : `replaced (${c.why})`}${c.keep ? `: ${c.keep}` : ''}`,
        })),
        ...(identity ? identityProviderProblems(plan) : []),
      ],
    },
  );
}
