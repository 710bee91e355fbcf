// A user file's allowedSourceCidrs against who enforces them (checkUserShape,
// cli/engine/users/spec.ts): with service-managed users only a VPC endpoint's
// security group can, so a public endpoint refuses them; with the lambda
// identity provider the function checks each login's source address against
// the user's own networks, so they are accepted on a public endpoint too.
// Builds of whole gateways: test/identity/identity-build.test.ts and
// test/config/fixtures/bad-users/cidrs-public-endpoint.
import { expect } from 'chai';
import { checkUserShape, type NetworkEnforcement } from '../../cli/engine/users/spec.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 a@b';
const FILE = 'users/acme.libsonnet';
const USER = { sshPublicKeys: [KEY], allowedSourceCidrs: ['198.51.100.7/32', '203.0.113.0/24'] };

describe('a user’s allowedSourceCidrs, by endpoint and identity provider (checkUserShape)', function () {
  // [server, refused?]
  const rows: Array<[NetworkEnforcement, boolean]> = [
    [{ endpoint: 'public', identityProvider: 'service-managed' }, true],
    [{ endpoint: 'public', identityProvider: 'lambda' }, false],
    [{ endpoint: 'vpc', identityProvider: 'service-managed' }, false],
    [{ endpoint: 'vpc', identityProvider: 'lambda' }, false],
    // Unknown (a config with problems, a command without one): not judged.
    [{ endpoint: 'public' }, false],
    [{ identityProvider: 'service-managed' }, false],
    [{}, false],
  ];
  for (const [server, refused] of rows)
    it(`${refused ? 'refused' : 'accepted'}: endpoint ${server.endpoint ?? 'unknown'}, identity provider ${server.identityProvider ?? 'unknown'}`, function () {
      const r = checkUserShape('acme', USER, FILE, server);
      if (refused) {
        expect(r.spec).to.equal(undefined);
        expect(r.problems).to.deep.equal([
          {
            file: FILE,
            field: 'allowedSourceCidrs',
            message:
              'would not be enforced: the server endpoint is public, open to the whole internet',
            hint: 'set server.endpoint.type: vpc in sftpgw.yaml (docs/endpoint.md) so only the listed networks are admitted, or remove the list',
          },
        ]);
      } else {
        expect(r.problems).to.deep.equal([]);
        expect(r.spec?.allowedSourceCidrs).to.deep.equal(['198.51.100.7/32', '203.0.113.0/24']);
      }
    });

  it('in lambda mode on a public endpoint the networks are still checked one by one', function () {
    const r = checkUserShape(
      'acme',
      { sshPublicKeys: [KEY], allowedSourceCidrs: ['198.51.100.7/33', '0.0.0.0/0'] },
      FILE,
      { endpoint: 'public', identityProvider: 'lambda' },
    );
    expect(r.problems.map((p) => p.field)).to.deep.equal([
      'allowedSourceCidrs[0]',
      'allowedSourceCidrs[1]',
    ]);
  });

  it('an empty list is no list, in either mode', function () {
    for (const identityProvider of ['service-managed', 'lambda'] as const)
      expect(
        checkUserShape('acme', { sshPublicKeys: [KEY], allowedSourceCidrs: [] }, FILE, {
          endpoint: 'public',
          identityProvider,
        }).problems,
      ).to.deep.equal([]);
  });
});
