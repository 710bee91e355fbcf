// ssh2's callback SFTP requests as promises. A synchronous throw becomes a
// rejection too: ssh2 throws, rather than calls back, for an extension the
// server did not advertise and for a closed channel.
export type Callback<T> = (err: Error | null | undefined, value: T) => void;

export function sftpCall<T = void>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((err, value) => (err ? reject(err) : resolve(value)));
    } catch (err) {
      reject(err);
    }
  });
}

// SFTP status codes (draft-ietf-secsh-filexfer-02).
export const SFTP_STATUS = { EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3 } as const;

export function sftpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
