// Which host key partners see: the oldest of each key type (RSA, ECDSA,
// ED25519), by DateImported; a tie goes to the one ListHostKeys lists first.
// The rule is cli/engine/host-keys/active.ts (shared with the deploy guard).
import { expect } from 'chai';
import { activeHostKeys, hostKeyFamily } from '../../cli/engine/endpoint/active-host-keys.js';

const key = (type: string, fingerprint: string, dateImported?: string) => ({
  type,
  fingerprint,
  ...(dateImported ? { dateImported: new Date(dateImported) } : {}),
});

describe('the active host key of each type (sftpgw info)', () => {
  it('groups every ECDSA curve as one type, and RSA and ED25519 apart', () => {
    expect(
      ['ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp521', 'ssh-ed25519'].map(hostKeyFamily),
    ).to.deep.equal(['RSA', 'ECDSA', 'ECDSA', 'ED25519']);
  });

  it('marks the oldest of each type, whatever the listing order', () => {
    const keys = activeHostKeys([
      key('ssh-rsa', 'A', '2026-03-01T00:00:00.000Z'),
      key('ssh-rsa', 'B', '2025-01-01T00:00:00.000Z'),
      key('ssh-ed25519', 'C', '2026-05-01T00:00:00.000Z'),
      key('ecdsa-sha2-nistp384', 'D', '2026-02-01T00:00:00.000Z'),
      key('ecdsa-sha2-nistp256', 'E', '2026-01-01T00:00:00.000Z'),
    ]);
    expect(keys.map((k) => [k.fingerprint, k.family, k.active])).to.deep.equal([
      ['A', 'RSA', false],
      ['B', 'RSA', true],
      ['C', 'ED25519', true],
      ['D', 'ECDSA', false],
      ['E', 'ECDSA', true],
    ]);
  });

  it('a tie goes to the one listed first; a key without a date counts as the oldest (the own key of the service may come without one), as the deploy guard counts it', () => {
    const same = '2026-01-01T00:00:00.000Z';
    expect(
      activeHostKeys([key('ssh-rsa', 'A', same), key('ssh-rsa', 'B', same)]).map((k) => k.active),
    ).to.deep.equal([true, false]);
    expect(
      activeHostKeys([key('ssh-rsa', 'B', same), key('ssh-rsa', 'A')]).map((k) => k.active),
    ).to.deep.equal([false, true]);
  });
});
