// The deploy guard for the server's host keys (cli/engine/host-keys/ and the
// host-key rule of cli/engine/deploy/guard.ts): which key Transfer Family
// presents per algorithm (the oldest), before and after a change set that
// adds, removes or replaces HostKey resources; the refusal and what it
// prints; the secrets a key to import comes from; and `host-keys retire`'s
// plan. Pure: plans written by hand (test/helpers/planned-changes.ts), the
// server's keys and the secrets given as data; private keys made in memory
// with node:crypto (PEM; ssh2 reads no PKCS#8 ed25519, so ed25519 keys are in
// the moto tests, made by ssh-keygen). The same rules against moto:
// test/deploy/host-key-guard-moto.test.ts. Templates are hand-written: the
// engine takes any logical id (sftpgw's own come from the secrets, as
// HostKeyEd255192026a34c09: test/template/host-key-ids.unit.test.ts).
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import type { StackResource } from '../../cli/adapters/aws/cloudformation.js';
import type { ServerHostKey, TransferApi } from '../../cli/adapters/aws/transfer.js';
import { guard, isRefused, refusal } from '../../cli/engine/deploy/guard.js';
import type { PlanFacts, PlannedChange, StackTemplates } from '../../cli/engine/deploy/types.js';
import type { DeployedParts } from '../../cli/engine/deployed-parts.js';
import type { SftpgwError } from '../../cli/engine/errors.js';
import { activeChanges, activeKeys, algorithmOf } from '../../cli/engine/host-keys/active.js';
import { creationOrder, withHostKeyFacts } from '../../cli/engine/host-keys/plan-checks.js';
import { publicKeyOf } from '../../cli/engine/host-keys/public-key.js';
import { listHostKeys, planRetire } from '../../cli/engine/host-keys/retire.js';
import { secretReference, type SecretReader } from '../../cli/engine/host-keys/secret-key.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { planDocument } from '../../cli/output-schemas/plan.js';
import { formatPlan } from '../../cli/plan-text.js';
import { change, replaced } from '../helpers/planned-changes.js';

const HOST_KEY = 'AWS::Transfer::HostKey';
const SERVER_ID = 's-0123456789abcdef0';
const SERVER_ARN = `arn:aws:transfer:us-east-1:123456789012:server/${SERVER_ID}`;
const keyArn = (id: string) =>
  `arn:aws:transfer:us-east-1:123456789012:host-key/${SERVER_ID}/${id}`;

const rsaPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
const ecdsaPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'sec1', format: 'pem' })
    .toString();
const fingerprintOf = (pem: string) => {
  const k = publicKeyOf(pem);
  if (!k.ok) throw new Error(k.problem);
  return k.fingerprint;
};

const generated: ServerHostKey = {
  id: 'hostkey-00000000000000000',
  type: 'ssh-rsa',
  fingerprint: 'SHA256:generatedGENERATEDgeneratedGENERATEDgenera',
  description: 'generated',
  dateImported: new Date('2026-01-01T00:00:00Z'),
};

const hostKeyResource = (secret: string, dependsOn?: string) => ({
  Type: HOST_KEY,
  Properties: {
    ServerId: { 'Fn::GetAtt': ['Server', 'ServerId'] },
    HostKeyBody: `{{resolve:secretsmanager:${secret}:SecretString}}`,
  },
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
});

function template(hostKeys: Record<string, unknown>): CfnTemplate {
  return {
    Metadata: { sftpgw: { ids: { server: 'Server', hostKeys: Object.keys(hostKeys) } } },
    Resources: {
      Server: { Type: 'AWS::Transfer::Server', Properties: { Protocols: ['SFTP'] } },
      ...(hostKeys as CfnTemplate['Resources']),
    },
  };
}

interface World {
  keys: ServerHostKey[];
  /** logical id → host key id of the deployed HostKey resources. */
  managed?: Record<string, string>;
  secrets: Record<string, string>;
  listError?: Error;
  secretError?: Error;
}

function deps(w: World) {
  const asked: string[] = [];
  const resources: StackResource[] = [
    { logicalId: 'Server', type: 'AWS::Transfer::Server', physicalId: SERVER_ARN, status: 'x' },
    ...Object.entries(w.managed ?? {}).map(([logicalId, id]) => ({
      logicalId,
      type: HOST_KEY,
      physicalId: keyArn(id),
      status: 'CREATE_COMPLETE',
    })),
  ];
  const transfer: TransferApi = {
    async listHostKeys(id) {
      asked.push(`ListHostKeys ${id}`);
      if (w.listError) throw w.listError;
      return w.keys;
    },
  };
  const secrets: SecretReader = {
    async value(id) {
      asked.push(`GetSecretValue ${id}`);
      if (w.secretError) throw w.secretError;
      return w.secrets[id];
    },
  };
  return {
    asked,
    deps: {
      cfn: { stackResources: async () => resources },
      transfer: async () => transfer,
      secrets: async () => secrets,
    },
  };
}

async function judge(
  w: World,
  changes: readonly PlannedChange[],
  deployed: CfnTemplate,
  next: CfnTemplate,
  allowHostKeyChange = false,
) {
  const d = deps(w);
  const stack: { stackName: string; deployed: StackTemplates; next: StackTemplates } = {
    stackName: 'gw',
    deployed: { root: deployed, children: {} },
    next: { root: next, children: {} },
  };
  const facts: PlanFacts = await withHostKeyFacts({ changes: [...changes] }, d.deps, stack);
  return { plan: guard(facts, { allowReplace: [], allowHostKeyChange }), asked: d.asked };
}

describe('host keys: the active key per algorithm (the oldest, by DateImported)', () => {
  it('the generated key stays active over a newer imported key of its algorithm', () => {
    const imported = {
      ...generated,
      id: 'hostkey-1',
      fingerprint: 'SHA256:new',
      dateImported: new Date('2026-02-01'),
    };
    expect(activeKeys([imported, generated]).get('RSA')).to.equal(generated);
  });

  it('a key without a date counts as the oldest; keys a deploy imports as the newest, in list order', () => {
    const undated = { type: 'ssh-rsa', fingerprint: 'SHA256:undated' };
    const a = { type: 'ssh-rsa', fingerprint: 'SHA256:a', importedByDeploy: true };
    const b = { type: 'ssh-rsa', fingerprint: 'SHA256:b', importedByDeploy: true };
    expect(activeKeys([generated, undated]).get('RSA')?.fingerprint).to.equal('SHA256:undated');
    expect(activeKeys([a, b]).get('RSA')?.fingerprint).to.equal('SHA256:a');
    expect(activeKeys([b, a]).get('RSA')?.fingerprint).to.equal('SHA256:b');
  });

  it('algorithms as Transfer Family groups them: RSA, ECDSA (every curve), ED25519', () => {
    expect(
      ['ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp521', 'ssh-ed25519'].map(algorithmOf),
    ).to.deep.equal(['RSA', 'ECDSA', 'ECDSA', 'ED25519']);
  });

  it('changes: a different key, a new algorithm, an algorithm gone; the same keys: none', () => {
    const ed = { type: 'ssh-ed25519', fingerprint: 'SHA256:ed' };
    const ec = { type: 'ecdsa-sha2-nistp256', fingerprint: 'SHA256:ec' };
    expect(activeChanges([generated, ed], [generated, ed])).to.deep.equal([]);
    expect(activeChanges([generated, ec], [generated, ed]).map((c) => c.algorithm)).to.deep.equal([
      'ECDSA',
      'ED25519',
    ]);
    const [gone, fresh] = activeChanges([generated, ec], [generated, ed]);
    expect(gone.after).to.equal(undefined);
    expect(fresh.before).to.equal(undefined);
  });

  it('creation order: along DependsOn between HostKeys, whatever order they are listed in', () => {
    const t = template({
      HostKey1: hostKeyResource('a'),
      HostKey2: hostKeyResource('b', 'HostKey1'),
      HostKey3: hostKeyResource('c', 'HostKey2'),
    });
    expect(creationOrder(t, ['HostKey3', 'HostKey1', 'HostKey2'])).to.deep.equal([
      'HostKey1',
      'HostKey2',
      'HostKey3',
    ]);
    // Without DependsOn: Metadata.sftpgw.ids.hostKeys (config order), then the id, numerically.
    const loose = template({ HostKey10: hostKeyResource('a'), HostKey2: hostKeyResource('b') });
    (loose.Metadata as { sftpgw: { ids: { hostKeys: string[] } } }).sftpgw.ids.hostKeys = [];
    expect(creationOrder(loose, ['HostKey10', 'HostKey2'])).to.deep.equal([
      'HostKey2',
      'HostKey10',
    ]);
    // sftpgw's ids (from the secrets) do not sort in config order: Metadata decides.
    const named = template({
      HostKeyZulu0a1b2c: hostKeyResource('zulu'),
      HostKeyAlpha3d4e5f: hostKeyResource('alpha'),
    });
    expect(creationOrder(named, ['HostKeyAlpha3d4e5f', 'HostKeyZulu0a1b2c'])).to.deep.equal([
      'HostKeyZulu0a1b2c',
      'HostKeyAlpha3d4e5f',
    ]);
  });
});

describe('deploy guard: host keys (refused unless --allow-host-key-change)', () => {
  it('no HostKey change: Transfer Family and Secrets Manager are not asked', async () => {
    const { plan, asked } = await judge(
      { keys: [generated], secrets: {} },
      [change('add', 'Bucket2', 'AWS::S3::Bucket')],
      template({}),
      template({}),
    );
    expect(asked).to.deep.equal([]);
    expect(plan.hostKeys).to.equal(undefined);
  });

  it('an RSA key added next to the generated RSA key: not active, allowed; partners see the same keys', async () => {
    const pem = rsaPem();
    const { plan, asked } = await judge(
      { keys: [generated], secrets: { 'sftpgw/host-keys/rsa': pem } },
      [change('add', 'HostKey1', HOST_KEY)],
      template({}),
      template({ HostKey1: hostKeyResource('sftpgw/host-keys/rsa') }),
    );
    expect(asked).to.deep.equal([
      `ListHostKeys ${SERVER_ID}`,
      'GetSecretValue sftpgw/host-keys/rsa',
    ]);
    expect(plan.hostKeys).to.deep.equal({ serverId: SERVER_ID, algorithms: [], allowed: false });
    expect(isRefused(plan)).to.equal(false);
  });

  it('a key of a new algorithm: refused, naming the algorithm and both fingerprints; allowed with the flag', async () => {
    const pem = ecdsaPem();
    const w = { keys: [generated], secrets: { 'sftpgw/host-keys/ecdsa': pem } };
    const args = [
      [change('add', 'HostKey1', HOST_KEY)],
      template({}),
      template({ HostKey1: hostKeyResource('sftpgw/host-keys/ecdsa') }),
    ] as const;
    const { plan } = await judge(w, ...args);
    expect(plan.hostKeys?.algorithms).to.deep.equal([
      {
        algorithm: 'ECDSA',
        after: {
          type: 'ecdsa-sha2-nistp256',
          fingerprint: fingerprintOf(pem),
          logicalId: 'HostKey1',
          secretId: 'sftpgw/host-keys/ecdsa',
        },
      },
    ]);
    expect(isRefused(plan)).to.equal(true);
    const err = refusal(plan, 'gw');
    expect(err.message).to.equal(
      'refused: the change to gw changes the host key partners see for 1 algorithm (ECDSA)',
    );
    expect(err.hint).to.include('--allow-host-key-change').and.include('known_hosts');
    expect(err.problems).to.deep.equal([
      {
        field: 'ECDSA host key',
        message:
          'a new algorithm: clients that prefer ECDSA keys will be shown this key, which they never pinned',
      },
      { field: 'ECDSA before', message: 'none (no key of this algorithm)' },
      {
        field: 'ECDSA after',
        message: `${fingerprintOf(pem)} (HostKey1, from secret sftpgw/host-keys/ecdsa)`,
      },
    ]);
    const text = formatPlan('Changes:', plan, false);
    expect(text).to.include(
      'the host key partners see changes for ECDSA (REFUSED without --allow-host-key-change)',
    );
    expect(text).to.include(`after:  ${fingerprintOf(pem)} (HostKey1, from secret`);
    for (const line of pem.split('\n').filter((l) => l.length > 20))
      expect(text + JSON.stringify(err) + JSON.stringify(planDocument(plan))).to.not.include(line);

    const allowed = (await judge(w, ...args, true)).plan;
    expect(isRefused(allowed)).to.equal(false);
    expect(formatPlan('Changes:', allowed, false)).to.include('allowed by --allow-host-key-change');
    expect(planDocument(allowed).hostKeys).to.deep.equal({
      serverId: SERVER_ID,
      algorithms: [
        {
          algorithm: 'ECDSA',
          before: null,
          after: {
            type: 'ecdsa-sha2-nistp256',
            fingerprint: fingerprintOf(pem),
            id: null,
            logicalId: 'HostKey1',
            secretId: 'sftpgw/host-keys/ecdsa',
          },
        },
      ],
      allowed: true,
    });
  });

  it('removing an imported key that is not active: allowed', async () => {
    const imported = {
      ...generated,
      id: 'hostkey-11111111111111111',
      fingerprint: 'SHA256:imp',
      dateImported: new Date('2026-03-01'),
    };
    const { plan, asked } = await judge(
      { keys: [generated, imported], managed: { HostKey1: imported.id! }, secrets: {} },
      [change('remove', 'HostKey1', HOST_KEY)],
      template({ HostKey1: hostKeyResource('old') }),
      template({}),
    );
    expect(asked).to.deep.equal([`ListHostKeys ${SERVER_ID}`]);
    expect(plan.hostKeys?.algorithms).to.deep.equal([]);
    expect(isRefused(plan)).to.equal(false);
  });

  it('removing the active key (the generated one retired before): the next oldest becomes active, refused', async () => {
    const k1 = {
      ...generated,
      id: 'hostkey-11111111111111111',
      fingerprint: 'SHA256:one',
      dateImported: new Date('2026-03-01'),
    };
    const k2 = {
      ...generated,
      id: 'hostkey-22222222222222222',
      fingerprint: 'SHA256:two',
      dateImported: new Date('2026-03-02'),
    };
    // The last step of a rotation: the first entry removed, the second keeps its id.
    const [one, two] = ['HostKeyOne0a1b2c', 'HostKeyTwo3d4e5f'];
    const { plan } = await judge(
      { keys: [k2, k1], managed: { [one]: k1.id!, [two]: k2.id! }, secrets: {} },
      [change('remove', one, HOST_KEY)],
      template({ [one]: hostKeyResource('one'), [two]: hostKeyResource('two', one) }),
      template({ [two]: hostKeyResource('two') }),
    );
    expect(plan.hostKeys?.algorithms).to.deep.equal([
      {
        algorithm: 'RSA',
        before: { type: 'ssh-rsa', fingerprint: 'SHA256:one', id: k1.id, logicalId: one },
        after: { type: 'ssh-rsa', fingerprint: 'SHA256:two', id: k2.id, logicalId: two },
      },
    ]);
    expect(isRefused(plan)).to.equal(true);
  });

  it("removing an algorithm's last key: refused (its clients switch to a key of another algorithm)", async () => {
    const ec = {
      id: 'hostkey-33333333333333333',
      type: 'ecdsa-sha2-nistp256',
      fingerprint: 'SHA256:ec',
      dateImported: new Date('2026-03-01'),
    };
    const { plan } = await judge(
      { keys: [generated, ec], managed: { HostKey1: ec.id }, secrets: {} },
      [change('remove', 'HostKey1', HOST_KEY)],
      template({ HostKey1: hostKeyResource('ec') }),
      template({}),
    );
    expect(refusal(plan, 'gw').problems?.[0]).to.deep.equal({
      field: 'ECDSA host key',
      message:
        'its last key goes: clients that pinned it switch to a key of another algorithm, or cannot connect',
    });
  });

  it('the active key from another secret: refused, the old and the new fingerprint (a new id, as sftpgw renders it, or the id kept: a replacement)', async () => {
    const k1 = {
      ...generated,
      id: 'hostkey-11111111111111111',
      fingerprint: 'SHA256:one',
      dateImported: new Date('2026-03-01'),
    };
    const pem = rsaPem();
    const { plan } = await judge(
      { keys: [k1], managed: { HostKey1: k1.id! }, secrets: { 'rsa-2027': pem } },
      [replaced('HostKey1', HOST_KEY)],
      template({ HostKey1: hostKeyResource('rsa-2026') }),
      template({ HostKey1: hostKeyResource('rsa-2027') }),
    );
    expect(
      plan.hostKeys?.algorithms.map((c) => [c.before?.fingerprint, c.after?.fingerprint]),
    ).to.deep.equal([['SHA256:one', fingerprintOf(pem)]]);
    expect(isRefused(plan)).to.equal(true);
    // sftpgw's ids come from the secret: the change set removes one and adds the other.
    const swapped = await judge(
      { keys: [k1], managed: { HostKeyRsa2026aaaaaa: k1.id! }, secrets: { 'rsa-2027': pem } },
      [
        change('remove', 'HostKeyRsa2026aaaaaa', HOST_KEY),
        change('add', 'HostKeyRsa2027bbbbbb', HOST_KEY),
      ],
      template({ HostKeyRsa2026aaaaaa: hostKeyResource('rsa-2026') }),
      template({ HostKeyRsa2027bbbbbb: hostKeyResource('rsa-2027') }),
    );
    expect(
      swapped.plan.hostKeys?.algorithms.map((c) => [
        c.before?.fingerprint,
        c.before?.logicalId,
        c.after?.fingerprint,
        c.after?.logicalId,
      ]),
    ).to.deep.equal([
      ['SHA256:one', 'HostKeyRsa2026aaaaaa', fingerprintOf(pem), 'HostKeyRsa2027bbbbbb'],
    ]);
    expect(isRefused(swapped.plan)).to.equal(true);
  });

  it('two new keys of one algorithm: the one created first (DependsOn) is active, whatever the change set lists first', async () => {
    const [a, b] = [ecdsaPem(), ecdsaPem()];
    const { plan } = await judge(
      { keys: [generated], secrets: { a, b } },
      [change('add', 'HostKey2', HOST_KEY), change('add', 'HostKey1', HOST_KEY)],
      template({}),
      template({ HostKey1: hostKeyResource('a'), HostKey2: hostKeyResource('b', 'HostKey1') }),
    );
    expect(plan.hostKeys?.algorithms[0].after?.fingerprint).to.equal(fingerprintOf(a));
  });

  describe('a key that cannot be read: refused, naming the resource and the secret, never its value', () => {
    const next = template({ HostKey1: hostKeyResource('sftpgw/host-keys/x') });
    const attempt = (w: World) =>
      judge(w, [change('add', 'HostKey1', HOST_KEY)], template({}), next).then(
        () => expect.fail('not refused'),
        (err: SftpgwError) => err,
      );

    it('the secret does not exist', async () => {
      const err = await attempt({ keys: [generated], secrets: {} });
      expect(err.message).to.equal(
        'refused: HostKey1: secret sftpgw/host-keys/x does not exist in this account and region (or holds no SecretString)',
      );
      expect(err.hint).to.include('aws secretsmanager create-secret --name sftpgw/host-keys/x');
    });

    it('reading it is denied: the permission it needs', async () => {
      const denied = Object.assign(new Error('User: arn:aws:iam::1:user/ci is not authorized'), {
        name: 'AccessDeniedException',
      });
      const err = await attempt({ keys: [generated], secrets: {}, secretError: denied });
      expect(err.message).to.include(
        'cannot read secret sftpgw/host-keys/x (AccessDeniedException',
      );
      expect(err.hint).to.include('secretsmanager:GetSecretValue on sftpgw/host-keys/x');
    });

    for (const [what, value, problem] of [
      ['not a key', 'password=hunter2-very-secret-value', 'it is not a private key ssh2 can read'],
      [
        'a public key',
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBUr1YQzfE0Ki6B3ZY1Gz7VZ3sV2h1YQ4QJ1y0n7eZQZ c',
        'it is a public key, not a private key',
      ],
      [
        'an encrypted key',
        '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nsecretbodysecretbodysecretbody\n-----END RSA PRIVATE KEY-----\n',
        'it is encrypted with a passphrase',
      ],
    ] as const) {
      it(`it holds ${what}: the format needed, the value never echoed`, async () => {
        const err = await attempt({ keys: [generated], secrets: { 'sftpgw/host-keys/x': value } });
        expect(err.message).to.equal(
          `refused: HostKey1: secret sftpgw/host-keys/x does not hold a host private key: ${problem}`,
        );
        expect(err.hint).to.include('OpenSSH or PEM');
        expect(JSON.stringify({ m: err.message, h: err.hint, p: err.problems })).to.not.include(
          value.split('\n').find((l) => l.length > 20) ?? value,
        );
      });
    }

    it('ListHostKeys denied: refused, naming transfer:ListHostKeys', async () => {
      const err = await attempt({ keys: [], secrets: {}, listError: new Error('not authorized') });
      expect(err.message).to.include('its keys cannot be listed: not authorized');
      expect(err.hint).to.include(`transfer:ListHostKeys on the server ${SERVER_ID}`);
    });
  });
});

describe('host keys: the dynamic reference and the private key', () => {
  it('reads the secret a dynamic reference names (a name, an ARN, a JSON key); refuses versions', () => {
    expect(secretReference('{{resolve:secretsmanager:sftpgw/hk:SecretString}}')).to.deep.equal({
      secretId: 'sftpgw/hk',
    });
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sftpgw/hk-AbCdEf';
    expect(secretReference(`{{resolve:secretsmanager:${arn}:SecretString:key}}`)).to.deep.equal({
      secretId: arn,
      jsonKey: 'key',
    });
    expect(secretReference('{{resolve:secretsmanager:hk}}')).to.deep.equal({ secretId: 'hk' });
    expect(
      secretReference('{{resolve:secretsmanager:hk:SecretString::AWSPREVIOUS}}'),
    ).to.have.property('problem');
    expect(secretReference('-----BEGIN OPENSSH PRIVATE KEY-----')).to.have.property('problem');
  });

  it('derives type and fingerprint in memory from PEM RSA and ECDSA keys', () => {
    const rsa = publicKeyOf(rsaPem());
    expect(rsa).to.include({ ok: true, type: 'ssh-rsa' });
    expect(publicKeyOf(ecdsaPem())).to.include({ ok: true, type: 'ecdsa-sha2-nistp256' });
    expect((rsa as { fingerprint: string }).fingerprint).to.match(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('sftpgw host-keys retire: the plan (refusals, what partners see)', () => {
  const imported = {
    id: 'hostkey-11111111111111111',
    type: 'ssh-rsa',
    fingerprint: 'SHA256:imp',
    dateImported: new Date('2026-03-01'),
  };
  const ec = {
    id: 'hostkey-33333333333333333',
    type: 'ecdsa-sha2-nistp256',
    fingerprint: 'SHA256:ec',
    description: 'by hand',
    dateImported: new Date('2026-03-05'),
  };
  const parts = (managed: Record<string, string>): DeployedParts => ({
    stackName: 'gw',
    identityProvider: 'service-managed',
    find: () => SERVER_ARN,
    require: () => SERVER_ARN,
    ofType: (type) =>
      type === HOST_KEY
        ? Object.entries(managed).map(([logicalId, id]) => ({ logicalId, physicalId: keyArn(id) }))
        : [],
  });
  const transfer = (keys: ServerHostKey[]): TransferApi => ({ listHostKeys: async () => keys });

  it('lists by algorithm, oldest first, the active one marked, the HostKey resource named', async () => {
    const l = await listHostKeys(
      parts({ HostKey1: imported.id }),
      transfer([ec, imported, generated]),
    );
    expect(l.keys.map((k) => [k.algorithm, k.id, k.active, k.logicalId])).to.deep.equal([
      ['ECDSA', ec.id, true, undefined],
      ['RSA', generated.id, true, undefined],
      ['RSA', imported.id, false, 'HostKey1'],
    ]);
  });

  it('retiring the generated key: the imported key of its algorithm becomes active', async () => {
    const l = await listHostKeys(parts({ HostKey1: imported.id }), transfer([generated, imported]));
    const plan = planRetire(l, generated.id!);
    expect(plan.changes.map((c) => [c.algorithm, c.before?.id, c.after?.id])).to.deep.equal([
      ['RSA', generated.id, imported.id],
    ]);
  });

  it('refuses: an unknown id, a key the stack manages, the only key, the only key of an algorithm (unless --allow-last-key)', async () => {
    const l = await listHostKeys(
      parts({ HostKey1: imported.id }),
      transfer([generated, imported, ec]),
    );
    expect(() => planRetire(l, 'hostkey-99999999999999999')).to.throw(
      /has no host key hostkey-9{17}/,
    );
    expect(() => planRetire(l, imported.id)).to.throw(
      `refused: ${imported.id} is HostKey1 of stack gw: the stack manages it`,
    );
    expect(() => planRetire(l, ec.id)).to.throw(/only ECDSA key/);
    const plan = planRetire(l, ec.id, { allowLastKey: true });
    expect(plan.changes).to.deep.equal([{ algorithm: 'ECDSA', before: l.keys[0] }]);
    const alone = await listHostKeys(parts({}), transfer([generated]));
    expect(() => planRetire(alone, generated.id!, { allowLastKey: true })).to.throw(
      /the server's only host key/,
    );
  });
});
