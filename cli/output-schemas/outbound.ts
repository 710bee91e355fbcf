// `sftpgw outbound status | redeliver --output json`.
import { type Fate, FATE_STATUSES } from '../../shared/outbound/fate.js';
import type { Outcome, PlanItem, RedeliveryPlan } from '../engine/outbound/redeliver.js';
import type { StagedFile, StatusCounts } from '../engine/outbound/status.js';
import {
  array,
  boolean,
  document,
  integer,
  nullable,
  object,
  orNull,
  string,
  stringEnum,
} from './schema-kit.js';

/** A fate's fields, each null when it does not apply or the tags do not say. */
export interface FateFields {
  status: Fate['status'];
  at: string | null;
  remotePath: string | null;
  code: string | null;
  reason: string | null;
  error: string | null;
}

export function fateFields(f: Fate): FateFields {
  return {
    status: f.status,
    at: f.status === 'pending' ? null : (f.at?.toISOString() ?? null),
    remotePath: f.status === 'delivered' || f.status === 'duplicate' ? orNull(f.remotePath) : null,
    code: f.status === 'rejected' ? f.code : null,
    reason: f.status === 'rejected' ? orNull(f.reason) : null,
    error: f.status === 'failed' ? orNull(f.error) : null,
  };
}

const FATE_PROPERTIES = {
  status: stringEnum(FATE_STATUSES, 'the fate its tags record; pending: none yet'),
  at: nullable(string(), 'ISO 8601 time the push function recorded the outcome; null when pending'),
  remotePath: nullable(string(), 'delivered, duplicate: the path on the remote server'),
  code: nullable(string(), 'rejected: why, as a code (pattern-mismatch, layout, …)'),
  reason: nullable(string(), 'rejected: why, in words (a tag-safe summary)'),
  error: nullable(string(), 'failed: the last error (a tag-safe summary)'),
};

export interface StatusFileEntry extends FateFields {
  key: string;
  destination: string | null;
  file: string;
  keyProblem: string | null;
  stagedAt: string;
  size: number;
}

export function statusFileEntry(f: StagedFile): StatusFileEntry {
  return {
    key: f.key,
    destination: f.destination,
    file: f.file,
    keyProblem: f.problem,
    stagedAt: f.stagedAt.toISOString(),
    size: f.size,
    ...fateFields(f.fate),
  };
}

export interface OutboundStatusDocument {
  stackName: string;
  bucket: string;
  destination: string | null;
  status: string | null;
  since: string | null;
  listed: number;
  counts: StatusCounts;
  files: StatusFileEntry[];
}

export const OUTBOUND_STATUS_SCHEMA = document(
  'sftpgw outbound status --output json',
  'Every staged object (current version) of the deployed gateway that passes the filters, with its fate.',
  object({
    stackName: string(),
    bucket: string('the staging bucket'),
    destination: nullable(string(), '--destination; null: every destination'),
    status: nullable(stringEnum(FATE_STATUSES), '--status; null: every status'),
    since: nullable(string(), '--since as an ISO 8601 time; null: no limit'),
    listed: integer('objects listed (before --since and --status)'),
    counts: object(
      Object.fromEntries(FATE_STATUSES.map((s) => [s, integer()])),
      'files in `files` per status',
    ),
    files: array(
      object({
        key: string('the object key'),
        destination: nullable(
          string(),
          'the destination segment; null when the key has none that is a destination name',
        ),
        file: string('the file name after the destination segment (the whole key without one)'),
        keyProblem: nullable(
          string(),
          'why the key is not <destination>/<file> (the function rejects it); null when it is',
        ),
        stagedAt: string('ISO 8601 LastModified of the current version'),
        size: integer('bytes'),
        ...FATE_PROPERTIES,
      }),
    ),
  }),
);

export interface RedeliverItemEntry {
  key: string;
  file: string;
  chosenBy: PlanItem['chosenBy'];
  fate: FateFields;
  versionId: string | null;
  size: number;
  action: PlanItem['action'];
  reason: string | null;
  outcome: Outcome['outcome'] | null;
  newVersionId: string | null;
}

export interface OutboundRedeliverDocument {
  stackName: string;
  bucket: string;
  destination: string;
  runId: string;
  executed: boolean;
  items: RedeliverItemEntry[];
}

export function redeliverDocument(
  stackName: string,
  plan: RedeliveryPlan,
  runId: string,
  outcomes: readonly Outcome[] | undefined,
): OutboundRedeliverDocument {
  const byKey = new Map(outcomes?.map((o) => [o.key, o]));
  return {
    stackName,
    bucket: plan.bucket,
    destination: plan.destination,
    runId,
    executed: outcomes !== undefined,
    items: plan.items.map((i) => {
      const o = byKey.get(i.key);
      return {
        key: i.key,
        file: i.file,
        chosenBy: i.chosenBy,
        fate: fateFields(i.fate),
        versionId: i.versionId,
        size: i.size,
        action: i.action,
        reason: o && o.outcome !== 'restaged' ? o.reason : i.reason,
        outcome: o?.outcome ?? null,
        newVersionId: o?.outcome === 'restaged' ? o.newVersionId : null,
      };
    }),
  };
}

export const OUTBOUND_REDELIVER_SCHEMA = document(
  'sftpgw outbound redeliver --output json',
  'The objects chosen, what was (or would be) done with each, and the outcome when the run re-staged.',
  object({
    stackName: string(),
    bucket: string('the staging bucket'),
    destination: string('--destination'),
    runId: string(
      'this run: named in the sftpgw-redelivery metadata of every version it re-staged',
    ),
    executed: boolean(
      'false: the plan only (no --yes and no terminal, or declined); nothing changed',
    ),
    items: array(
      object({
        key: string(),
        file: string(),
        chosenBy: stringEnum(
          ['status', 'key'],
          'status: its fate was chosen; key: named with --key',
        ),
        fate: object(FATE_PROPERTIES, 'the fate of the version chosen'),
        versionId: nullable(string(), 'the version chosen; null in an unversioned bucket'),
        size: integer('bytes'),
        action: stringEnum(
          ['restage', 'skip', 'refuse'],
          'skip: already re-staged (by this run, or by one whose copy has no outcome yet); refuse: cannot be copied (over 5 GiB)',
        ),
        reason: nullable(string(), 'why skipped, refused or failed; null when re-staged'),
        outcome: nullable(
          stringEnum(['restaged', 'skipped', 'refused', 'failed']),
          'null when not executed',
        ),
        newVersionId: nullable(string(), 'restaged: the new version; else null'),
      }),
    ),
  }),
);
