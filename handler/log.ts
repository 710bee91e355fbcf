// Structured JSON log lines and CloudWatch embedded-metric-format (EMF)
// records, written straight to stdout: Lambda forwards each line unchanged, so
// EMF lines become metrics and the rest stay queryable JSON.
//
// Nothing secret may reach a line: known secret values of the destination in
// use and anything shaped like a PEM/OpenSSH private key are replaced before
// writing, whatever field they hide in.

import { redactPrivateKeys } from './redact.js';

export type Write = (line: string) => void;

export function scrub(text: string, secrets: readonly string[]): string {
  let out = redactPrivateKeys(text);
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

export interface Metrics {
  Delivered: number;
  Rejected: number;
  Failed: number;
  Duplicate: number;
  Bytes: number;
}

export class Logger {
  private readonly secrets = new Set<string>();

  constructor(private readonly write: Write, private readonly base: Record<string, unknown>, private readonly namespace = 'sftpgw') {}

  /** Values to scrub from every later line (a destination's key, passphrase, password). */
  addSecrets(values: readonly string[]): void {
    for (const v of values) this.secrets.add(v);
  }

  log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...this.base, ...fields });
    this.write(scrub(line, [...this.secrets]) + '\n');
  }

  /** One EMF record; `dimensions` become the metric's dimension set. */
  metrics(values: Partial<Metrics>, dimensions: Record<string, string>): void {
    const names = Object.keys(values) as (keyof Metrics)[];
    const record = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{
          Namespace: this.namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: names.map((name) => ({ Name: name, Unit: name === 'Bytes' ? 'Bytes' : 'Count' })),
        }],
      },
      ...dimensions,
      ...values,
    };
    this.write(JSON.stringify(record) + '\n');
  }
}
