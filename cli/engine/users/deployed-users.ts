// `sftpgw users list --deployed`: the users a lambda gateway answers logins
// for, from its deployed directory (../identity/deployed-directory.ts), in
// the shape `users list` shows the user files: what the function would let
// in, which may lag behind the files until the next deploy. A
// service-managed gateway's users are its stack's AWS::Transfer::User
// resources: `users keys --deployed` compares their keys; this listing is for
// the directory only. Nothing of a key but its type, fingerprint and comment,
// and of a password only whether there is one.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DirectoryUser } from '../../../shared/identity/directory.js';
import { loadConfig, type ConfigOptions } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { deployedParts } from '../deployed-parts.js';
import { SftpgwError } from '../errors.js';
import {
  type DeployedDirectory,
  type DirectoryStores,
  deployedDirectoryOf,
} from '../identity/deployed-directory.js';
import { displayPath } from '../paths.js';
import type { Reporter } from '../reporter.js';
import { type DeployedStacks, keyLineFingerprint } from './deployed-keys.js';
import { keyState, type KeyState } from './key-lifetimes.js';
import { USER_FILE_EXTENSION } from './discover.js';

export interface DeployedUserKey {
  type: string;
  fingerprint: string;
  comment?: string;
  expires?: string;
  /** On the date listed as: expired keys stay in a directory, and the function refuses them. */
  state: KeyState;
}

export interface DeployedUser {
  name: string;
  keys: DeployedUserKey[];
  /** The home folder under the gateway bucket (the "/" mapping's target without /${Bucket}/). */
  homeDirectory: string;
  readOnly: boolean;
  /** The user's own networks; empty: any the endpoint admits. */
  allowedSourceCidrs: string[];
  /** The user has a password hash (answered only when the directory's passwords is true). */
  password: boolean;
  /** The project's user file of that name, when there is one (as shown); undefined: none (removed since the deploy?). */
  file?: string;
}

export interface DeployedUserListing {
  today: string;
  directory: Omit<DeployedDirectory, 'directory'>;
  /** The directory's passwords switch. */
  passwords: boolean;
  users: DeployedUser[];
}

/** "partner-a" from [{ Entry: "/", Target: "/${Bucket}/partner-a" }]; else the first Target as it is. */
export function homeOf(user: DirectoryUser): string {
  const root = user.home.find((h) => h.Entry === '/') ?? user.home[0];
  const target = root?.Target ?? '';
  return target.startsWith('/${Bucket}/') ? target.slice('/${Bucket}/'.length) : target;
}

function keyOf(line: string, expires: string | null, today: string, warningDays: number) {
  const [type, , ...comment] = line.trim().split(/\s+/);
  const key: DeployedUserKey = {
    type,
    fingerprint: keyLineFingerprint(line) ?? '(not a key)',
    ...(comment.length > 0 ? { comment: comment.join(' ') } : {}),
    ...(expires !== null ? { expires } : {}),
    state: keyState(expires ?? undefined, today, warningDays).state,
  };
  return key;
}

export async function listDeployedUsers(
  opts: ConfigOptions & { stackName?: string; today: string },
  deps: {
    reporter: Reporter;
    stacks: (config: ResolvedConfig) => Promise<DeployedStacks> | DeployedStacks;
    directories: (config: ResolvedConfig) => DirectoryStores;
  },
): Promise<DeployedUserListing> {
  const config = await loadConfig(opts, deps.reporter);
  const stackName = opts.stackName ?? config.stackName;
  const parts = await deployedParts(await deps.stacks(config), stackName);
  if (parts.identityProvider !== 'lambda')
    throw new SftpgwError(
      'failed',
      `stack ${stackName} is ${parts.identityProvider === 'staging' ? 'being switched to a lambda identity provider (staging): its server still answers from its Transfer users' : 'a service-managed gateway'}: it has no deployed directory to list`,
      {
        hint: 'sftpgw users list shows the user files; sftpgw users keys --deployed compares their keys with the deployed users (docs/keys.md)',
      },
    );
  const read = await deployedDirectoryOf(parts, deps.directories(config));
  const warningDays = config.users.keyExpiryWarningDays;
  const users = Object.entries(read.directory.users)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, u]): DeployedUser => {
      const file = path.join(config.usersDir, `${name}${USER_FILE_EXTENSION}`);
      return {
        name,
        keys: u.keys.map((k) => keyOf(k.key, k.expires, opts.today, warningDays)),
        homeDirectory: homeOf(u),
        readOnly: u.readOnly,
        allowedSourceCidrs: u.cidrs ?? [],
        password: u.passwordHash !== undefined,
        ...(existsSync(file) ? { file: displayPath(file) } : {}),
      };
    });
  const { directory, ...where } = read;
  return { today: opts.today, directory: where, passwords: directory.passwords, users };
}
