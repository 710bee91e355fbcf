// The directory a lambda-mode gateway answers logins from, as deployed: the
// current version of directory.json in the stack's DirectoryBucket (found
// through Metadata.sftpgw.ids.directoryBucket, cli/engine/deployed-parts.ts).
// `sftpgw info`, `users list --deployed` and `users keys --deployed` read it
// here. It is checked with the function's own parser (shared/identity/
// directory.ts), so what the commands show is what the function would
// accept; a document it would refuse is an error naming the bucket, key and
// version, and what to do. Errors never carry the object's text: it holds
// password hashes and every user's keys (JSON.parse's message quotes the
// text around a fault, so it is not passed on).
import type { DirectoryStore } from '../../adapters/aws/directory-store.js';
import {
  checkDirectory,
  DirectoryError,
  type Directory,
} from '../../../shared/identity/directory.js';
import type { DeployedParts } from '../deployed-parts.js';
import { SftpgwError } from '../errors.js';

/** The object's key in DirectoryBucket (the function's DIRECTORY_KEY). */
export const DIRECTORY_OBJECT_KEY = 'directory.json';

/** Makes the store of one bucket (cli/adapters/aws/directory-store.ts over the SDK). */
export type DirectoryStores = (bucket: string) => DirectoryStore | Promise<DirectoryStore>;

export interface DeployedDirectory {
  stackName: string;
  bucket: string;
  key: string;
  /** The current object version's id; undefined when the bucket is not versioned. */
  versionId?: string;
  /** When that version was written; undefined when S3 would not say. */
  lastModified?: Date;
  /** The object's size in bytes. */
  bytes: number;
  directory: Directory;
}

/** s3://bucket/directory.json */
export const directoryUrl = (d: { bucket: string; key?: string }): string =>
  `s3://${d.bucket}/${d.key ?? DIRECTORY_OBJECT_KEY}`;

/** "version 3HL4kq… of 2026-12-07T11:02:13Z" (either part may be unknown). */
export function versionText(d: Pick<DeployedDirectory, 'versionId' | 'lastModified'>): string {
  const time = d.lastModified ? d.lastModified.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
  if (d.versionId && time) return `version ${d.versionId} of ${time}`;
  if (d.versionId) return `version ${d.versionId}`;
  return time ? `written ${time} (unversioned)` : 'version unknown';
}

/** The deployed directory of a lambda-mode (or staging) stack whose parts are known. */
export async function deployedDirectoryOf(
  parts: DeployedParts,
  stores: DirectoryStores,
): Promise<DeployedDirectory> {
  const bucket = parts.require('directoryBucket');
  return readDeployedDirectory(parts.stackName, bucket, await stores(bucket));
}

export async function readDeployedDirectory(
  stackName: string,
  bucket: string,
  store: DirectoryStore,
): Promise<DeployedDirectory> {
  const url = directoryUrl({ bucket });
  let read: Awaited<ReturnType<DirectoryStore['read']>>;
  try {
    read = await store.read();
  } catch (err) {
    // The store's own errors (a bucket that is gone) already name the object and what to do.
    if (err instanceof SftpgwError) throw err;
    // The SDK's clients add the call's IAM action (cli/adapters/aws/clients.ts).
    const e = err as { name?: string; message?: string; $action?: string };
    throw new SftpgwError(
      'failed',
      `could not read the directory of stack ${stackName}, ${url}${e.$action ? ` (${e.$action})` : ''}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
      {
        cause: err,
        hint: `the caller needs s3:GetObject on ${url} and kms:Decrypt on the gateway key (docs/deploy.md); S3 answers AccessDenied for a missing object too when the caller may not list the bucket, and sftpgw deploy uploads the directory`,
      },
    );
  }
  if (!read)
    throw new SftpgwError(
      'failed',
      `stack ${stackName} has no directory yet: ${url} does not exist, so its identity function denies every login`,
      {
        hint: 'deploy the gateway (sftpgw deploy): it uploads the directory built from the user files after its change set (docs/identity-provider.md)',
      },
    );
  const lastModified = read.lastModified ?? (await latestVersionTime(store, read.versionId));
  const where = `${url} (${versionText({ versionId: read.versionId, lastModified })})`;
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    throw corrupt(
      stackName,
      where,
      `not JSON (${Buffer.byteLength(read.text)} bytes that do not parse)`,
    );
  }
  let directory: Directory;
  try {
    directory = checkDirectory(value);
  } catch (err) {
    if (!(err instanceof DirectoryError)) throw err;
    throw corrupt(stackName, where, err.message.replace(/^directory: /, ''));
  }
  return {
    stackName,
    bucket,
    key: DIRECTORY_OBJECT_KEY,
    ...(read.versionId ? { versionId: read.versionId } : {}),
    ...(lastModified ? { lastModified } : {}),
    bytes: Buffer.byteLength(read.text),
    directory,
  };
}

function corrupt(stackName: string, where: string, problem: string): SftpgwError {
  return new SftpgwError(
    'failed',
    `the directory of stack ${stackName}, ${where}, is not one the identity function accepts (it denies every login while this is the current version): ${problem}`,
    {
      hint: 'deploy the gateway (sftpgw deploy) to upload the directory built from the user files; if a tool or a hand wrote this object, restore the previous version (docs/identity-provider.md#where-the-directory-lives-and-why)',
    },
  );
}

/** The time of the current version, when read() did not say it: from the version listing, if allowed. */
async function latestVersionTime(
  store: DirectoryStore,
  versionId: string | undefined,
): Promise<Date | undefined> {
  try {
    const versions = await store.versions();
    return (
      versions.find((v) => versionId !== undefined && v.versionId === versionId) ??
      versions.find((v) => v.isLatest)
    )?.lastModified;
  } catch {
    // s3:ListBucketVersions refused: the time is not known, which the text says.
    return undefined;
  }
}
