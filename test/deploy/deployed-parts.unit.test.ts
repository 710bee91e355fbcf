// The parts the operations commands look up in a deployed stack: by the ids
// the deployed template names (Metadata.sftpgw.ids), else the shipped
// defaults; a part of another type or missing is an error that says what to
// deploy. The stack is an object here (the SDK adapter is exercised against
// moto by the uploads and outbound moto tests).
import { expect } from 'chai';
import type { StackResources } from '../../cli/adapters/aws/stack-resources.js';
import { deployedParts } from '../../cli/engine/deployed-parts.js';
import { SftpgwError } from '../../cli/engine/errors.js';

function stack(
  resources: Record<string, { type: string; physicalId: string }> | undefined,
  metadataIds?: Record<string, string>,
): StackResources {
  return {
    resources: async () => resources,
    template: async () =>
      JSON.stringify({
        Resources: {},
        ...(metadataIds ? { Metadata: { sftpgw: { ids: metadataIds } } } : {}),
      }),
  };
}

describe('deployed parts of a gateway', () => {
  it('finds a part by the id the deployed template names, else by the shipped id', async () => {
    const parts = await deployedParts(
      stack(
        {
          Outgoing: { type: 'AWS::S3::Bucket', physicalId: 'gw-staging-123' },
          ServerLogGroup: { type: 'AWS::Logs::LogGroup', physicalId: '/aws/transfer/gw' },
        },
        { stagingBucket: 'Outgoing' },
      ),
      'gw',
    );
    expect(parts.require('stagingBucket')).to.equal('gw-staging-123');
    expect(parts.require('serverLogGroup')).to.equal('/aws/transfer/gw');
    expect(parts.find('failureQueue')).to.equal(undefined);
  });

  it('says what to deploy when the stack has no such part, or one of another type', async () => {
    const parts = await deployedParts(
      stack({ StagingBucket: { type: 'AWS::SQS::Queue', physicalId: 'q' } }),
      'gw',
    );
    expect(() => parts.require('stagingBucket'))
      .to.throw(SftpgwError, 'stack gw has no outbound staging bucket')
      .with.property('hint')
      .that.matches(/outbound.*sftpgw deploy/);
  });

  it('names the stack and the flags to check when it does not exist', async () => {
    let caught: unknown;
    await deployedParts(stack(undefined), 'nope').catch((e) => {
      caught = e;
    });
    expect(caught).to.be.instanceOf(SftpgwError);
    expect((caught as SftpgwError).message).to.equal('stack nope does not exist');
    expect((caught as SftpgwError).hint).to.match(/--stack-name, --env and --region/);
  });
});
