// transfer/host-key-dynamic-reference, and the schema layer on
// AWS::Transfer::HostKey (its registry schema: schemas/registry/
// aws-transfer-hostkey.json): a hand-patched template with the private key
// itself in HostKeyBody is refused, and no finding quotes it. The key text
// here is made up at run time (the unit tier runs no ssh-keygen), shaped as
// an OpenSSH private key: the markers the checks look for.
import { expect } from 'chai';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { runLayers } from '../../cli/engine/validate/layers.js';
import { hostKeyBodyFindings } from '../../cli/engine/validate/rules/transfer/host-key-body.js';

const BODY = `b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB${'Q'.repeat(40)}`;
const FAKE_KEY = `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----\n${BODY}\n-----END OPENSSH ${'PRIVATE'} KEY-----\n`;

function template(body: unknown, extra: Record<string, unknown> = {}): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Server: {
        Type: 'AWS::Transfer::Server',
        Properties: { Protocols: ['SFTP'], IdentityProviderType: 'SERVICE_MANAGED' },
      },
      HostKey1: {
        Type: 'AWS::Transfer::HostKey',
        Properties: {
          ServerId: { 'Fn::GetAtt': ['Server', 'ServerId'] },
          HostKeyBody: body,
          ...extra,
        },
      },
    },
  } as CfnTemplate;
}

const rule = (t: CfnTemplate) =>
  hostKeyBodyFindings(t).map((f) => ({ severity: f.severity, message: f.message }));

describe('transfer/host-key-dynamic-reference', () => {
  it('passes a secretsmanager dynamic reference by name or ARN, alone or in Fn::Sub', () => {
    for (const body of [
      '{{resolve:secretsmanager:sftpgw/host-keys/ed25519:SecretString}}',
      '{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbCdEf:SecretString}}',
      '{{resolve:secretsmanager:k}}',
      { 'Fn::Sub': '{{resolve:secretsmanager:${AWS::StackName}/host-key:SecretString}}' },
      { 'Fn::Sub': ['{{resolve:secretsmanager:${P}:SecretString}}', { P: 'x' }] },
    ])
      expect(rule(template(body)), JSON.stringify(body)).to.deep.equal([]);
  });

  it('refuses a private key in HostKeyBody without quoting it', () => {
    const found = rule(template(FAKE_KEY));
    expect(found).to.have.length(1);
    expect(found[0].severity).to.equal('error');
    expect(found[0].message).to.include('holds a private key (not shown)');
    expect(found[0].message).to.not.include(BODY.slice(0, 20));
  });

  it('refuses other literal text, by its length only; another reference (ssm) is literal text too', () => {
    for (const body of [
      'just some text',
      '{{resolve:ssm:/host-key}}',
      { 'Fn::Sub': 'x${AWS::Region}' },
    ]) {
      const [f] = rule(template(body));
      expect(f.severity).to.equal('error');
      expect(f.message).to.match(/^HostKeyBody is literal text \(\d+ characters, not shown\)/);
    }
  });

  it('warns on a Ref or another function: the key could pass through a parameter', () => {
    expect(rule(template({ Ref: 'HostKeyText' }))).to.deep.equal([
      {
        severity: 'warning',
        message:
          'HostKeyBody is Ref, not a {{resolve:secretsmanager:…}} dynamic reference: the private key may pass through a parameter or another value CloudFormation keeps and shows',
      },
    ]);
  });

  it('every layer together: the schema knows the type, and nothing quotes the key (a key in Description too)', async () => {
    const { findings } = await runLayers(template(FAKE_KEY, { Description: FAKE_KEY }));
    expect(findings.some((f) => f.rule === 'schema/unknown-type')).to.equal(false);
    expect(findings.map((f) => f.rule)).to.include('transfer/host-key-dynamic-reference');
    const shown = findings.map((f) => `${f.message} ${f.hint ?? ''}`).join('\n');
    expect(shown).to.not.include(BODY.slice(0, 20));
    expect(shown).to.not.include('BEGIN OPENSSH');
  });

  it('the schema layer checks the properties cfn-lint 1.51.0 does not (ServerId pattern, unknown property)', async () => {
    const t = template('{{resolve:secretsmanager:k:SecretString}}', { Descriptio: 'x' });
    (t.Resources.HostKey1.Properties as Record<string, unknown>).ServerId = 'server-1';
    const { findings } = await runLayers(t);
    const rules = findings.filter((f) => f.logicalId === 'HostKey1').map((f) => f.rule);
    expect(rules).to.include.members(['schema/unknown-property', 'schema/pattern']);
  });
});
