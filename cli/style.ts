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

export const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/**
 * Defence in depth: whatever reaches the terminal, private key material never
 * does. The engine already refuses such input without quoting it.
 */
export function redact(text: string): string {
  return redactPrivateKeys(text);
}
