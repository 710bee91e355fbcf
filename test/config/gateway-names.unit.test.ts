// The names the CLI, the push function and the template must spell alike
// (shared/gateway-names.ts; libsonnet/tags.libsonnet spells the tag for the
// template). A tag spelt differently in the template and in the CLI would
// leave the function unable to read any destination secret the CLI writes.
import { expect } from 'chai';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { loadConfig } from '../../cli/engine/config/load.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { synthesize } from '../../cli/engine/synthesize.js';
import {
  defaultSecretPrefix,
  destinationSecretName,
  GATEWAY_TAG,
} from '../../shared/gateway-names.js';
import { repoRoot } from '../helpers/project.js';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}
interface Statement {
  Sid?: string;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every IAM policy statement in a resource's Properties, wherever it sits. */
function statements(value: unknown, out: Statement[] = []): Statement[] {
  if (Array.isArray(value)) for (const v of value) statements(v, out);
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.Statement)) out.push(...(o.Statement as Statement[]));
    for (const v of Object.values(o)) statements(v, out);
  }
  return out;
}

describe('gateway names (shared/gateway-names.ts)', () => {
  it('the jsonnet library names the same gateway tag as the TypeScript code', async () => {
    const text = await libjsonnet.evaluateSnippet(
      "(import 'tags.libsonnet').gatewayTag",
      path.join(repoRoot, 'test.jsonnet'),
      { jpath: [path.join(repoRoot, 'libsonnet')] },
    );
    expect(JSON.parse(text)).to.equal(GATEWAY_TAG);
  });

  it('the example gateway tags its resources with the tag its function policy requires on secrets', async () => {
    const { template } = await synthesize(
      { configFile: path.join(repoRoot, 'sftpgw.yaml'), cwd: repoRoot, environment: {} },
      { jsonnet: libjsonnet, reporter: new RecordingReporter() },
    );
    const config = await loadConfig(
      { configFile: path.join(repoRoot, 'sftpgw.yaml'), cwd: repoRoot, environment: {} },
      new RecordingReporter(),
    );
    const resources = Object.values(
      (template as { Resources: Record<string, Resource> }).Resources,
    );

    // The function reads only secrets carrying GATEWAY_TAG = the stack.
    const read = resources
      .flatMap((r) => statements(r.Properties))
      .find((s) => s.Sid === 'ReadThisGatewaysDestinations');
    expect(read?.Condition?.StringEquals, 'the secret-read statement').to.deep.equal({
      [`secretsmanager:ResourceTag/${GATEWAY_TAG}`]: { Ref: 'AWS::StackName' },
    });

    // ... and the CLI puts the same tag, valued with the stack name, on what it builds.
    const server = resources.find((r) => r.Type === 'AWS::Transfer::Server');
    expect(server?.Properties?.Tags).to.deep.include({ Key: GATEWAY_TAG, Value: config.stackName });
  });

  it('the default secret prefix is sftpgw/<stack>, and the config falls back to it', async () => {
    expect(defaultSecretPrefix('gw')).to.equal('sftpgw/gw');
    const config = await loadConfig(
      { configFile: path.join(repoRoot, 'sftpgw.yaml'), cwd: repoRoot, environment: {} },
      new RecordingReporter(),
    );
    expect(config.outbound?.secretPrefix).to.equal(defaultSecretPrefix(config.stackName));
  });

  it('a destination secret is <prefix>/<key>, whether or not the prefix ends in a slash', () => {
    expect(destinationSecretName('sftpgw/gw', 'acme')).to.equal('sftpgw/gw/acme');
    expect(destinationSecretName('partners/gw//', 'acme')).to.equal('partners/gw/acme');
  });
});
