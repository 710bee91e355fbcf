// Structured JSON log lines and CloudWatch embedded-metric-format (EMF)
// records, written straight to stdout: Lambda forwards each line unchanged, so
// EMF lines become metrics and the rest stay queryable JSON.
//
// Nothing secret may reach a line: every string of a record — values and the
// names of nested object keys (a malformed secret's unknown keys may be key
// material) — has private-key blocks and the invocation's known secret values
// replaced BEFORE the record is serialized (see secret-values.ts for why not
// after). The record's own field names (time, level, message, key, …) are
// chosen by this code, carry nothing from any input, and are kept.
//
// Lines stay far below CloudWatch's 256 KiB event limit (a longer event is
// cut, and a cut line is no longer JSON): long strings are shortened, long
// lists and objects end in a "+N more" marker, all within one byte budget.

import { SecretValues } from './secret-values.js';

export type Write = (line: string) => void;

export interface Metrics {
  Delivered: number;
  Rejected: number;
  Failed: number;
  Duplicate: number;
  Bytes: number;
}

export interface LineLimits {
  /** Serialized bytes the record's values may take, all together. */
  budgetBytes: number;
  /** Characters of one string. */
  stringChars: number;
  /** Entries of one array or object. */
  entries: number;
  /** Nesting below the record. */
  depth: number;
}

export const LINE_LIMITS: LineLimits = {
  budgetBytes: 64 * 1024,
  stringChars: 8 * 1024,
  entries: 50,
  depth: 6,
};

/** Redacts and bounds a record; the result serializes within the limits. */
export function boundedRecord(
  record: Record<string, unknown>,
  secrets: SecretValues,
  limits: LineLimits = LINE_LIMITS,
): Record<string, unknown> {
  let budget = limits.budgetBytes;
  const cost = (s: string): number => Buffer.byteLength(JSON.stringify(s));

  const text = (raw: string): string => {
    let s = secrets.redact(raw);
    // A character costs at most 6 bytes in a JSON string (\u00XX escapes).
    const room = Math.max(0, Math.min(limits.stringChars, Math.floor((budget - 48) / 6)));
    if (s.length > room)
      s = secrets.redact(`${s.slice(0, room)}…(+${s.length - room} more characters)`);
    budget -= cost(s);
    return s;
  };

  const walk = (value: unknown, depth: number, seen: Set<object>): unknown => {
    if (typeof value === 'string') return text(value);
    if (
      value === null ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      value === undefined
    ) {
      budget -= 8;
      return value;
    }
    if (typeof value === 'bigint') return text(value.toString());
    if (typeof value !== 'object') return text(String(value));
    if (seen.has(value)) return '[circular]';
    if (depth >= limits.depth) return '[nested too deep]';
    seen.add(value);
    try {
      if (value instanceof Error)
        return walk({ name: value.name, message: value.message }, depth, seen);
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (const item of value) {
          if (out.length >= limits.entries || budget < 64) break;
          out.push(walk(item, depth + 1, seen));
          budget -= 1;
        }
        if (out.length < value.length) out.push(`+${value.length - out.length} more`);
        return out;
      }
      const entries = Object.entries(value);
      const out: Record<string, unknown> = {};
      let kept = 0;
      for (const [k, v] of entries) {
        if (kept >= limits.entries || budget < 64) break;
        let name = text(k);
        while (name in out) name += '#';
        out[name] = walk(v, depth + 1, seen);
        kept++;
      }
      if (kept < entries.length) out['…'] = `+${entries.length - kept} more`;
      return out;
    } finally {
      seen.delete(value);
    }
  };

  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined) continue;
    budget -= cost(k) + 2;
    out[k] = walk(v, 0, new Set());
  }
  return out;
}

// A line longer than this is never written (the budget keeps real lines far
// below it); CloudWatch's limit is 256 KiB per event.
const HARD_LINE_BYTES = 200 * 1024;

export class Logger {
  private readonly secrets = new SecretValues();

  constructor(
    private readonly write: Write,
    private readonly base: Record<string, unknown>,
    private readonly namespace = 'sftpgw',
  ) {}

  /** Values to redact from every later line and message (a destination's key, passphrase, password). */
  addSecrets(values: Iterable<string>): void {
    this.secrets.add(values);
  }

  /** Text with private keys and every known secret replaced: for messages that leave the function (thrown errors). */
  redact(text: string): string {
    return this.secrets.redact(text);
  }

  log(
    level: 'info' | 'warn' | 'error',
    message: string,
    fields: Record<string, unknown> = {},
  ): void {
    const record = { time: new Date().toISOString(), level, message, ...this.base, ...fields };
    let line = JSON.stringify(boundedRecord(record, this.secrets));
    if (Buffer.byteLength(line) > HARD_LINE_BYTES) {
      // Unreachable with the budget above; kept so no change to it can ever emit a cut line.
      line = JSON.stringify(
        boundedRecord({ time: record.time, level, message, truncated: true }, this.secrets),
      );
    }
    this.write(line + '\n');
  }

  /**
   * One EMF record; `dimensions` become the metric's dimension set. The push
   * function's names by default; the ingest function passes its own.
   */
  metrics<Name extends string = keyof Metrics>(
    values: Partial<Record<Name, number>>,
    dimensions: Record<string, string>,
  ): void {
    const names = Object.keys(values) as Name[];
    const record = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.namespace,
            Dimensions: [Object.keys(dimensions)],
            Metrics: names.map((name) => ({
              Name: name,
              Unit: name === 'Bytes' ? 'Bytes' : 'Count',
            })),
          },
        ],
      },
      ...dimensions,
      ...values,
    };
    this.write(JSON.stringify(record) + '\n');
  }
}
