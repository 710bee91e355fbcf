// The server's own host keys, deployed THROUGH THE CLI to moto: the
// host-keys fixture project (server.hostKeys: an ed25519 key, then an RSA
// key), its two secrets made in moto's Secrets Manager first with private
// keys from ssh-keygen. moto resolves no dynamic references: the launcher
// (test/helpers/moto/launcher.py) resolves HostKeyBody's
// {{resolve:secretsmanager:…}} from moto's own Secrets Manager when it
// creates the key, as CloudFormation does, so ListHostKeys answers with the
// keys' real fingerprints. Asserted: the DEPLOYED template (GetTemplate)
// holds the dynamic references and no key; the keys are the secrets'
// (fingerprints of their public halves), made in config order after the
// key Transfer Family generated; `sftpgw info` marks the oldest of each
// type ACTIVE; no private key in any output. cfn-lint runs (no --no-lint):
// it knows AWS::Transfer::HostKey through --registry-schemas.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListHostKeysCommand, ListServersCommand, TransferClient } from '@aws-sdk/client-transfer';
import { expect } from 'chai';
import { fingerprint } from '../../shared/ssh/fingerprint.js';
import { hostKeyIdsOf } from '../helpers/host-key-ids.js';
import { keyPair } from '../helpers/keys.js';
import { describeReport, reportOf } from '../helpers/moto-report.js';
import { cleanTempDirs, repoRoot, runCliAsync, tempDir } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const REGION = 'us-east-1';
const ARTIFACTS = 'sftpgw-gateway-artifacts';
const STACK = 'fixture-host-keys';
const SECRETS = { ed25519: 'sftpgw/host-keys/ed25519-2026', rsa: 'sftpgw/host-keys/rsa-2026' };

/** SHA256 fingerprint of an OpenSSH public key line, as ssh-keygen -lf prints it. */
const fingerprintOf = (line: string) => fingerprint(Buffer.from(line.split(' ')[1], 'base64'));

describe('server.hostKeys deployed to moto through the CLI (host-keys fixture, secrets made in moto)', function () {
  this.timeout(300_000);
  let moto: Moto;
  let env: Record<string, string>;
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const ed25519 = keyPair('ed25519', 'host-ed25519@fixture');
  const rsa = keyPair('rsa:3072', 'host-rsa@fixture');

  before(async function () {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const c = { endpoint: moto.endpoint, region: REGION, credentials };
    await new S3Client({ ...c, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: ARTIFACTS }),
    );
    const sm = new SecretsManagerClient(c);
    await sm.send(
      new CreateSecretCommand({ Name: SECRETS.ed25519, SecretString: ed25519.privateKey }),
    );
    await sm.send(new CreateSecretCommand({ Name: SECRETS.rsa, SecretString: rsa.privateKey }));
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  /** No private key text (or a line of one) in what the CLI printed. */
  function expectNoPrivateKey(text: string, what: string) {
    expect(text, what).to.not.match(/PRIVATE KEY|b3BlbnNzaC1rZXktdjE/);
    for (const kp of [ed25519, rsa])
      for (const line of kp.privateKey
        .split('\n')
        .filter((l) => l.length > 20 && !l.startsWith('-')))
        expect(text.includes(line), `${what} holds a line of a private key`).to.equal(false);
  }

  it('deploys the ed25519 key then the RSA key (logical ids from their secrets): the deployed template holds references, ListHostKeys the keys, info the active one per type', async () => {
    const dir = tempDir();
    cpSync(path.join(repoRoot, 'test', 'fixtures', 'projects', 'host-keys'), dir, {
      recursive: true,
    });
    const r = await runCliAsync(['deploy', '--yes', '--s3-bucket', ARTIFACTS], { cwd: dir, env });
    const skipped = reportOf(moto.report(), STACK);
    expect(r.status, `${r.stderr}\nmoto: ${describeReport(skipped).join('; ')}`).to.equal(0);
    expect(skipped.filter((e) => e.type === 'AWS::Transfer::HostKey' || e.event === 'failed')).to.be
      .empty;
    expectNoPrivateKey(r.stdout + r.stderr, 'deploy output');

    // The deployed template: the references, never a key; the order decided by DependsOn.
    const cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: REGION, credentials });
    const body = (await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody!;
    expectNoPrivateKey(body, 'the deployed template');
    const deployed = JSON.parse(body) as {
      Resources: Record<string, { Type: string; DependsOn?: string; Properties: any }>;
      Metadata: { sftpgw: { ids: { hostKeys?: string[] } } };
    };
    const [ED, RSA] = await hostKeyIdsOf([SECRETS.ed25519, SECRETS.rsa]);
    expect(ED).to.match(/^HostKeyEd255192026[0-9a-f]{6}$/);
    expect(deployed.Metadata.sftpgw.ids.hostKeys).to.deep.equal([ED, RSA]);
    expect(deployed.Resources[ED].Properties.HostKeyBody).to.equal(
      `{{resolve:secretsmanager:${SECRETS.ed25519}:SecretString}}`,
    );
    expect(deployed.Resources[RSA].Properties.HostKeyBody).to.equal(
      `{{resolve:secretsmanager:${SECRETS.rsa}:SecretString}}`,
    );
    expect(deployed.Resources[ED].DependsOn).to.equal(undefined);
    expect(deployed.Resources[RSA].DependsOn).to.equal(ED);

    // What the server holds: the generated key first, then the config's in order.
    const transfer = new TransferClient({ endpoint: moto.endpoint, region: REGION, credentials });
    const servers = (await transfer.send(new ListServersCommand({}))).Servers ?? [];
    expect(servers).to.have.length(1);
    const serverId = servers[0].ServerId!;
    const listed = (await transfer.send(new ListHostKeysCommand({ ServerId: serverId }))).HostKeys!;
    expect(listed.map((k) => [k.Type, k.Description])).to.deep.equal([
      ['ssh-rsa', 'generated by Transfer Family'],
      ['ssh-ed25519', 'current ed25519 key'],
      ['ssh-rsa', `sftpgw: ${SECRETS.rsa}`],
    ]);
    expect(listed[1].Fingerprint).to.equal(fingerprintOf(ed25519.publicKey));
    expect(listed[2].Fingerprint).to.equal(fingerprintOf(rsa.publicKey));
    const dates = listed.map((k) => k.DateImported!.getTime());
    expect(dates[0]).to.be.at.most(dates[1]);
    expect(dates[1]).to.be.at.most(dates[2]);
    for (const k of listed) expect(k.HostKeyId).to.match(/^hostkey-[0-9a-f]{17}$/);

    // sftpgw info: every key; the active one per type is the oldest.
    const json = await runCliAsync(['info', '--output', 'json'], { cwd: dir, env });
    expect(json.status, json.stderr).to.equal(0);
    const doc = JSON.parse(json.stdout) as {
      hostKeys: Array<{
        type: string;
        family: string;
        fingerprint: string;
        hostKeyId: string;
        dateImported: string;
        active: boolean;
      }>;
    };
    expect(
      doc.hostKeys.map((k) => [k.type, k.family, k.fingerprint, k.hostKeyId, k.active]),
    ).to.deep.equal([
      ['ssh-rsa', 'RSA', listed[0].Fingerprint, listed[0].HostKeyId, true],
      ['ssh-ed25519', 'ED25519', fingerprintOf(ed25519.publicKey), listed[1].HostKeyId, true],
      // the generated RSA key is older: this one waits until it is deleted
      ['ssh-rsa', 'RSA', fingerprintOf(rsa.publicKey), listed[2].HostKeyId, false],
    ]);
    for (const k of doc.hostKeys) expect(Date.parse(k.dateImported)).to.not.be.NaN;
    const text = await runCliAsync(['info'], { cwd: dir, env: { ...env, NO_COLOR: '1' } });
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.include(
      `ssh-ed25519 ${fingerprintOf(ed25519.publicKey)}  ACTIVE (ED25519)  "current ed25519 key", ${listed[1].HostKeyId}, imported `,
    );
    expect(text.stdout).to.include(
      `ssh-rsa ${fingerprintOf(rsa.publicKey)}  standby (RSA: an older key of this type is presented)`,
    );
    expectNoPrivateKey(json.stdout + json.stderr + text.stdout + text.stderr, 'info output');
  });
});
