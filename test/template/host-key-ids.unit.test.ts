// The logical ids of the server's host keys (libsonnet/host-keys.libsonnet
// idOf) come from their secrets, not their positions: adding or removing an
// entry of server.hostKeys leaves every other key's id and properties as
// they were, so CloudFormation adds or deletes that key only. With
// positional ids (HostKey1, …) removing the first key — the last step of a
// rotation, docs/keys.md — would give HostKey1 the second key's secret, and
// HostKeyBody is create-only: a replacement that imports the second key again
// (a new DateImported, so perhaps a new active key). Rendered from the
// fixture project test/fixtures/projects/host-keys (default: two keys,
// rotating: a third, retired: the first removed), judged by the deploy
// plan's own code (planFacts: replacements from the registry schema's
// create-only properties, even where the change set says none).
import path from 'node:path';
import { expect } from 'chai';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { planFacts } from '../../cli/engine/deploy/plan.js';
import { templateDiff } from '../../cli/engine/deploy/template-diff.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { synthesize } from '../../cli/engine/synthesize.js';
import { gatewayIds } from '../../cli/engine/template/gateway-metadata.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { hostKeyIdsOf as idsOf } from '../helpers/host-key-ids.js';
import { repoRoot } from '../helpers/project.js';

const HOST_KEY = 'AWS::Transfer::HostKey';
const project = path.join(repoRoot, 'test', 'fixtures', 'projects', 'host-keys');
const ED_2026 = 'sftpgw/host-keys/ed25519-2026';
const RSA_2026 = 'sftpgw/host-keys/rsa-2026';
const ED_2027 = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform/ed25519-2027-AbCdEf';

async function render(env?: string): Promise<CfnTemplate> {
  const { template } = await synthesize(
    {
      configFile: path.join(project, 'sftpgw.yaml'),
      env,
      cwd: project,
      environment: {},
      today: '2026-06-01',
    },
    { jsonnet: libjsonnet, reporter: new RecordingReporter() },
  );
  return template;
}

const hostKeyIds = (t: CfnTemplate) =>
  Object.keys(t.Resources).filter((id) => t.Resources[id].Type === HOST_KEY);
const secretOf = (t: CfnTemplate, id: string) =>
  String((t.Resources[id].Properties as Record<string, unknown>).HostKeyBody);

/** The same template with the host keys named by position (HostKey1, … in Metadata order): sftpgw's ids before. */
function positional(t: CfnTemplate): CfnTemplate {
  const order = gatewayIds(t).hostKeys ?? [];
  const rename = (id: string) => (order.includes(id) ? `HostKey${order.indexOf(id) + 1}` : id);
  const resources = Object.fromEntries(
    Object.entries(t.Resources).map(([id, r]) => {
      const d = (r as { DependsOn?: string }).DependsOn;
      return [rename(id), d ? { ...r, DependsOn: rename(d) } : r];
    }),
  );
  return { ...t, Resources: resources as CfnTemplate['Resources'] };
}

describe('host keys: logical ids from the secret, stable when other keys come and go', () => {
  let byEnv: Record<'default' | 'rotating' | 'retired', CfnTemplate>;
  before(async () => {
    const [d, r, x] = await Promise.all([render(), render('rotating'), render('retired')]);
    byEnv = { default: d, rotating: r, retired: x };
  });

  it('HostKey + the readable end of the secret name + 6 hex of its md5; Metadata and DependsOn in config order', async () => {
    const [ed26, rsa26, ed27] = await idsOf([ED_2026, RSA_2026, ED_2027]);
    expect([ed26, rsa26, ed27]).to.deep.equal([
      'HostKeyEd255192026a34c09',
      'HostKeyRsa2026e73834',
      'HostKeyEd255192027AbCdEf5a9d8f',
    ]);
    const t = byEnv.rotating;
    expect(gatewayIds(t).hostKeys).to.deep.equal([ed26, rsa26, ed27]);
    expect(hostKeyIds(t).map((id) => [id, t.Resources[id].DependsOn])).to.have.deep.members([
      [ed26, undefined],
      [rsa26, ed26],
      [ed27, rsa26],
    ]);
    expect(secretOf(t, ed27)).to.equal(`{{resolve:secretsmanager:${ED_2027}:SecretString}}`);
  });

  it('two secrets with the same readable part get two ids; a changed secret (even name → ARN) is a new id', async () => {
    const ids = await idsOf([
      'team-a/ed25519',
      'team-b/ed25519',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:team-a/ed25519',
      '___',
      'x/a-very-long-secret-name-with-many-words-2026',
    ]);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids[0]).to.match(/^HostKeyEd25519[0-9a-f]{6}$/);
    expect(ids[1]).to.match(/^HostKeyEd25519[0-9a-f]{6}$/);
    expect(ids[3]).to.match(/^HostKey[0-9a-f]{6}$/);
    // The readable part is capped at 24 characters: ids stay short.
    expect(ids[4]).to.match(/^HostKeyAVeryLongSecretNameWithM[0-9a-f]{6}$/);
    for (const id of ids) expect(id).to.match(/^[A-Za-z0-9]{1,255}$/);
  });

  it('one secret listed twice (sftpgw.yaml refuses it first) stops the render instead of merging two keys into one resource', async () => {
    const code = `(import 'host-keys.libsonnet').list([{ secret: 'a/k' }, { secret: 'a/k' }], server={ serverId: 'S' }).resources`;
    const failed = await libjsonnet
      .evaluateSnippet(code, path.join(repoRoot, 'dup.jsonnet'), {
        jpath: [path.join(repoRoot, 'libsonnet')],
      })
      .then(
        () => '',
        (e: Error) => e.message,
      );
    expect(failed).to.include(
      'hostKeys.list: two entries of server.hostKeys get one logical id (HostKeyK',
    );
    expect(failed).to.include('list each secret once');
  });

  it('adding a key (default → rotating) keeps the others byte-identical: the change set only adds it', () => {
    // Two environments are two stacks: their tags name each one's stack.
    // Everything else of the kept keys is compared byte for byte.
    const untagged = (t: CfnTemplate): CfnTemplate => ({
      ...t,
      Resources: Object.fromEntries(
        Object.entries(t.Resources).map(([id, r]) => {
          const { Tags: _tags, ...props } = (r.Properties ?? {}) as Record<string, unknown>;
          return [id, { ...r, Properties: props }];
        }),
      ) as CfnTemplate['Resources'],
    });
    const before = untagged(byEnv.default);
    const after = untagged(byEnv.rotating);
    const diff = templateDiff(before, after).filter((d) => d.type === HOST_KEY);
    expect(diff.map((d) => [d.kind, secretOf(after, d.logicalId)])).to.deep.equal([
      ['added', `{{resolve:secretsmanager:${ED_2027}:SecretString}}`],
    ]);
    for (const id of hostKeyIds(before))
      expect(JSON.stringify(after.Resources[id])).to.equal(JSON.stringify(before.Resources[id]));
  });

  it('retiring the first key (rotating → retired) deletes it alone: the others keep id and Properties; only DependsOn of the next one goes', async () => {
    const { rotating: before, retired: after } = byEnv;
    const [ed26, rsa26, ed27] = await idsOf([ED_2026, RSA_2026, ED_2027]);
    expect(gatewayIds(after).hostKeys).to.deep.equal([rsa26, ed27]);
    for (const id of [rsa26, ed27])
      expect(JSON.stringify(after.Resources[id].Properties)).to.equal(
        JSON.stringify(before.Resources[id].Properties),
      );
    const diff = templateDiff(before, after).filter((d) => d.type === HOST_KEY);
    expect(diff.map((d) => [d.logicalId, d.kind, d.paths])).to.deep.equal([
      [ed26, 'removed', []],
      [rsa26, 'changed', ['DependsOn']],
    ]);
    // The plan deploy shows and guards: the removed key, no replacement.
    const facts = planFacts({
      changeSet: {
        changes: [
          { action: 'Remove', logicalId: ed26, resourceType: HOST_KEY },
          { action: 'Modify', logicalId: rsa26, resourceType: HOST_KEY, replacement: 'False' },
        ],
      },
      deployed: { root: before, children: {} },
      next: { root: after, children: {} },
    });
    expect(
      facts.changes
        .filter((c) => c.type === HOST_KEY)
        .map((c) => [c.action, c.logicalId, c.replacement]),
    ).to.deep.equal([
      ['remove', ed26, false],
      ['modify', rsa26, false],
    ]);
  });

  it('positional ids would replace the keys after the removed one (the reason for stable ids)', () => {
    const facts = planFacts({
      changeSet: { changes: [] },
      deployed: { root: positional(byEnv.rotating), children: {} },
      next: { root: positional(byEnv.retired), children: {} },
    });
    expect(
      facts.changes
        .filter((c) => c.type === HOST_KEY)
        .map((c) => [c.logicalId, c.replacement, c.why])
        .sort(),
    ).to.deep.equal([
      ['HostKey1', true, 'HostKeyBody is create-only and changes'],
      ['HostKey2', true, 'HostKeyBody is create-only and changes'],
    ]);
  });
});
