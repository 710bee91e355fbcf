// What the delivery logic needs from the outside world, as small interfaces:
// the handler wires them to S3, Secrets Manager and SFTP; tests can pass the
// same real adapters pointed at moto and a local sshd.
import type { Readable } from 'node:stream';
import type { PushRequest, PushResult } from '../shared/sftp/push.js';

export interface ObjectRef {
  bucket: string;
  key: string;
  /** The version the event names; absent on unversioned buckets. */
  versionId?: string;
}

export interface StagedObject {
  size: number;
  body: Readable;
  /** Bytes [start, end) of the same object version, for parallel writes (push.ts). */
  openRange?: (start: number, end: number) => Promise<Readable>;
}

export interface ObjectStore {
  /** The object's tags; throws ObjectGoneError when the object (version) no longer exists. */
  tags(ref: ObjectRef): Promise<Record<string, string>>;
  setTags(ref: ObjectRef, tags: Record<string, string>): Promise<void>;
  open(ref: ObjectRef): Promise<StagedObject>;
}

export interface SecretStore {
  /** The secret string; throws SecretMissingError when there is no such secret. */
  read(name: string): Promise<string>;
}

export type Pusher = (req: PushRequest) => Promise<PushResult>;

export class ObjectGoneError extends Error {
  override name = 'ObjectGoneError';
}

export class SecretMissingError extends Error {
  override name = 'SecretMissingError';
}
