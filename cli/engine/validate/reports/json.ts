// The one JSON document `sftpgw validate --output json` prints, on every path:
// a validation that ran, and one that could not (a config or user file that
// never became a template, an unknown environment, a missing cfn-lint). The
// top-level keys are always the same, so a pipeline step can read `ok`,
// `counts` and `findings` without first asking what happened.
// The type is the contract; the schema below is checked against it by the
// compiler (ajv's JSONSchemaType) and used by the tests on every path.
import type { JSONSchemaType } from 'ajv';
import { SftpgwError, type ErrorKind } from '../../errors.js';
import { countFindings, type Counts, type Finding, type Layer } from '../finding.js';

export interface ValidateDocument {
  /** No error finding (waived ones aside) and nothing stopped the validation. */
  ok: boolean;
  /** What was validated: `<stackName> (<env>)` or the --template file; null when validation never started. */
  subject: string | null;
  stackName: string | null;
  /** The environment asked for (also when it does not exist). */
  env: string | null;
  /** Resources checked, child stacks' included; 0 when there was no template. */
  resources: number;
  /** Layers that ran; `template` alone when the inputs never became a template. */
  layers: Layer[];
  counts: Counts;
  /** Every finding; when `error` is set, its problems are findings too (rules input/… and validate/…). */
  findings: JsonFinding[];
  /** Why validation stopped, or null when it ran to the end. */
  error: { kind: ErrorKind | 'internal'; message: string; hint: string | null } | null;
}

/** A finding with every key present: null where it has no value (no resource, no hint, not waived). */
export interface JsonFinding {
  severity: Finding['severity'];
  rule: string;
  layer: Layer;
  logicalId: string | null;
  resourceType: string | null;
  pointer: string;
  message: string;
  hint: string | null;
  source: { file: string; line: number | null; field: string | null } | null;
  waived: string | null;
}

export function jsonFinding(f: Finding): JsonFinding {
  return {
    severity: f.severity,
    rule: f.rule,
    layer: f.layer,
    logicalId: f.logicalId ?? null,
    resourceType: f.resourceType ?? null,
    pointer: f.pointer,
    message: f.message,
    hint: f.hint ?? null,
    source: f.source
      ? { file: f.source.file, line: f.source.line ?? null, field: f.source.field ?? null }
      : null,
    waived: f.waived ?? null,
  };
}

const LAYERS: Layer[] = ['template', 'schema', 'semantic', 'baseline', 'cfn-lint'];
// ajv's JSONSchemaType rejects `nullable: true` on a required `T | null` member
// (ajv-validator/ajv#2163, open); the value is true, only its type is bent.
const NULLABLE = true as false;
const nullableString = { type: 'string', nullable: NULLABLE } as const;

const findingSchema: JSONSchemaType<JsonFinding> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'severity',
    'rule',
    'layer',
    'logicalId',
    'resourceType',
    'pointer',
    'message',
    'hint',
    'source',
    'waived',
  ],
  properties: {
    severity: { type: 'string', enum: ['error', 'warning', 'info'] },
    rule: { type: 'string', pattern: '^[a-z-]+/\\S+$' },
    layer: { type: 'string', enum: LAYERS },
    logicalId: nullableString,
    resourceType: nullableString,
    pointer: { type: 'string' },
    message: { type: 'string', minLength: 1 },
    hint: nullableString,
    source: {
      type: 'object',
      nullable: NULLABLE,
      additionalProperties: false,
      required: ['file', 'line', 'field'],
      properties: {
        file: { type: 'string', minLength: 1 },
        line: { type: 'integer', minimum: 1, nullable: NULLABLE },
        field: nullableString,
      },
    },
    waived: nullableString,
  },
};

const count = { type: 'integer', minimum: 0 } as const;

export const VALIDATE_DOCUMENT_SCHEMA: JSONSchemaType<ValidateDocument> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'ok',
    'subject',
    'stackName',
    'env',
    'resources',
    'layers',
    'counts',
    'findings',
    'error',
  ],
  properties: {
    ok: { type: 'boolean' },
    subject: { type: 'string', nullable: NULLABLE },
    stackName: { type: 'string', nullable: NULLABLE },
    env: { type: 'string', nullable: NULLABLE },
    resources: count,
    layers: { type: 'array', items: { type: 'string', enum: LAYERS } },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: ['error', 'warning', 'info', 'waived'],
      properties: { error: count, warning: count, info: count, waived: count },
    },
    findings: { type: 'array', items: findingSchema },
    error: {
      type: 'object',
      nullable: NULLABLE,
      additionalProperties: false,
      required: ['kind', 'message', 'hint'],
      properties: {
        kind: { type: 'string', enum: ['usage', 'invalid-input', 'failed', 'internal'] },
        message: { type: 'string', minLength: 1 },
        hint: { type: 'string', nullable: NULLABLE },
      },
    },
  },
};

export interface ValidationSummary {
  subject?: string;
  stackName?: string;
  env?: string;
  resources: number;
  layers: readonly Layer[];
  findings: readonly Finding[];
}

/** The document for a validation that ran (`error` unset), or stopped (its findings so far plus the error's). */
export function validateDocument(summary: ValidationSummary, error?: unknown): ValidateDocument {
  const findings =
    error === undefined ? [...summary.findings] : [...summary.findings, ...errorFindings(error)];
  const counts = countFindings(findings);
  return {
    ok: error === undefined && counts.error === 0,
    subject: summary.subject ?? null,
    stackName: summary.stackName ?? null,
    env: summary.env ?? null,
    resources: summary.resources,
    layers: [...summary.layers],
    counts,
    findings: findings.map(jsonFinding),
    error:
      error === undefined
        ? null
        : {
            kind: error instanceof SftpgwError ? error.kind : 'internal',
            message: error instanceof Error ? error.message : String(error),
            hint: error instanceof SftpgwError ? (error.hint ?? null) : null,
          },
  };
}

const ERROR_RULES: Record<ErrorKind | 'internal', string> = {
  'invalid-input': 'input/invalid',
  usage: 'input/usage',
  failed: 'validate/failed',
  internal: 'validate/internal',
};

/** An error as findings, for the JSON document and the reports: one per problem, or the error itself. */
export function errorFindings(error: unknown): Finding[] {
  if (error instanceof SftpgwError && error.findings && error.findings.length > 0)
    return [...error.findings];
  const rule = ERROR_RULES[error instanceof SftpgwError ? error.kind : 'internal'];
  const base = { severity: 'error', rule, layer: 'template', pointer: '' } as const;
  if (error instanceof SftpgwError && error.problems.length > 0) {
    return error.problems.map((p) => ({
      ...base,
      message: p.field ? `${p.field}: ${p.message}` : p.message,
      ...((p.hint ?? error.hint) ? { hint: p.hint ?? error.hint } : {}),
      ...(p.file
        ? { source: { file: p.file, ...(p.line !== undefined ? { line: p.line } : {}) } }
        : {}),
    }));
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    error instanceof SftpgwError
      ? error.hint
      : 'this is a bug in sftpgw or an unexpected environment; run again with --debug for the stack trace';
  return [{ ...base, message, ...(hint ? { hint } : {}) }];
}
