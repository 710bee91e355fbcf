// Who the credentials in use are: the account id (STS GetCallerIdentity,
// which needs no permission), so `sftpgw snowflake sql --integration` can
// spell the Snowflake role's ARN before the role exists.
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

export interface AccountIdentity {
  accountId(): Promise<string>;
}

export function stsAccountIdentity(client: STSClient): AccountIdentity {
  return {
    async accountId() {
      const out = await client.send(new GetCallerIdentityCommand({}));
      if (!out.Account) throw new Error('STS GetCallerIdentity returned no account id');
      return out.Account;
    },
  };
}
