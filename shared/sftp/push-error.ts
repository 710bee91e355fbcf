// What a push can fail with. `kind` decides the outcome in deliver.ts: every
// kind is retried except `exists` (a different file already holds the final
// name and the destination says Overwrite "never": a retry cannot change that).
export type PushFailure =
  | 'host-key'
  | 'auth'
  | 'connect'
  | 'remote-directory'
  | 'permission'
  | 'io'
  | 'size-mismatch'
  | 'timeout'
  | 'exists';

export class PushError extends Error {
  override name = 'PushError';
  constructor(
    readonly kind: PushFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
