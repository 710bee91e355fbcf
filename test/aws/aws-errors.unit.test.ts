// AWS SDK errors are explained in one place (cli/adapters/aws/errors.ts,
// applied by cli/report-error.ts to every command's error). The mappings are
// checked in-process with errors shaped as the SDK shapes them (AWS's own
// answers — access denied, throttling, expired tokens — cannot be produced by
// a local server without IAM). The real SDK error of an unreachable endpoint,
// and every AWS-facing command run against it: aws-errors.test.ts.
import { expect } from 'chai';
import { awsErrorKind, explainAwsError, iamAction } from '../../cli/adapters/aws/errors.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { explained, sdkError } from '../helpers/sdk-errors.js';

describe('AWS SDK errors, explained in one place', function () {
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
});
