// sftpgw users keys: every key of every user file with its state on the
// build's date, and which keys match what a scheduled pipeline asks
// (--expiring DAYS, --expired). The rows come from keysOf
// (./key-lifetimes.ts), where a key's state is decided for the build too;
// `--deployed` compares them with the keys the deployed stack holds
// (./deployed-keys.ts): an expired key still deployed means a deploy is due.
// On a lambda gateway (the deployed template's Metadata.sftpgw says so) the
// comparison is with the deployed directory instead (../identity/
// deployed-directory.ts): "deployed" is then "the directory still trusts the
// key today" — the function checks each key's own expiry at login, so an
// expired key in the directory is harmless unless the directory gives it a
// later date (or none) than the user file now does.
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { today as clockToday } from '../clock.js';
import { loadConfig, type ConfigOptions } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Reporter } from '../reporter.js';
import { keysOf, type KeyRow } from './key-lifetimes.js';
import { type DeployedStacks, findDeployed, readDeployedKeys } from './deployed-keys.js';
import { readUsers } from './manage.js';
import { deployedParts } from '../deployed-parts.js';
import {
  type DeployedDirectory,
  type DirectoryStores,
  deployedDirectoryOf,
} from '../identity/deployed-directory.js';
import type { TemplateIdentityProvider } from '../template/gateway-metadata.js';
import { keyLineFingerprint } from './deployed-keys.js';

/** What the caller asks about; neither: list only. */
export interface KeyCondition {
  /** A key expires within this many days (from today, its last valid day counted; not yet expired). */
  expiring?: number;
  /** An expired key is still in a user file. */
  expired?: boolean;
  /** An expired key is still among the deployed users' keys (the stack's templates). */
  deployed?: boolean;
}

/** A listed key; with --deployed, whether the deployed stacks still hold it for its user. */
export interface ListedKey extends KeyRow {
  /**
   * Where the deployed templates hold this user's key (logicalId: its
   * AWS::Transfer::User), or on a lambda gateway the directory version that
   * trusts it (directoryVersion); undefined: --deployed not asked, or not deployed.
   */
  deployedIn?: { stack: string; logicalId?: string; directoryVersion?: string };
  /** With --deployed: true when the deployed stacks hold it. undefined: not asked. */
  deployed?: boolean;
}

/** What --deployed compared with. */
export interface DeployedComparison {
  /** The root stack (--stack-name, else the environment's stackName). */
  stackName: string;
  /** Every stack whose template was read: the root, then its child stacks. */
  stacks: string[];
  /** Who answers logins on the deployed gateway. */
  identityProvider: TemplateIdentityProvider;
  /** Lambda mode: the directory compared with (its object, version and time). */
  directory?: Omit<DeployedDirectory, 'directory' | 'stackName'>;
}

export interface KeyListing {
  /** The UTC date the states are for. */
  today: string;
  /** users.keyExpiryWarningDays: the window of the `expiring` state. */
  warningDays: number;
  rows: ListedKey[];
  /** The rows that match the condition asked (empty when none was asked). */
  matching: ListedKey[];
  /** With --deployed: the stacks compared with. */
  deployed?: DeployedComparison;
}

/** True when the row matches the condition (either part of it). */
export function matchesCondition(row: ListedKey, c: KeyCondition): boolean {
  if (c.expired && row.state === 'expired') return true;
  if (c.deployed && row.state === 'expired' && row.deployed === true) return true;
  if (c.expiring !== undefined && row.daysLeft !== undefined)
    return row.daysLeft >= 0 && row.daysLeft <= c.expiring;
  return false;
}

export async function listKeys(
  opts: ConfigOptions & KeyCondition & { stackName?: string },
  deps: {
    jsonnet: JsonnetEngine;
    reporter: Reporter;
    /** Needed with --deployed: made once the config (its region) is known. */
    stacks?: (config: ResolvedConfig) => Promise<DeployedStacks> | DeployedStacks;
    /** Needed with --deployed on a lambda gateway: the directory object's store of a bucket. */
    directories?: (config: ResolvedConfig) => DirectoryStores;
  },
): Promise<KeyListing> {
  const today = clockToday({ today: opts.today, environment: opts.environment });
  const config = await loadConfig(opts, deps.reporter);
  const users = await readUsers(config.usersDir, config.projectDir, deps.jsonnet);
  const warningDays = config.users.keyExpiryWarningDays;
  const rows = keysOf(
    users.map((u) => ({ name: u.name, file: u.file, keys: u.spec.keys, checked: u.checked })),
    today,
    warningDays,
  );
  if (!opts.deployed)
    return { today, warningDays, rows, matching: rows.filter((r) => matchesCondition(r, opts)) };
  if (!deps.stacks) throw new Error('listKeys: --deployed needs the deployed stacks');
  const stackName = opts.stackName ?? config.stackName;
  const stacks = await deps.stacks(config);
  const parts = await deployedParts(stacks, stackName);
  if (parts.identityProvider === 'lambda') {
    if (!deps.directories) throw new Error('listKeys: --deployed needs the directory store');
    const read = await deployedDirectoryOf(parts, deps.directories(config));
    const listed = rows.map((r) => directoryTrust(r, read, today));
    const { directory: _d, stackName: _s, ...where } = read;
    return {
      today,
      warningDays,
      rows: listed,
      matching: listed.filter((r) => matchesCondition(r, opts)),
      deployed: { stackName, stacks: [stackName], identityProvider: 'lambda', directory: where },
    };
  }
  const deployed = await readDeployedKeys(stacks, stackName);
  const listed: ListedKey[] = rows.map((r) => {
    const at = findDeployed(deployed, r.user, r.fingerprint);
    return at
      ? { ...r, deployed: true, deployedIn: { stack: at.stack, logicalId: at.logicalId } }
      : { ...r, deployed: false };
  });
  return {
    today,
    warningDays,
    rows: listed,
    matching: listed.filter((r) => matchesCondition(r, opts)),
    deployed: { stackName, stacks: deployed.stacks, identityProvider: parts.identityProvider },
  };
}

/** A file's key against the deployed directory: deployed = the directory lets its owner in with it today. */
function directoryTrust(r: KeyRow, read: DeployedDirectory, today: string): ListedKey {
  const user = read.directory.users[r.user];
  const trusted = user?.keys.some(
    (k) =>
      keyLineFingerprint(k.key) === r.fingerprint && (k.expires === null || today <= k.expires),
  );
  return trusted
    ? {
        ...r,
        deployed: true,
        deployedIn: {
          stack: read.stackName,
          ...(read.versionId ? { directoryVersion: read.versionId } : {}),
        },
      }
    : { ...r, deployed: false };
}
