// Which child stack holds a user, when users live in child stacks
// (`userStacks: N` in sftpgw.yaml). The stack is a hash of the username
// modulo N, N fixed in the config:
//   - stable: adding or removing users never moves anyone else (a Transfer
//     user moved between stacks is created in the new stack while the old one
//     still holds the name: the deploy fails or the user is dropped);
//   - stateless: no placement file to commit, merge or forget; CI and a
//     laptop place every user the same way;
//   - even: SHA-256 spreads names evenly (10,000 users in 32 stacks: ~313
//     each, the fullest well under the 450 we allow, CloudFormation 500).
// Changing N moves most users: the deploy guard refuses it unless allowed.
import { createHash } from 'node:crypto';

/** Users per child stack we allow: CloudFormation's 500 resources, with headroom. */
export const MAX_USERS_PER_STACK = 450;
/** Resources the root stack may hold before users must move to child stacks. */
export const MAX_ROOT_RESOURCES = 450;

export function userStackIndex(username: string, stacks: number): number {
  return createHash('sha256').update(username).digest().readUInt32BE(0) % stacks;
}

export interface UserStack {
  index: number;
  /** Logical id of the AWS::CloudFormation::Stack in the root: Users07. */
  id: string;
  /** Child template file beside the root template: users-07.json. */
  file: string;
}

export function userStack(index: number, stacks: number, ext = 'json'): UserStack {
  const n = String(index).padStart(String(stacks - 1).length, '0');
  return { index, id: `Users${n}`, file: `users-${n}.${ext}` };
}
