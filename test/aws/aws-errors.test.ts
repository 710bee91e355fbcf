// AWS SDK errors are explained in one place (cli/adapters/aws/errors.ts,
// applied by cli/report-error.ts to every command's error). Here a real SDK
// client against a closed port on 127.0.0.1 gives the real "unreachable"
// error, and every AWS-facing command is run against that port to show they
// all explain it the same way. The mappings of AWS's own answers, checked
// with errors shaped as the SDK shapes them: aws-errors.unit.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { expect } from 'chai';
import { withErrorContext } from '../../cli/adapters/aws/clients.js';
import { cleanTempDirs, runCli, tempDir } from '../helpers/project.js';
import { explained } from '../helpers/sdk-errors.js';
import { freePort } from '../helpers/servers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('AWS SDK errors, explained in one place', function () {
  after(cleanTempDirs);

  it('an endpoint that does not answer: the real SDK error, with the endpoint and the call', async function () {
    const port = await freePort();
    const client = withErrorContext(
      new CloudFormationClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      }),
    );
    const err = await client.send(new DescribeStacksCommand({})).catch((e: unknown) => e);
    const e = explained(err);
    expect(e.message).to.equal(
      `cannot reach AWS at http://127.0.0.1:${port} (cloudformation:DescribeStacks): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(e.hint).to.match(/check the network and proxy/);
  });

  it('every AWS-facing command explains it the same way (deploy, diff, package, destinations, info, snowflake)', async function () {
    const port = await freePort();
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      'stackName: unreachable\nregion: us-east-1\nartifacts:\n  bucket: artifacts\n',
    );
    writeFileSync(
      path.join(dir, 'child.json'),
      JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }),
    );
    writeFileSync(
      path.join(dir, 'template.json'),
      JSON.stringify({
        Resources: {
          Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'child.json' } },
        },
      }),
    );
    const env = {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_MAX_ATTEMPTS: '1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    mkdirSync(path.join(dir, 'users'));
    const cases: Array<[string[], string]> = [
      // deploy packages the child template first; diff asks whether the stack exists first.
      [['deploy', '--template', 'template.json', '--yes'], 's3:GetObject'],
      [['deploy', '--execute', 'sftpgw-x', '--yes'], 'cloudformation:DescribeChangeSet'],
      [['diff', '--template', 'template.json'], 'cloudformation:DescribeStacks'],
      [['package', '--template', 'template.json'], 's3:GetObject'],
      [['destinations', 'list'], 'secretsmanager:ListSecrets'],
      [['info', '--users', 'users'], 'cloudformation:DescribeStacks'],
    ];
    // snowflake sql reads the stack's resources; --integration with a named bucket asks STS only
    const snowflakeDir = tempDir();
    writeFileSync(
      path.join(snowflakeDir, 'sftpgw.yaml'),
      'stackName: unreachable\nregion: us-east-1\nbuckets:\n  gateway: unreachable-data\n' +
        'downstream:\n  snowflake:\n    iamUserArn: arn:aws:iam::123456789012:user/sf\n' +
        '    externalId: MYACCOUNT_SFCRole=2_x\n',
    );
    mkdirSync(path.join(snowflakeDir, 'users'));
    writeFileSync(path.join(snowflakeDir, 'users', 'acme.libsonnet'), '{}\n');
    const runs: Array<[string[], string, string]> = [
      ...cases.map(([args, action]): [string[], string, string] => [args, action, dir]),
      [['snowflake', 'sql'], 'cloudformation:DescribeStackResources', snowflakeDir],
      [['snowflake', 'sql', '--integration'], 'sts:GetCallerIdentity', snowflakeDir],
    ];
    for (const [args, action, cwd] of runs) {
      const r = runCli(args, { cwd, env });
      expect(r.status, `${args[0]}: ${r.stderr}`).to.equal(1);
      expect(r.stderr, r.stderr).to.include(
        `error: cannot reach AWS at http://127.0.0.1:${port} (${action}): connect ECONNREFUSED`,
      );
      expect(r.stderr).not.to.match(/this is a bug in sftpgw/);
    }
  });
});
