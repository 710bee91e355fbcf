// users/per-server-quota: a service-managed gateway whose user files approach
// Transfer Family's default "Number of Service Managed users per server"
// (L-101C3D29) warns, names the quota code and the way out
// (docs/identity-provider.md). The count is all the rule reads, so numbers
// stand in for user files: this is the unit tier. The wiring into the build:
// test/users/user-stacks.test.ts builds 10,000 user files and finds the warning.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_USERS_PER_SERVER,
  USERS_PER_SERVER_QUOTA_CODE,
  userQuotaFindings,
} from '../../cli/engine/validate/rules/users/user-quota.js';
import { USER_COUNT_RULES } from '../../cli/engine/validate/rules/users/rules.js';
import { repoRoot } from '../helpers/project.js';

describe('users/per-server-quota', () => {
  const at = (users: number, quota?: number) =>
    userQuotaFindings(users, { configFile: 'sftpgw.yaml', ...(quota ? { quota } : {}) });

  it('says nothing below 80% of the default quota (10,000)', () => {
    expect(DEFAULT_USERS_PER_SERVER).to.equal(10_000);
    for (const n of [0, 1, 400, 7_999]) expect(at(n), String(n)).to.deep.equal([]);
  });

  it('warns from 80% on, naming the share, the quota code, how to read it and the other mode', () => {
    const [f, ...rest] = at(8_000);
    expect(rest).to.deep.equal([]);
    expect(f).to.include({
      severity: 'warning',
      rule: 'users/per-server-quota',
      layer: 'semantic',
      pointer: '',
    });
    expect(f.source).to.deep.equal({ file: 'sftpgw.yaml' });
    expect(f.message).to.equal(
      "8000 users make 8000 AWS::Transfer::User resources on one server, 80% of Transfer Family's default quota of 10000 service-managed users per server (L-101C3D29)",
    );
    expect(f.hint)
      .to.include(USERS_PER_SERVER_QUOTA_CODE)
      .and.to.include(
        'aws service-quotas get-service-quota --service-code transfer --quota-code L-101C3D29',
      )
      .and.to.include('docs/identity-provider.md');
    expect(at(10_000)[0].message).to.include('100% of');
  });

  it('past the default says the deploy fails unless the quota was raised (still a warning)', () => {
    const [f] = at(10_001);
    expect(f.severity).to.equal('warning');
    expect(f.message).to.match(
      /^10001 users make 10001 AWS::Transfer::User resources on one server, more than Transfer Family's default quota of 10000 .*\(L-101C3D29\): unless this account's quota was raised, the deploy fails when CreateUser reaches it$/,
    );
  });

  it('compares with another quota when told one (a raised account value)', () => {
    expect(at(10_001, 20_000)).to.deep.equal([]);
    expect(at(16_000, 20_000)[0].message).to.include('80% of');
  });

  it('is listed for docs/validation.md, and the doc it points at exists', () => {
    expect(USER_COUNT_RULES.map((r) => r.id)).to.deep.equal(['users/per-server-quota']);
    expect(existsSync(path.join(repoRoot, 'docs', 'identity-provider.md'))).to.equal(true);
  });
});
