// The user keys a deployed gateway holds, read from the templates its last
// deploy left (`sftpgw users keys --deployed`): the root stack's template
// and, with userStacks, each child stack's (AWS::CloudFormation::Stack
// resources of the root). One GetTemplate per stack shows exactly what the
// last deploy set on every AWS::Transfer::User, where Transfer's DescribeUser
// would be one call per user (slow for hundreds) and would also show keys
// added by hand outside the stack, which a deploy does not remove anyway.
//
// Transfer Family service-managed users have no expiry on a key: a key the
// user files say expired still lets its owner in until a deploy removes it
// (docs/keys.md#what-service-managed-users-cannot-do). This is the check that
// such a deploy is due.
import type { DeployedResource } from '../../adapters/aws/stack-resources.js';
import { fingerprint } from '../../../shared/ssh/fingerprint.js';
import { SftpgwError } from '../errors.js';
import { readTemplateText } from '../template/read.js';

/** What the check reads of CloudFormation (cli/adapters/aws/stack-resources.ts: DescribeStackResources, GetTemplate). */
export interface DeployedStacks {
  /** The stack's resources by logical id; undefined when the stack does not exist. */
  resources(stackName: string): Promise<Record<string, DeployedResource> | undefined>;
  /** The deployed template's text; undefined when the stack does not exist. */
  template(stackName: string): Promise<string | undefined>;
}

/** One key of one deployed user. */
export interface DeployedUserKey {
  user: string;
  /** SHA256:… of the key line's blob (its comment plays no part). */
  fingerprint: string;
  /** The stack whose template holds the user: the root or a child stack. */
  stack: string;
  /** The AWS::Transfer::User's logical id in that template. */
  logicalId: string;
}

export interface DeployedKeys {
  /** The root stack asked about. */
  stackName: string;
  /** Every stack read: the root first, then its child stacks. */
  stacks: string[];
  keys: DeployedUserKey[];
}

/**
 * The fingerprint of a public key line as Transfer stores it ("type base64
 * [comment]"): of the base64 blob, so two lines that differ only in their
 * comment or spacing are the same key. undefined when the line is not one.
 */
export function keyLineFingerprint(line: string): string | undefined {
  const [type, blob64] = line.trim().split(/\s+/, 2);
  if (!type || !blob64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob64)) return undefined;
  const blob = Buffer.from(blob64, 'base64');
  // The blob starts with its own type: a line whose type word and blob disagree is not a key.
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + len).toString('latin1') !== type) return undefined;
  return fingerprint(blob);
}

/** "fixture-sharded-Users07-ABC" from a child stack's physical id (its ARN), else the id itself. */
export function stackNameOf(physicalId: string): string {
  const m = /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\/([^/]+)\//.exec(physicalId);
  return m ? m[1] : physicalId;
}

/** The users' keys in one template. Entries that are not literal key lines (sftpgw writes literal ones) are skipped. */
export function keysInTemplate(text: string, stack: string): DeployedUserKey[] {
  const template = readTemplateText(text, `the deployed template of ${stack}`);
  const keys: DeployedUserKey[] = [];
  for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
    if (r?.Type !== 'AWS::Transfer::User') continue;
    const props = (r.Properties ?? {}) as { UserName?: unknown; SshPublicKeys?: unknown };
    if (typeof props.UserName !== 'string' || !Array.isArray(props.SshPublicKeys)) continue;
    for (const line of props.SshPublicKeys) {
      const fp = typeof line === 'string' ? keyLineFingerprint(line) : undefined;
      if (fp) keys.push({ user: props.UserName, fingerprint: fp, stack, logicalId });
    }
  }
  return keys;
}

/** Every user key the deployed stack and its child stacks hold, as their templates say. */
export async function readDeployedKeys(
  stacks: DeployedStacks,
  stackName: string,
): Promise<DeployedKeys> {
  const missing = () =>
    new SftpgwError('failed', `stack ${stackName} does not exist`, {
      hint: 'deploy the gateway first (sftpgw deploy); check --stack-name, --env and --region',
    });
  const resources = await stacks.resources(stackName);
  const rootText = resources && (await stacks.template(stackName));
  if (!resources || rootText === undefined) throw missing();
  const read = [stackName];
  const keys = keysInTemplate(rootText, stackName);
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.type !== 'AWS::CloudFormation::Stack') continue;
    const child = stackNameOf(r.physicalId);
    // GetTemplate takes the child's ARN (its physical id) as its name.
    const text = await stacks.template(r.physicalId);
    if (text === undefined)
      throw new SftpgwError(
        'failed',
        `child stack ${child} (${logicalId} of ${stackName}) does not exist`,
        {
          hint: 'the last deploy of the gateway did not finish: look at the stack in the CloudFormation console, then deploy again',
        },
      );
    read.push(child);
    keys.push(...keysInTemplate(text, child));
  }
  return { stackName, stacks: read, keys };
}

/** The deployed key of this user with this fingerprint, if the stacks hold it. */
export function findDeployed(
  deployed: DeployedKeys,
  user: string,
  fp: string,
): DeployedUserKey | undefined {
  return deployed.keys.find((k) => k.user === user && k.fingerprint === fp);
}
