// One SFTP user's home as the baseline compares homes (rules/transfer/user-homes.ts):
// a type of its own, so that what a baseline rule sees (../baseline-rule.ts)
// can carry the gateway's homes without importing the rule that finds them.
import type { CfnResource } from '../../../template/types.js';

export interface UserHome {
  /** The AWS::Transfer::User resource (findings are matched to it by identity). */
  resource: CfnResource;
  /** Its logical id, prefixed with its child stack's (Users07/UserAlice) when in one. */
  where: string;
  /** The username (UserName), else the logical id. */
  user: string;
  /** The home as a comparable path: Fn::Sub variables replaced by what they stand for. */
  key: string;
  /** The home as shown: the folder in the bucket when the target is /${Bucket}/<folder>. */
  shown: string;
}
