// What synthesize makes of server.identityProvider (cli/engine/synthesize.ts,
// libsonnet/identity.libsonnet), in memory with the real jsonnet: the
// service-managed example is untouched by identityStage and has no
// directory; the lambda fixture's template names the mode in its Metadata
// (read back by gateway-metadata.ts), its function's environment carries
// the config's cacheSeconds, and the staging template keeps the users where
// userStacks places them while the lambda template ignores userStacks.
import { expect } from 'chai';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { synthesize, type SynthesizeOptions } from '../../cli/engine/synthesize.js';
import { gatewayIds, identityProviderOf } from '../../cli/engine/template/gateway-metadata.js';
import { repoRoot } from '../helpers/project.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'projects', 'identity-lambda');

async function synth(dir: string, opts: Partial<SynthesizeOptions> = {}) {
  const reporter = new RecordingReporter();
  const s = await synthesize(
    {
      configFile: path.join(dir, 'sftpgw.yaml'),
      cwd: dir,
      environment: {},
      today: '2026-06-01',
      ...opts,
    },
    { jsonnet: libjsonnet, reporter },
  );
  return { s, reporter };
}

describe('synthesize and server.identityProvider', () => {
  it('a service-managed gateway: identityStage changes nothing, no directory, Metadata says nothing of it', async () => {
    const plain = (await synth(repoRoot)).s;
    const staged = (await synth(repoRoot, { identityStage: true })).s;
    expect(staged.template).to.deep.equal(plain.template);
    expect(plain.directory).to.equal(undefined);
    expect(plain.directoryText).to.equal(undefined);
    expect(identityProviderOf(plain.template)).to.equal('service-managed');
    expect(gatewayIds(plain.template).identityFunction).to.equal(undefined);
  });

  it('lambda: Metadata names the mode and the parts; the environment has the cache time; userStacks is ignored with a warning', async () => {
    const { s, reporter } = await synth(fixture, { env: 'key-only' });
    expect(identityProviderOf(s.template)).to.equal('lambda');
    expect(gatewayIds(s.template)).to.include({
      directoryBucket: 'DirectoryBucket',
      identityFunction: 'IdentityFunction',
      identityLogGroup: 'IdentityLogGroup',
    });
    const env = (
      s.template.Resources.IdentityFunction.Properties as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;
    expect(env.DIRECTORY_CACHE_SECONDS).to.equal('60');
    expect(env.DIRECTORY_KEY).to.equal('directory.json');
    expect(s.children).to.deep.equal([]);
    expect((s.template.Metadata as { sftpgw: object }).sftpgw).to.not.have.property('userStacks');
    expect(reporter.warnings.join('\n')).to.match(/userStacks \(4\) is ignored/);
    expect(s.directory?.passwords).to.equal(false);
    expect(s.directoryText).to.equal(JSON.stringify(s.directory));
  });

  it('the staging template: the server stays service-managed, users stay in their child stacks, no warning', async () => {
    const { s, reporter } = await synth(fixture, { identityStage: true });
    expect(identityProviderOf(s.template)).to.equal('staging');
    expect(s.children.map((c) => c.id)).to.have.length(4);
    const server = s.template.Resources.Server.Properties as Record<string, unknown>;
    expect(server.IdentityProviderType).to.equal('SERVICE_MANAGED');
    expect(server).to.not.have.property('IdentityProviderDetails');
    expect(s.template.Resources).to.have.property('IdentityFunctionPermission');
    expect(reporter.warnings.join('\n')).to.not.match(/is ignored/);
    expect(s.directory).to.not.equal(undefined);
  });
});
