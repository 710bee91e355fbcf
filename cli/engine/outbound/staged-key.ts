// A staged object's key as the operator reads it: destination and file when
// it is `<destination>/<file>` (shared/destination/staging-key.ts, the push
// function's own rule), else what is wrong with it. Such objects are listed
// too: the function rejects them (code layout or unsafe-name), and an
// operator looking for a file must see why it went nowhere.
import { usageError } from '../errors.js';
import {
  DESTINATION_KEY_PATTERN,
  parseStagingKey,
} from '../../../shared/destination/staging-key.js';

export interface KeyParts {
  /** The destination segment, null when the key has none that is a destination name. */
  destination: string | null;
  /** The file name after the destination segment; the whole key when there is no destination. */
  file: string;
  /** Why the key is not `<destination>/<file>`; null when it is. */
  problem: string | null;
}

export function keyParts(key: string): KeyParts {
  const parsed = parseStagingKey(key);
  if (parsed.ok) return { destination: parsed.destination, file: parsed.file, problem: null };
  const slash = key.indexOf('/');
  const segment = slash > 0 ? key.slice(0, slash) : '';
  const destination = DESTINATION_KEY_PATTERN.test(segment) ? segment : null;
  return {
    destination,
    file: destination === null ? key : key.slice(slash + 1),
    problem: parsed.reason,
  };
}

/** --destination D: a destination key, as `sftpgw destinations put` accepts it. */
export function checkDestination(destination: string): void {
  if (!DESTINATION_KEY_PATTERN.test(destination))
    throw usageError(
      `--destination ${JSON.stringify(destination)}: not a destination key (${DESTINATION_KEY_PATTERN.source})`,
      'pass the key the destination was created with (sftpgw destinations list)',
    );
}
