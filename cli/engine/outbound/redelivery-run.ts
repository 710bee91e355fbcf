// A redelivery run's mark on the versions it re-stages: user metadata
// REDELIVERY_METADATA = "run=<id>; at=<ISO time>". S3 copies an object onto
// itself only when something changes (CopyObject:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html), and
// the mark is that change; it also lets a run tell its own copies, and any
// run tell a version that was re-staged and has no outcome yet.
import { randomBytes } from 'node:crypto';
import { REDELIVERY_METADATA } from '../../../shared/outbound/fate.js';

export interface RedeliveryRun {
  id: string;
  at: Date;
}

/** A new run: its id is the time and 8 random hex digits (20261123T120000Z-1a2b3c4d). */
export function newRun(at: Date = new Date()): RedeliveryRun {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return { id: `${stamp}-${randomBytes(4).toString('hex')}`, at };
}

export function runMark(run: RedeliveryRun): string {
  return `run=${run.id}; at=${run.at.toISOString()}`;
}

/** The run a version's metadata names (S3 returns metadata names lower-cased); undefined when none. */
export function markOf(
  metadata: Record<string, string>,
): { runId: string; at: Date | undefined } | undefined {
  const value = metadata[REDELIVERY_METADATA];
  if (value === undefined) return undefined;
  const runId = /run=([^;\s]+)/.exec(value)?.[1] ?? value;
  const at = /at=(\S+)/.exec(value)?.[1];
  const time = at === undefined ? undefined : new Date(at);
  return { runId, at: time && !Number.isNaN(time.getTime()) ? time : undefined };
}
