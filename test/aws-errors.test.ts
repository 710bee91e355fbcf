// AWS SDK errors are explained in one place (cli/adapters/aws/errors.ts,
// applied by cli/report-error.ts to every command's error). The mappings are checked
// with errors shaped as the SDK shapes them (AWS's own answers — access
// denied, throttling, expired tokens — cannot be produced by a local server
// without IAM); a real SDK client against a closed port on 127.0.0.1 gives the
// real "unreachable" error; and every AWS-facing command is run against that
// port to show they all explain it the same way.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { expect } from 'chai';
import { withErrorContext } from '../cli/adapters/aws/clients.js';
import { awsErrorKind, explainAwsError, iamAction } from '../cli/adapters/aws/errors.js';
import { SftpgwError } from '../cli/engine/errors.js';
import { cleanTempDirs, runCli, tempDir } from './helpers/project.js';
import { freePort } from './helpers/servers.js';

/** An error as the SDK throws it after AWS answered: a name, a message, $metadata (and the action our middleware adds). */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const sdkError = (name: string, message: string, status: number, action?: string) =>
  Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status, attempts: 1 },
    ...(action ? { $action: action } : {}),
  });

function explained(err: unknown): SftpgwError {
  const e = explainAwsError(err);
  expect(e).to.be.instanceOf(SftpgwError);
  expect((e as SftpgwError).kind).to.equal('failed');
  expect(
    (e as SftpgwError).cause,
    'the SDK error is kept as the cause (printed with --debug)',
  ).to.equal(err);
  return e as SftpgwError;
}

describe('AWS SDK errors, explained in one place', function () {
  after(cleanTempDirs);

  it('no credentials', function () {
    const e = explained(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(e.message).to.equal('no AWS credentials found');
    expect(e.hint).to.match(/^set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it('expired credentials (a session token, an SSO session)', function () {
    const e = explained(
      sdkError(
        'ExpiredToken',
        'The security token included in the request is expired',
        403,
        'cloudformation:DescribeStacks',
      ),
    );
    expect(e.message).to.equal('the AWS credentials have expired (cloudformation:DescribeStacks)');
    expect(e.hint).to.match(/refresh them/);
    const sso = explained(
      Object.assign(
        new Error(
          'The SSO session associated with this profile has expired or is otherwise invalid.',
        ),
        { name: 'CredentialsProviderError' },
      ),
    );
    expect(sso.message).to.equal('the AWS credentials have expired');
  });

  it('no region', function () {
    const e = explained(new Error('Region is missing'));
    expect(e.message).to.equal('no AWS region set');
    expect(e.hint).to.equal('set region in sftpgw.yaml, --region, or AWS_REGION');
  });

  it('access denied names the action, the resource and the principal AWS names', function () {
    const e = explained(
      sdkError(
        'AccessDenied',
        'User: arn:aws:sts::123456789012:assumed-role/gitlab-mr/job is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::artifacts/sftpgw/gw/handler/abc.zip" because no identity-based policy allows the s3:PutObject action',
        403,
        's3:PutObject',
      ),
    );
    expect(e.message).to.equal(
      'access denied: s3:PutObject on "arn:aws:s3:::artifacts/sftpgw/gw/handler/abc.zip" for arn:aws:sts::123456789012:assumed-role/gitlab-mr/job',
    );
    expect(e.hint).to.match(
      /^grant s3:PutObject to the credentials in use \(sftpgw's docs\/deploy\.md#aws-permissions lists/,
    );
  });

  it("access denied without a message (S3 HEAD answers a bare 403) names the call's IAM action", function () {
    const e = explained(
      sdkError('Forbidden', 'UnknownError', 403, iamAction('S3Client', 'HeadObjectCommand')),
    );
    expect(e.message).to.equal('access denied: s3:GetObject');
    const cfn = explained(
      sdkError(
        'AccessDenied',
        'User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:CreateChangeSet on resource: arn:aws:cloudformation:us-east-1:1:stack/gw/* because no identity-based policy allows the cloudformation:CreateChangeSet action',
        403,
      ),
    );
    expect(cfn.message).to.equal(
      'access denied: cloudformation:CreateChangeSet on arn:aws:cloudformation:us-east-1:1:stack/gw/* for arn:aws:iam::1:user/x',
    );
  });

  it('throttling, once the retries ran out', function () {
    const e = explained(
      sdkError('Throttling', 'Rate exceeded', 400, 'cloudformation:DescribeStackEvents'),
    );
    expect(e.message).to.equal(
      'AWS kept throttling the requests (cloudformation:DescribeStackEvents); the retries ran out',
    );
    expect(e.hint).to.match(/run again in a few minutes/);
    expect(awsErrorKind(sdkError('SlowDown', 'Please reduce your request rate.', 503))).to.equal(
      'throttled',
    );
  });

  it('credentials AWS does not accept', function () {
    const e = explained(
      sdkError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
        403,
        'cloudformation:DescribeStacks',
      ),
    );
    expect(e.message).to.equal(
      'AWS does not accept the credentials in use (cloudformation:DescribeStacks): The security token included in the request is invalid.',
    );
  });

  it('any other answer from AWS: refused, with the call and the reason', function () {
    const e = explained(
      sdkError(
        'ValidationError',
        'Template format error: unsupported structure.',
        400,
        'cloudformation:CreateChangeSet',
      ),
    );
    expect(e.message).to.equal(
      'AWS refused the request (cloudformation:CreateChangeSet): Template format error: unsupported structure. (ValidationError)',
    );
  });

  it('leaves alone what is not an AWS SDK error: its own errors, bugs, an SFTP server refusing a connection', function () {
    const own = new SftpgwError('failed', 'refused: …');
    expect(explainAwsError(own)).to.equal(own);
    const bug = new TypeError('x is undefined');
    expect(explainAwsError(bug)).to.equal(bug);
    const sftp = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2222'), {
      code: 'ECONNREFUSED',
    });
    expect(explainAwsError(sftp)).to.equal(sftp);
  });

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
