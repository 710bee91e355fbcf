// The Transfer Family calls of `sftpgw info`, behind one small interface.
// moto has no ListHostKeys (and CloudFormation in moto skips Transfer
// servers), so tests pass a fake for this one (test/endpoint/endpoint-moto.test.ts).
import type { TransferClient } from '@aws-sdk/client-transfer';

export interface ServerHostKey {
  /** ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, … */
  type: string;
  /** SHA256:…, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  description?: string;
  /** hostkey-…, what DeleteHostKey names. */
  hostKeyId?: string;
  /** When it was added to the server (ISO 8601, UTC): the oldest of an algorithm is the one presented. */
  dateImported?: string;
}

export interface TransferApi {
  listHostKeys(serverId: string): Promise<ServerHostKey[]>;
}

export function sdkTransfer(client: TransferClient): TransferApi {
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
            ...(k.HostKeyId ? { hostKeyId: k.HostKeyId } : {}),
            ...(k.DateImported ? { dateImported: k.DateImported.toISOString() } : {}),
          });
        next = out.NextToken;
      } while (next);
      return keys;
    },
  };
}
