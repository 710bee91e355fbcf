// Destination secrets in Secrets Manager, behind a small interface (the
// destinations commands; tests run it against moto).
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient } from './clients.js';

export interface SecretInfo {
  name: string;
  tags: Record<string, string>;
  lastChanged?: Date;
  /** Set when the secret is scheduled for deletion: when it will be deleted. */
  deletedDate?: Date;
}

/** How to delete: after a recovery window (7–30 days, restorable until then), or at once. */
export type Deletion = { recoveryDays: number } | { force: true };

export interface SecretStoreApi {
  describe(name: string): Promise<SecretInfo | undefined>;
  create(
    name: string,
    value: string,
    tags: Record<string, string>,
    kmsKeyId?: string,
  ): Promise<void>;
  putValue(name: string, value: string): Promise<void>;
  tag(name: string, tags: Record<string, string>): Promise<void>;
  value(name: string): Promise<string | undefined>;
  /** Secrets whose name starts with prefix. */
  list(prefix: string): Promise<SecretInfo[]>;
  /** Deletes (or schedules the deletion of) a secret; returns when it is (or will be) gone. */
  remove(name: string, how: Deletion): Promise<Date | undefined>;
}

const tagMap = (tags?: Array<{ Key?: string; Value?: string }>): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const missing = (err: unknown) => (err as { name?: string }).name === 'ResourceNotFoundException';

export function sdkSecretStore(region?: string): SecretStoreApi {
  const sm = secretsManagerClient({ region });
  return {
    async describe(name) {
      try {
        const out = await sm.send(new DescribeSecretCommand({ SecretId: name }));
        return {
          name: out.Name ?? name,
          tags: tagMap(out.Tags),
          lastChanged: out.LastChangedDate,
          ...(out.DeletedDate ? { deletedDate: out.DeletedDate } : {}),
        };
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },
    async create(name, value, tags, kmsKeyId) {
      await sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: value,
          Tags: tagList(tags),
          KmsKeyId: kmsKeyId,
          Description: 'sftpgw outbound destination',
        }),
      );
    },
    async putValue(name, value) {
      await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    },
    async tag(name, tags) {
      await sm.send(new TagResourceCommand({ SecretId: name, Tags: tagList(tags) }));
    },
    async value(name) {
      try {
        return (await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },
    async remove(name, how) {
      const out = await sm.send(
        new DeleteSecretCommand({
          SecretId: name,
          ...('force' in how
            ? { ForceDeleteWithoutRecovery: true }
            : { RecoveryWindowInDays: how.recoveryDays }),
        }),
      );
      return out.DeletionDate;
    },
    async list(prefix) {
      const out: SecretInfo[] = [];
      let next: string | undefined;
      do {
        const page = await sm.send(
          new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], NextToken: next }),
        );
        for (const s of page.SecretList ?? [])
          if (s.Name?.startsWith(prefix))
            out.push({ name: s.Name, tags: tagMap(s.Tags), lastChanged: s.LastChangedDate });
        next = page.NextToken;
      } while (next);
      return out.sort((a, b) => (a.name < b.name ? -1 : 1));
    },
  };
}
