// Private key material, wherever it turns up in text we print or log, is
// replaced: PEM/OpenSSH blocks, PuTTY key files, and a bare OpenSSH private
// key blob ("openssh-key-v1" in base64). Shared by the handler's log lines and
// the CLI's error output.
const PATTERNS = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /PuTTY-User-Key-File[\s\S]*/g,
  /b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/=\s]*/g,
];

export function redactPrivateKeys(text: string): string {
  return PATTERNS.reduce((t, re) => t.replace(re, '[private key redacted]'), text);
}
