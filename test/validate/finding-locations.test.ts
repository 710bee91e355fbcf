// Where a finding on a resource points, as the CLI process shows it: a role
// a gateway repository adds in templates/gateway.jsonnet (sftpgw validate), and
// the AlarmTopic warning of sftpgw build at the library line that defines
// AlarmTopic (issue 22, item 4). Every resource of five gateways, located
// in-process, and definitionSites itself: finding-locations.unit.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { SourceLocation } from '../../cli/engine/validate/finding.js';
import { expectedSite, fixture, libDir, spelled } from '../helpers/library-sites.js';
import { cleanTempDirs, copyFixture, runCli, tempDir } from '../helpers/project.js';

describe('finding locations: where a resource is defined', function () {
  this.timeout(120_000);
  afterEach(cleanTempDirs);

  it("a role a gateway repository adds in templates/gateway.jsonnet points at that file (validate), a patched shipped resource at the library's definition", () => {
    const dir = tempDir();
    copyFixture(fixture('patched-gateway'), dir);
    const gatewayFile = path.join(dir, 'templates', 'gateway.jsonnet');
    const text = readFileSync(gatewayFile, 'utf8');
    const added = [
      "    // A role of the repository's own: the audit team reads the gateway's logs.",
      '    auditRole:: { resources: {',
      '      AuditReaderRole: {',
      "        Type: 'AWS::IAM::Role',",
      '        Properties: {',
      "          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: { Ref: 'AWS::AccountId' } }, Action: 'sts:AssumeRole' }] },",
      "          Policies: [{ PolicyName: 'ReadAuditLogs', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: '*' }] } }],",
      '        },',
      '      },',
      '    } },',
      // A patch of a shipped resource by its id: the finding it causes is
      // still on the library's resource.
      "    serverLogs+:: sftpgw.component.patch('ServerLogGroup', { Properties+: { RetentionInDays:: null } }),",
      '    components+:: { auditLogs: gw.auditLogs, auditRole: gw.auditRole },',
    ].join('\n');
    const patched = text.replace(
      /^ *components\+:: \{ auditLogs: gw\.auditLogs \},\n/m,
      `${added}\n`,
    );
    expect(patched).to.not.equal(text);
    writeFileSync(gatewayFile, patched);
    const roleLine = patched.split('\n').findIndex((l) => l.includes('AuditReaderRole:')) + 1;

    const r = runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as {
      findings: { rule: string; logicalId: string; source?: SourceLocation }[];
    };
    const sources = (id: string) => [
      ...new Set(
        out.findings
          .filter((f) => f.logicalId === id)
          .map((f) => `${f.source?.file}:${f.source?.line}`),
      ),
    ];
    expect(sources('AuditReaderRole'), r.stdout).to.deep.equal([
      `templates/gateway.jsonnet:${roleLine}`,
    ]);
    const logGroupFindings = out.findings.filter((f) => f.logicalId === 'ServerLogGroup');
    expect(
      logGroupFindings.map((f) => f.rule),
      r.stdout,
    ).to.include('baseline/log-group-retention');
    const logsAt = spelled('ServerLogGroup')[0];
    expect(sources('ServerLogGroup')).to.deep.equal([
      `${path.join(libDir, logsAt.file)}:${logsAt.line}`,
    ]);
  });

  it('`sftpgw build` of a downstream gateway without alarm recipients points the AlarmTopic warning at alarms.libsonnet, where AlarmTopic is defined', () => {
    const dir = tempDir();
    copyFixture(fixture('downstream'), dir);
    const config = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('emails: [data-ops@example.com]', 'emails: []'),
    );
    const r = runCli(['build', '--no-lint'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    const site = expectedSite('AlarmTopic', 'AWS::SNS::Topic')!;
    expect(site.file).to.equal('alarms.libsonnet');
    const block = r.stderr.slice(r.stderr.indexOf('AlarmTopic  AWS::SNS::Topic'));
    expect(block, r.stderr).to.match(
      /^AlarmTopic {2}AWS::SNS::Topic\n\s+warning nobody is subscribed to this topic/,
    );
    const loc = /\n\s+at (\S+):(\d+) {2}\/Resources\/AlarmTopic\n/.exec(block);
    expect(loc, r.stderr).to.not.equal(null);
    expect({ file: loc![1], line: Number(loc![2]) }).to.deep.equal({
      file: path.join(libDir, site.file),
      line: site.line,
    });
  });
});
