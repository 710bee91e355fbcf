// Terminal styling and the last line of defence for secrets. Colours only on
// a TTY and never in CI, with --no-color or NO_COLOR.
import { redactPrivateKeys } from '../shared/redact.js';

export interface StyleOptions {
  color?: boolean;
}

export function useColor(opts: StyleOptions, stream: NodeJS.WriteStream = process.stderr): boolean {
  if (opts.color === false || 'NO_COLOR' in process.env || process.env.CI) return false;
  return Boolean(stream.isTTY);
}

/** The palette, by role: every coloured word sftpgw prints takes its colour from here. */
const SGR = {
  /** Errors, refusals, removals (bold red). */
  error: '31;1',
  /** Lines a diff removes (red). */
  removed: '31',
  /** Lines a diff or a plan adds (green). */
  added: '32',
  warning: '33',
  dim: '2',
  bold: '1',
} as const;

export type Palette = Record<keyof typeof SGR, (s: string) => string>;

/** Painters for each role; with `on` false each returns its text unchanged. */
export function palette(on: boolean): Palette {
  const paint = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return Object.fromEntries(
    Object.entries(SGR).map(([role, code]) => [role, paint(code)]),
  ) as Palette;
}

/**
 * Defence in depth: whatever reaches the terminal, private key material never
 * does. The engine already refuses such input without quoting it.
 */
export function redact(text: string): string {
  return redactPrivateKeys(text);
}
