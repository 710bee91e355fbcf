// Terminal styling and the last line of defence for secrets. Colours only on
// a TTY and never in CI, with --no-color or NO_COLOR.

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
  return text
    .replace(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '[private key redacted]')
    .replace(/PuTTY-User-Key-File[\s\S]*/g, '[private key redacted]')
    .replace(/b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/=\s]*/g, '[private key redacted]');
}
