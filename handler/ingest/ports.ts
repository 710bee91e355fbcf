// What the ingest logic needs from the outside world, as small interfaces: the
// entry wires them to S3 and Transfer Family; tests pass the same adapters
// pointed at a moto server (and, for SendWorkflowStepState, which moto lacks,
// a local recorder).
import type { StepToken } from './events.js';

export interface ObjectVersion {
  bucket: string;
  key: string;
  /** Absent: the current object (an unversioned bucket). */
  versionId?: string;
}

export interface ObjectHead {
  lastModified: Date;
  versionId?: string;
  contentType?: string;
  /** User metadata (x-amz-meta-*), names without the prefix. */
  metadata: Record<string, string>;
}

export interface CopyRequest {
  from: ObjectVersion;
  /** The copy only happens while the source still has this ETag (when given). */
  ifMatch?: string;
  toKey: string;
  contentType?: string;
  /** Replaces the source's user metadata. */
  metadata: Record<string, string>;
}

export interface IngestStore {
  /** The version's metadata, or undefined when it (or the object) does not exist. Throws on other errors. */
  head(ref: ObjectVersion, ifMatch?: string): Promise<ObjectHead | undefined>;
  /** Server-side copy into the same bucket, with no tags; returns the new version id. */
  copy(req: CopyRequest): Promise<string | undefined>;
  tags(ref: ObjectVersion): Promise<Record<string, string>>;
  setTags(ref: ObjectVersion, tags: Record<string, string>): Promise<void>;
}

export type StepStatus = 'SUCCESS' | 'FAILURE';

export interface StepReporter {
  /** transfer:SendWorkflowStepState; throws when the state could not be reported. */
  report(step: StepToken, status: StepStatus): Promise<void>;
}

/** The source (version) named by an event no longer exists, or no longer has the event's ETag. */
export class SourceGoneError extends Error {
  override name = 'SourceGoneError';
}
