// Writes a staged object version's fate into its tags, in the one format
// shared/outbound/fate.ts defines (read back by `sftpgw outbound status`).
//
// Tags are a record, never the delivery: a failure to read or write them is a
// logged warning, never a retry that could send a delivered file again.
//
// A tag value leaves the function (anyone allowed to read object tags sees
// it), so its text is redacted exactly as a log line is (the invocation's
// known secrets and private-key material), made tag-safe, and checked again
// afterwards: replacing characters can re-form a secret (a password
// "pass_word", a text "pass!word"), which is then redacted in turn; a detail
// that does not settle within two more passes is left out, not written.
import {
  FATE_TAG,
  type Fate,
  fateOf,
  fateTags,
  tagSafe,
  withFate,
} from '../shared/outbound/fate.js';
import type { Logger } from './log.js';
import type { ObjectRef, ObjectStore } from './ports.js';

export type RecordedFate = Exclude<Fate, { status: 'pending' }>;

export interface FateRecorder {
  /** Writes the fate over `existing` (the tags read at the start of this attempt). */
  write(fate: RecordedFate, existing: Record<string, string>): Promise<void>;
  /**
   * Re-reads the tags and writes the fate unless they already say the file
   * reached the remote (delivered, or duplicate: the remote held it), which
   * a concurrent attempt at the same version may have written meanwhile.
   */
  writeUnlessOnRemote(fate: RecordedFate): Promise<void>;
}

/** True when the tags say this version's bytes are on the remote: nothing more to send. */
export function onRemote(tags: Record<string, string>): boolean {
  const { status } = fateOf(tags);
  return status === 'delivered' || status === 'duplicate';
}

export function fateRecorder(opts: {
  objects: ObjectStore;
  ref: ObjectRef;
  log: Logger;
  now: () => Date;
  /** Fields of the warning line when a tag cannot be read or written. */
  fields: Record<string, unknown>;
}): FateRecorder {
  const { objects, ref, log } = opts;

  const tagsOf = (fate: RecordedFate): Record<string, string> => {
    const tags = fateTags(
      redacted(fate, (t) => log.redact(t)),
      opts.now(),
    );
    let detail: string | undefined = tags[FATE_TAG.detail];
    for (let pass = 0; detail !== undefined && log.redact(detail) !== detail; pass++)
      detail = pass < 2 ? tagSafe(log.redact(detail)) : undefined;
    if (detail === undefined) delete tags[FATE_TAG.detail];
    else tags[FATE_TAG.detail] = detail;
    return tags;
  };

  const warn = (what: string, err: unknown): void => {
    log.log('warn', what, { ...opts.fields, error: (err as Error)?.message ?? String(err) });
  };

  const write = async (fate: RecordedFate, existing: Record<string, string>): Promise<void> => {
    try {
      await objects.setTags(ref, withFate(existing, tagsOf(fate)));
    } catch (err) {
      warn('could not tag the staged object', err);
    }
  };

  return {
    write,
    async writeUnlessOnRemote(fate) {
      let current: Record<string, string>;
      try {
        current = await objects.tags(ref);
      } catch (err) {
        // Gone, or S3 unreachable: nothing to merge over safely (the user's
        // own tags would be lost), so nothing is written.
        warn('could not read the staged object’s tags to record its fate', err);
        return;
      }
      // The race this leaves: another attempt may write `delivered` between
      // this read and the write below, which then replaces it (S3 has no
      // conditional tag write). The window is one request long. For `failed`
      // the event still fails, so Lambda's retry finds the file on the remote
      // (identical, or renamed over it again: the same bytes) and writes the
      // fate anew; only when that was the last retry does the tag stay
      // `failed` with the file delivered, and a redelivery then sends the
      // same bytes again (or finds them: duplicate). For `duplicate` the
      // remote holds the file either way.
      if (onRemote(current)) return;
      await write(fate, current);
    },
  };
}

/** The fate with every free text in it redacted. */
function redacted(fate: RecordedFate, redact: (text: string) => string): RecordedFate {
  const r = (t: string | undefined): string | undefined => (t === undefined ? t : redact(t));
  switch (fate.status) {
    case 'delivered':
    case 'duplicate':
      return { ...fate, remotePath: r(fate.remotePath) };
    case 'rejected':
      return { ...fate, reason: r(fate.reason) };
    case 'failed':
      return { ...fate, error: r(fate.error) };
  }
}
