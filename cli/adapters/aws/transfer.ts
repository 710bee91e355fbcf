// The Transfer Family calls of `sftpgw info`, the deploy guard (host keys)
// and `sftpgw host-keys`, behind one small interface. moto has neither
// ListHostKeys nor DeleteHostKey: the test launcher adds them
// (test/helpers/moto/launcher.py).
import type { TransferClient } from '@aws-sdk/client-transfer';

export interface ServerHostKey {
  /** ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, … */
  type: string;
  /** SHA256:…, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  description?: string;
  /** hostkey-… */
  id?: string;
  /** When the key was added to the server: the oldest of an algorithm is the one presented. */
  dateImported?: Date;
}

export interface TransferApi {
  listHostKeys(serverId: string): Promise<ServerHostKey[]>;
}

/** What `sftpgw host-keys retire` needs besides the list. */
export interface HostKeyAdminApi extends TransferApi {
  deleteHostKey(serverId: string, hostKeyId: string): Promise<void>;
}

export function sdkTransfer(client: TransferClient): HostKeyAdminApi {
  return {
    async listHostKeys(serverId) {
      const { ListHostKeysCommand } = await import('@aws-sdk/client-transfer');
      const keys: ServerHostKey[] = [];
      let next: string | undefined;
      do {
        const out = await client.send(
          new ListHostKeysCommand({ ServerId: serverId, NextToken: next }),
        );
        for (const k of out.HostKeys ?? [])
          keys.push({
            type: k.Type ?? 'unknown',
            fingerprint: k.Fingerprint ?? '',
            ...(k.Description ? { description: k.Description } : {}),
            ...(k.HostKeyId ? { id: k.HostKeyId } : {}),
            ...(k.DateImported ? { dateImported: k.DateImported } : {}),
          });
        next = out.NextToken;
      } while (next);
      return keys;
    },
    async deleteHostKey(serverId, hostKeyId) {
      const { DeleteHostKeyCommand } = await import('@aws-sdk/client-transfer');
      await client.send(new DeleteHostKeyCommand({ ServerId: serverId, HostKeyId: hostKeyId }));
    },
  };
}
