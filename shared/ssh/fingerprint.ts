// The SHA-256 fingerprint of an SSH public key blob, exactly as
// `ssh-keygen -lf` prints it. Shared by the handler (pinned host keys) and the
// CLI (user keys); no ssh2 import, so the CLI's start-up stays light.
import { createHash } from 'node:crypto';

export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
