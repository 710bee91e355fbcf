// The server's host keys end to end against a real moto (through
// test/helpers/moto/launcher.py: ListHostKeys and DeleteHostKey, a generated
// RSA key per server, HostKey resources whose HostKeyBody dynamic reference
// is resolved from moto's Secrets Manager, DateImported as AWS gives it):
// sftpgw deploy and diff as processes, refusing a change of the key partners
// see per algorithm unless --allow-host-key-change, with the fingerprints
// before and after; sftpgw host-keys list and retire making an imported key
// active by deleting the generated one; a rotation whose last step (the
// first key removed) deletes that key alone: the others keep their
// HostKeyId and DateImported (logical ids come from the secrets,
// libsonnet/host-keys.libsonnet). The templates are written by hand with the
// ids a build gives (test/helpers/host-key-ids.ts). Private keys come from
// ssh-keygen, live only in moto's Secrets Manager and must appear in no output.
// The rules one by one, as data: test/deploy/deploy-plan-host-keys.unit.test.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListHostKeysCommand, TransferClient } from '@aws-sdk/client-transfer';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { hostKeyIdsOf } from '../helpers/host-key-ids.js';
import { keyPair, secretFragments, sshKeygenFingerprint } from '../helpers/keys.js';
import { cleanTempDirs, runCliAsync, tempDir, type RunResult } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const ARTIFACTS = 'sftpgw-artifacts';
const ajv = new Ajv({ allErrors: true });

describe('host keys against moto: the deploy guard, host-keys list and retire', function () {
  this.timeout(180_000);
  let moto: Moto;
  let env: Record<string, string>;
  let transfer: TransferClient;
  let cfn: CloudFormationClient;
  const outputs: string[] = [];
  const rsa = keyPair('rsa:2048', 'hostkey-rsa');
  const ed25519 = keyPair('ed25519', 'hostkey-ed25519');
  const rsaNext = keyPair('rsa:2048', 'hostkey-rsa-next');
  // The logical ids a build gives each secret's key.
  let RSA: string;
  let ED: string;
  let NEXT: string;
  let MISSING: string;
  let NOT_A_KEY: string;

  before(async function () {
    dir = tempDir();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      `stackName: hk\nartifacts:\n  bucket: ${ARTIFACTS}\n`,
    );
    [RSA, ED, NEXT, MISSING, NOT_A_KEY] = await hostKeyIdsOf([
      'sftpgw/host-keys/rsa',
      'sftpgw/host-keys/ed25519',
      'sftpgw/host-keys/rsa-next',
      'sftpgw/host-keys/missing',
      'sftpgw/host-keys/not-a-key',
    ]);
    moto = await startMoto();
    env = moto.env;
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    const at = { endpoint: moto.endpoint, region: 'us-east-1', credentials };
    transfer = new TransferClient(at);
    cfn = new CloudFormationClient(at);
    await new S3Client({ ...at, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: ARTIFACTS }),
    );
    const sm = new SecretsManagerClient(at);
    for (const [name, value] of [
      ['sftpgw/host-keys/rsa', rsa.privateKey],
      ['sftpgw/host-keys/ed25519', ed25519.privateKey],
      ['sftpgw/host-keys/rsa-next', rsaNext.privateKey],
      ['sftpgw/host-keys/not-a-key', 'password: hunter2-not-a-private-key'],
    ])
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  // Made in before(), not while the file loads: an earlier file's after()
  // (cleanTempDirs) would delete a folder made at load time.
  let dir: string;

  const hostKey = (secret: string, dependsOn?: string) => ({
    Type: 'AWS::Transfer::HostKey',
    Properties: {
      ServerId: { 'Fn::GetAtt': ['Server', 'ServerId'] },
      HostKeyBody: `{{resolve:secretsmanager:${secret}:SecretString}}`,
      Description: secret,
    },
    ...(dependsOn ? { DependsOn: dependsOn } : {}),
  });

  function write(hostKeys: Record<string, unknown>): void {
    writeFileSync(
      path.join(dir, 'template.json'),
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Metadata: { sftpgw: { ids: { server: 'Server', hostKeys: Object.keys(hostKeys) } } },
        Resources: {
          Server: {
            Type: 'AWS::Transfer::Server',
            Properties: { Protocols: ['SFTP'], IdentityProviderType: 'SERVICE_MANAGED' },
          },
          ...hostKeys,
        },
      }),
    );
  }

  async function cli(args: string[]): Promise<RunResult> {
    const r = await runCliAsync(args, { cwd: dir, env });
    outputs.push(r.stdout, r.stderr);
    return r;
  }
  const deploy = (...more: string[]) =>
    cli(['deploy', '--template', 'template.json', '--yes', ...more]);

  async function serverId(): Promise<string> {
    const r = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'hk' }));
    return r
      .StackResources!.find((x) => x.LogicalResourceId === 'Server')!
      .PhysicalResourceId!.split('/')
      .pop()!;
  }
  async function keys() {
    return (await transfer.send(new ListHostKeysCommand({ ServerId: await serverId() }))).HostKeys!;
  }
  function json(file: string, r: RunResult) {
    const doc = JSON.parse(r.stdout);
    const validate = ajv.compile(outputSchema(file));
    expect(validate(doc), ajv.errorsText(validate.errors)).to.equal(true);
    return doc;
  }

  const rsaPrint = sshKeygenFingerprint(rsa.publicKey);
  const edPrint = sshKeygenFingerprint(ed25519.publicKey);
  const nextPrint = sshKeygenFingerprint(rsaNext.publicKey);
  let generated: string;

  it('a server without host keys of its own: one generated RSA key, active (host-keys list)', async () => {
    write({});
    const r = await deploy();
    expect(r.status, r.stderr).to.equal(0);
    const listed = await keys();
    expect(listed.map((k) => k.Type)).to.deep.equal(['ssh-rsa']);
    generated = listed[0].HostKeyId!;
    const text = await cli(['host-keys', 'list']);
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.match(
      new RegExp(
        `^RSA +${listed[0].Fingerprint!.replace(/[+/]/g, '\\$&')} +active +${generated} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC +- +generated by Transfer Family$`,
        'm',
      ),
    );
  });

  it('importing an RSA and an ED25519 key: diff and deploy refuse the new algorithm (ED25519) with its fingerprint; nothing changes', async () => {
    write({
      [RSA]: hostKey('sftpgw/host-keys/rsa'),
      [ED]: hostKey('sftpgw/host-keys/ed25519', RSA),
    });
    const diff = await cli(['diff', '--template', 'template.json']);
    expect(diff.status, diff.stderr).to.equal(3);
    expect(diff.stdout).to.include(
      'the host key partners see changes for ED25519 (REFUSED without --allow-host-key-change)',
    );
    expect(diff.stdout).to.include('      before: none (no key of this algorithm)');
    expect(diff.stdout).to.include(
      `      after:  ${edPrint} (${ED}, from secret sftpgw/host-keys/ed25519)`,
    );
    expect(diff.stdout).to.include('a deploy would refuse this without --allow-host-key-change');
    // RSA: the generated key stays the oldest, so partners see no change for it.
    expect(diff.stdout).to.not.include('RSA:');
    const doc = json(
      'diff.schema.json',
      await cli(['diff', '--template', 'template.json', '--output', 'json']),
    );
    expect(
      doc.plan.hostKeys.algorithms.map((a: { algorithm: string }) => a.algorithm),
    ).to.deep.equal(['ED25519']);
    expect(doc.plan.hostKeys.allowed).to.equal(false);

    const refused = await deploy();
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.include(
      'refused: the change to hk changes the host key partners see for 1 algorithm (ED25519)',
    );
    expect(refused.stderr).to.include(edPrint).and.include('--allow-host-key-change');
    expect(await keys()).to.have.length(1);
  });

  it('deployed with --allow-host-key-change: both imported, the generated RSA key still active', async () => {
    const r = await deploy('--allow-host-key-change');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('allowed by --allow-host-key-change');
    const listed = json(
      'host-keys-list.schema.json',
      await cli(['host-keys', 'list', '--output', 'json']),
    );
    expect(
      listed.keys.map((k: Record<string, unknown>) => [
        k.algorithm,
        k.fingerprint,
        k.active,
        k.logicalId,
      ]),
    ).to.deep.equal([
      ['ED25519', edPrint, true, ED],
      ['RSA', (await keys()).find((k) => k.HostKeyId === generated)!.Fingerprint, true, null],
      ['RSA', rsaPrint, false, RSA],
    ]);
  });

  it('host-keys retire: refuses a key the stack manages; without --yes off a terminal deletes nothing', async () => {
    const managed = (await keys()).find((k) => k.Fingerprint === rsaPrint)!.HostKeyId!;
    const r = await cli(['host-keys', 'retire', managed, '--yes']);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include(`refused: ${managed} is ${RSA} of stack hk: the stack manages it`);
    const plan = await cli(['host-keys', 'retire', generated]);
    expect(plan.status).to.equal(2);
    expect(plan.stdout).to.include(`    after:  ${rsaPrint} (${managed}, ${RSA})`);
    expect(plan.stderr).to.include(
      `not a terminal and no --yes: host key ${generated} was not deleted`,
    );
    expect(await keys()).to.have.length(3);
  });

  it('host-keys retire GENERATED --yes: deleted (DeleteHostKey); the imported RSA key is active', async () => {
    const r = await cli(['host-keys', 'retire', generated, '--yes', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const doc = json('host-keys-retire.schema.json', r);
    expect(doc.retired).to.equal(true);
    expect(doc.changes).to.have.length(1);
    expect(doc.changes[0].after.fingerprint).to.equal(rsaPrint);
    expect((await keys()).map((k) => k.Fingerprint).sort()).to.deep.equal(
      [edPrint, rsaPrint].sort(),
    );
    expect(
      doc.keys
        .filter((k: { active: boolean }) => k.active)
        .map((k: { fingerprint: string }) => k.fingerprint)
        .sort(),
    ).to.deep.equal([edPrint, rsaPrint].sort());
  });

  it('removing the active RSA key (its last): refused, RSA before and after (none)', async () => {
    write({ [ED]: hostKey('sftpgw/host-keys/ed25519') });
    const r = await deploy();
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('(RSA)');
    expect(r.stdout).to.include(`      before: ${rsaPrint} (${RSA},`);
    expect(r.stdout).to.include('      after:  none (no key of this algorithm)');
    expect(await keys()).to.have.length(2);
  });

  it('a rotation (docs/keys.md): the next RSA key added after the others changes nothing partners see; removing the first key deletes it alone, the others keep HostKeyId and DateImported', async () => {
    // Add: the next key is the newest RSA key, the current one stays active.
    write({
      [RSA]: hostKey('sftpgw/host-keys/rsa'),
      [ED]: hostKey('sftpgw/host-keys/ed25519', RSA),
      [NEXT]: hostKey('sftpgw/host-keys/rsa-next', ED),
    });
    const added = await deploy();
    expect(added.status, added.stderr).to.equal(0);
    expect(added.stdout).to.not.include('the host key partners see changes');
    const before = new Map((await keys()).map((k) => [k.Fingerprint, k]));
    expect([...before.keys()].sort()).to.deep.equal([edPrint, nextPrint, rsaPrint].sort());

    // Activate: the first entry removed. The guard sees the RSA key change, nothing else.
    write({
      [ED]: hostKey('sftpgw/host-keys/ed25519'),
      [NEXT]: hostKey('sftpgw/host-keys/rsa-next', ED),
    });
    const refused = await deploy();
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.include('for 1 algorithm (RSA)');
    expect(refused.stdout).to.include(`      before: ${rsaPrint} (${RSA},`);
    expect(refused.stdout).to.include(`      after:  ${nextPrint} (${NEXT},`);
    const r = await deploy('--allow-host-key-change');
    expect(r.status, r.stderr).to.equal(0);

    // Only the removed key left the server; the others are the same imports.
    const after = await keys();
    expect(after.map((k) => k.Fingerprint).sort()).to.deep.equal([edPrint, nextPrint].sort());
    for (const k of after) {
      const was = before.get(k.Fingerprint)!;
      expect([k.HostKeyId, k.DateImported?.getTime()], k.Fingerprint).to.deep.equal([
        was.HostKeyId,
        was.DateImported?.getTime(),
      ]);
    }
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'hk' }));
    expect(
      resources
        .StackResources!.filter((x) => x.ResourceType === 'AWS::Transfer::HostKey')
        .map((x) => [x.LogicalResourceId, x.PhysicalResourceId!.split('/').pop()])
        .sort(),
    ).to.deep.equal(
      [
        [ED, before.get(edPrint)!.HostKeyId],
        [NEXT, before.get(nextPrint)!.HostKeyId],
      ].sort(),
    );
  });

  it('a secret that is missing or holds no private key: refused, naming the secret, never its value', async () => {
    write({
      [ED]: hostKey('sftpgw/host-keys/ed25519'),
      [NEXT]: hostKey('sftpgw/host-keys/rsa-next', ED),
      [MISSING]: hostKey('sftpgw/host-keys/missing', NEXT),
    });
    const missing = await deploy('--allow-host-key-change');
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.include(
      `refused: ${MISSING}: secret sftpgw/host-keys/missing does not exist in this account and region`,
    );
    write({
      [ED]: hostKey('sftpgw/host-keys/ed25519'),
      [NEXT]: hostKey('sftpgw/host-keys/rsa-next', ED),
      [NOT_A_KEY]: hostKey('sftpgw/host-keys/not-a-key', NEXT),
    });
    const bad = await deploy('--allow-host-key-change');
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.include(
      `refused: ${NOT_A_KEY}: secret sftpgw/host-keys/not-a-key does not hold a host private key: it is not a private key ssh2 can read`,
    );
    expect(bad.stderr).to.not.include('hunter2');
    // Refused while planning: the change set this run made is gone too.
    const sets = await cfn.send(new ListChangeSetsCommand({ StackName: 'hk' }));
    expect((sets.Summaries ?? []).filter((c) => c.ExecutionStatus === 'AVAILABLE')).to.deep.equal(
      [],
    );
  });

  it('no output of any run holds private key text', () => {
    const all = outputs.join('\n');
    expect(all).to.not.include('PRIVATE KEY');
    for (const f of [rsa, ed25519, rsaNext].flatMap((k) => secretFragments(k.privateKey)))
      expect(all).to.not.include(f);
  });
});
