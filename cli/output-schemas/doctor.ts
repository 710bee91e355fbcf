// `sftpgw doctor --output json`: every check, with what to do where one is not ok.
import type { DoctorReport } from '../engine/doctor/doctor.js';
import {
  array,
  boolean,
  document,
  integer,
  nullable,
  object,
  string,
  stringEnum,
} from './schema-kit.js';

const STATUSES = ['ok', 'warn', 'fail', 'skip'] as const;

export interface DoctorDocument {
  ok: boolean;
  counts: Record<(typeof STATUSES)[number], number>;
  checks: Array<{ id: string; title: string; status: string; detail: string; fix: string | null }>;
}

export function doctorDocument(r: DoctorReport): DoctorDocument {
  return {
    ok: r.ok,
    counts: { ok: r.counts.ok, warn: r.counts.warn, fail: r.counts.fail, skip: r.counts.skip },
    checks: r.checks.map((c) => ({
      id: c.id,
      title: c.title,
      status: c.status,
      detail: c.detail,
      fix: c.fix ?? null,
    })),
  };
}

export const DOCTOR_SCHEMA = document(
  'sftpgw doctor --output json',
  'What this machine has for sftpgw; ok is false when a required check failed (exit 1).',
  object({
    ok: boolean('false when a check failed'),
    counts: object({
      ok: integer(),
      warn: integer(),
      fail: integer(),
      skip: integer('not checked (--offline skips AWS)'),
    }),
    checks: array(
      object({
        id: string(
          'node, node-aws-sdk, cfn-lint, jsonnet-addon, build-tools, aws-region, aws-credentials',
        ),
        title: string('what is checked'),
        status: stringEnum(STATUSES),
        detail: string('what was found'),
        fix: nullable(string(), 'what to do; null when the check is ok'),
      }),
    ),
  }),
);
