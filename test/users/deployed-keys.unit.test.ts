// Reading the user keys out of a deployed template (`users keys --deployed`):
// a key line's fingerprint ignores its comment and spacing, a line whose type
// and blob disagree is no key, child stacks are named from their ARN, and
// which keys match --deployed. The fingerprint below is ssh-keygen -lf's for
// test/fixtures/projects/user-key-expiry's carol-next key (checked by hand
// once; keys-deployed-moto.test.ts compares with ssh-keygen itself).
import { expect } from 'chai';
import {
  keyLineFingerprint,
  keysInTemplate,
  stackNameOf,
} from '../../cli/engine/users/deployed-keys.js';
import { type ListedKey, matchesCondition } from '../../cli/engine/users/list-keys.js';

const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIJw7siLKuJlLMFiNlbuDNmoZJb8BiFGwSwXeWhTCFgxs';
const FP = 'SHA256:61jINgY1KiSACaeoxKqEhIH+Cuj0e37wR9Rqio9i4+c';

describe('deployed user keys', () => {
  it('a key line is its blob: comment and spacing play no part', () => {
    expect(keyLineFingerprint(`ssh-ed25519 ${BLOB} carol-next@acme`)).to.equal(FP);
    expect(keyLineFingerprint(`ssh-ed25519 ${BLOB}`)).to.equal(FP);
    expect(keyLineFingerprint(`  ssh-ed25519   ${BLOB}   laptop 2026 \n`)).to.equal(FP);
  });

  it('a line that is no key has no fingerprint', () => {
    expect(keyLineFingerprint('')).to.equal(undefined);
    expect(keyLineFingerprint('ssh-ed25519')).to.equal(undefined);
    expect(keyLineFingerprint(`ssh-rsa ${BLOB}`)).to.equal(undefined); // type and blob disagree
    expect(keyLineFingerprint('ssh-ed25519 not*base64')).to.equal(undefined);
  });

  it('reads AWS::Transfer::User resources of a template (JSON as GetTemplate returns it), skipping what is not a literal key line', () => {
    const text = JSON.stringify({
      Resources: {
        UserCarol: {
          Type: 'AWS::Transfer::User',
          Properties: {
            UserName: 'carol',
            SshPublicKeys: [`ssh-ed25519 ${BLOB} c`, { 'Fn::Sub': '${Key}' }, 'junk'],
          },
        },
        UserNoKeys: { Type: 'AWS::Transfer::User', Properties: { UserName: 'dave' } },
        Bucket: { Type: 'AWS::S3::Bucket' },
      },
    });
    expect(keysInTemplate(text, 'gw')).to.deep.equal([
      { user: 'carol', fingerprint: FP, stack: 'gw', logicalId: 'UserCarol' },
    ]);
  });

  it("names a child stack from its ARN (DescribeStackResources' physical id)", () => {
    expect(
      stackNameOf(
        'arn:aws:cloudformation:eu-central-1:123456789012:stack/gw-Users07-1ABC/5b1c0c70-0000-11ef-0000-0a1b2c3d4e5f',
      ),
    ).to.equal('gw-Users07-1ABC');
    expect(stackNameOf('gw-Users07')).to.equal('gw-Users07');
  });

  it('--deployed matches an expired key the stacks still hold, not an expired key left out nor a live one deployed', () => {
    const row = (state: ListedKey['state'], deployed: boolean): ListedKey => ({
      user: 'carol',
      file: 'users/carol.libsonnet',
      index: 0,
      type: 'ssh-ed25519',
      fingerprint: FP,
      state,
      deployed,
    });
    expect(matchesCondition(row('expired', true), { deployed: true })).to.equal(true);
    expect(matchesCondition(row('expired', false), { deployed: true })).to.equal(false);
    expect(matchesCondition(row('expiring', true), { deployed: true })).to.equal(false);
    expect(matchesCondition(row('ok', true), { deployed: true })).to.equal(false);
    // with --expiring too, either part matches
    expect(
      matchesCondition({ ...row('expired', true), daysLeft: -1 }, { deployed: true, expiring: 14 }),
    ).to.equal(true);
  });
});
