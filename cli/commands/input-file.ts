// A file named on the command line (or - for stdin), read whole. A file that
// cannot be read is the operator's to fix: a usage error (exit 2) naming it.
// Its content is never quoted: it may be a private key or a passphrase.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../engine/errors.js';

/** `what` names the flag's role in the error: "key file", "private key file". */
export function readInputFile(source: string, what: string, hint?: string): string {
  try {
    return source === '-' ? readFileSync(0, 'utf8') : readFileSync(path.resolve(source), 'utf8');
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw usageError(`cannot read ${what} ${source === '-' ? 'from stdin' : source}: ${why}`, hint);
  }
}
