// Parsers for flags that take numbers or dates. commander runs them while it parses
// the command line, so a bad value is a usage error (exit 2, the flag named)
// on every path of every command, before any work starts.
import { InvalidArgumentError } from 'commander';
import { calendarDate, dateProblem } from './engine/clock.js';

/** A number greater than 0 (fractions allowed: --wait-timeout 0.5). */
export function positiveNumber(unit: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`expected a number of ${unit} greater than 0`);
    return n;
  };
}

/** A UTC calendar date YYYY-MM-DD (--today, --expires): the text as given. */
export function dateValue(flag: string): (value: string) => string {
  return (value) => {
    if (calendarDate(value)) return value;
    throw new InvalidArgumentError(`${dateProblem(value)} (${flag})`);
  };
}

/** A whole number from 0 (--expiring 0: keys on their last day). */
export function wholeNumber(unit: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
      throw new InvalidArgumentError(`expected a whole number of ${unit} (0 or more)`);
    return n;
  };
}

/** A TCP port: a whole number from 1 to 65535. */
export function portNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('expected a port number from 1 to 65535');
  return n;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * A span of time back from now (--since): a whole number and a unit (90s,
 * 30m, 6h, 7d, 2w), or a UTC date or time in ISO 8601 (2026-12-01,
 * 2026-12-01T08:00:00Z). Returns the milliseconds to go back; a date is
 * turned into "since then" by sinceTime.
 */
export type Since = { ms: number } | { at: Date };

export function sinceValue(value: string): Since {
  const m = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (m) {
    const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    if (ms > 0) return { ms };
  }
  if (
    /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())
  ) {
    const text = value.trim();
    // A date or a time without a zone is UTC, as every time sftpgw prints.
    const at = new Date(
      /(Z|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes(':') ? text : `${text}Z`,
    );
    if (!Number.isNaN(at.getTime())) return { at };
  }
  throw new InvalidArgumentError(
    'expected a span (90s, 30m, 6h, 7d, 2w) or a UTC date or time (2026-12-01, 2026-12-01T08:00:00Z)',
  );
}

/** The time a --since value stands for, counted back from now. */
export function sinceTime(since: Since, now: Date = new Date()): Date {
  return 'at' in since ? since.at : new Date(now.getTime() - since.ms);
}
