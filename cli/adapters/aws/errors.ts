// AWS SDK errors explained in one place: cli/report-error.ts passes every error a
// command throws through explainAwsError before printing it, so no command
// explains SDK errors itself. Only the errors' shapes are read here (name,
// message, code, $metadata, and the operation the clients' middleware adds),
// so this module loads no SDK and `sftpgw build` stays free of it.
import { SftpgwError } from '../../engine/errors.js';

/** The fields of SDK (and Node network) errors this module reads. */
interface ErrorShape {
  name?: string;
  message?: string;
  /** Node's network errors: ECONNREFUSED, ENOTFOUND, … */
  code?: string;
  $metadata?: { httpStatusCode?: number };
  /** Added by withErrorContext: the IAM action of the call that failed, e.g. cloudformation:CreateChangeSet. */
  $action?: string;
  /** Added by withErrorContext: the endpoint the call went to. */
  $endpoint?: string;
  /** Node 20 reports a refused connection to every address of a host as an AggregateError. */
  errors?: ErrorShape[];
  /** The raw HTTP answer (a hidden field the SDK sets): read when its body was not AWS's XML or JSON. */
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

export type AwsErrorKind =
  | 'no-credentials'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'no-region'
  | 'access-denied'
  | 'throttled'
  | 'unreachable'
  /** The endpoint answered, but not as AWS does (an HTML error page, plain text): the SDK could not read it. */
  | 'not-aws'
  /** Any other answer from AWS: the request was refused for its own reason. */
  | 'refused';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const THROTTLED =
  /^(Throttling|ThrottlingException|ThrottledException|TooManyRequestsException|RequestLimitExceeded|SlowDown|RequestThrottled|ProvisionedThroughputExceededException)$/;
const DENIED =
  /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|AuthorizationError|Forbidden)$/;
const EXPIRED = /^(ExpiredToken|ExpiredTokenException|RequestExpired|TokenRefreshRequired)$/;
const INVALID =
  /^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|InvalidAccessKeyId|InvalidSignatureException)$/;

function shape(err: unknown): ErrorShape {
  return err !== null && typeof err === 'object' ? (err as ErrorShape) : {};
}

function networkCode(e: ErrorShape): string | undefined {
  if (e.code && NETWORK_CODES.has(e.code)) return e.code;
  return e.errors
    ?.map((x) => x.code)
    .find((c): c is string => c !== undefined && NETWORK_CODES.has(c));
}

/** What kind of AWS failure this is, or undefined when it is not an AWS SDK error. */
export function awsErrorKind(err: unknown): AwsErrorKind | undefined {
  if (err instanceof SftpgwError) return undefined;
  const e = shape(err);
  const name = e.name ?? '';
  const message = e.message ?? '';
  // Messages are read only on errors from an SDK call: a partner's SFTP
  // server refusing a connection is not AWS being unreachable.
  const fromSdk =
    e.$metadata !== undefined || e.$action !== undefined || /ProviderError$/.test(name);
  if (/Region is missing/i.test(message)) return 'no-region';
  if (!fromSdk) return isThrottling(err) ? 'throttled' : undefined;
  if (notAwsBody(e)) return 'not-aws';
  if (EXPIRED.test(name) || /(token|session)\b.*\b(has )?expired|expired.*\btoken/i.test(message))
    return 'expired-credentials';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return 'no-credentials';
  if (INVALID.test(name)) return 'invalid-credentials';
  if (isThrottling(err)) return 'throttled';
  if (
    DENIED.test(name) ||
    /not authorized to perform/i.test(message) ||
    e.$metadata?.httpStatusCode === 403
  )
    return 'access-denied';
  if (networkCode(e) || name === 'TimeoutError') return 'unreachable';
  if (e.$metadata) return 'refused';
  return undefined;
}

function header(e: ErrorShape, name: string): string {
  const headers = e.$response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return (key && headers[key]) || '';
}

/**
 * What the endpoint answered instead of AWS's XML or JSON, or undefined for
 * an AWS answer. The SDK reports such a body as a deserialization error
 * ("Deserialization error: to see the raw response, inspect the hidden field
 * {error}.$response …", JSON protocols) or as an error named Unknown /
 * UnknownError (XML protocols); moto answers HTML 500 when it fails.
 */
function notAwsBody(e: ErrorShape): string | undefined {
  const type = header(e, 'content-type');
  if (/html/i.test(type)) return 'an HTML page';
  if (/^text\/plain/i.test(type)) return 'plain text';
  if (/Deserialization error/i.test(e.message ?? ''))
    return `a body it could not read${type ? ` (${type})` : ''}`;
  if (/^Unknown(Error)?$/.test(e.name ?? '') && /^Unknown(Error)?$/.test(e.message ?? ''))
    return `a body that is not an AWS error${type ? ` (${type})` : ''}`;
  return undefined;
}

/** AWS asked to slow down (the deploy engine retries these while it polls). */
export function isThrottling(err: unknown): boolean {
  const e = shape(err);
  return (
    THROTTLED.test(e.name ?? '') ||
    /Rate exceeded/i.test(e.message ?? '') ||
    e.$metadata?.httpStatusCode === 429
  );
}

/**
 * The IAM action behind an SDK command: the service's prefix and the
 * operation, except where IAM names it otherwise (S3's HeadObject is
 * authorised as s3:GetObject, its listings as s3:ListBucket, CopyObject as
 * s3:PutObject on the destination — with s3:GetObject on the source:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html —
 * and ListObjectVersions as s3:ListBucketVersions).
 */
export function iamAction(clientName: string, commandName: string): string {
  const service =
    (
      {
        CloudFormationClient: 'cloudformation',
        S3Client: 's3',
        SecretsManagerClient: 'secretsmanager',
        CloudWatchLogsClient: 'logs',
      } as Record<string, string>
    )[clientName] ?? clientName.replace(/Client$/, '').toLowerCase();
  const operation = commandName.replace(/Command$/, '');
  const s3 = {
    HeadObject: 'GetObject',
    ListObjectsV2: 'ListBucket',
    ListObjects: 'ListBucket',
    HeadBucket: 'ListBucket',
    CopyObject: 'PutObject',
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
    ListObjectVersions: 'ListBucketVersions',
  } as Record<string, string>;
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
  if (service === 'lambda' && operation === 'Invoke') return 'lambda:InvokeFunction';
  return `${service}:${service === 's3' ? (s3[operation] ?? operation) : operation}`;
}

/** The action AWS names in an access-denied message, else the one of the failed call. */
function deniedAction(e: ErrorShape): string | undefined {
  return /not authorized to perform:? ([\w-]+:[\w*]+)/i.exec(e.message ?? '')?.[1] ?? e.$action;
}

/**
 * An SDK error as an SftpgwError that says what happened and what to do;
 * anything else (our own errors, bugs) unchanged.
 */
export function explainAwsError(err: unknown): unknown {
  const kind = awsErrorKind(err);
  if (!kind) return err;
  const e = shape(err);
  const call = e.$action ? ` (${e.$action})` : '';
  const fail = (message: string, hint?: string) =>
    new SftpgwError('failed', message, { hint, cause: err });
  switch (kind) {
    case 'no-credentials':
      return fail(
        'no AWS credentials found',
        'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an instance/CI role is available (GitLab: an OIDC role)',
      );
    case 'expired-credentials':
      return fail(
        `the AWS credentials have expired${call}`,
        'refresh them (aws sso login, or a new CI job token) and run again',
      );
    case 'invalid-credentials':
      return fail(
        `AWS does not accept the credentials in use${call}: ${e.message}`,
        'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_PROFILE: the key is wrong, deleted or for another partition',
      );
    case 'no-region':
      return fail('no AWS region set', 'set region in sftpgw.yaml, --region, or AWS_REGION');
    case 'access-denied': {
      const action = deniedAction(e);
      const principal = /User: (arn:\S+)/.exec(e.message ?? '')?.[1];
      const resource = / on resource: (\S+?)(?: because|$)/.exec(e.message ?? '')?.[1];
      return fail(
        `access denied${action ? `: ${action}` : ''}${resource ? ` on ${resource}` : ''}${principal ? ` for ${principal}` : ''}`,
        `grant ${action ?? 'the action'} to the credentials in use (sftpgw's docs/deploy.md#aws-permissions lists what each CI job needs), or use the role meant for this job`,
      );
    }
    case 'throttled':
      return fail(
        `AWS kept throttling the requests${call}; the retries ran out`,
        'run again in a few minutes; fewer jobs calling the same account and region at once helps',
      );
    case 'unreachable': {
      const where = e.$endpoint ? ` at ${e.$endpoint}` : '';
      return fail(
        `cannot reach AWS${where}${call}: ${e.message}`,
        'check the network and proxy (HTTPS_PROXY), the region name, and AWS_ENDPOINT_URL* if set',
      );
    }
    case 'not-aws': {
      // one line, whatever the command: the status, the call and what came back
      const status = e.$response?.statusCode ?? e.$metadata?.httpStatusCode;
      const where = e.$endpoint ? ` at ${e.$endpoint}` : '';
      return fail(
        `the endpoint${where} answered ${e.$action ?? 'an AWS call'} with HTTP ${status ?? '(no status)'} and ${notAwsBody(e)}, not an AWS response (a failure behind it, or not an AWS endpoint: check AWS_ENDPOINT_URL*)`,
      );
    }
    case 'refused':
      return fail(
        `AWS refused the request${call}: ${e.message}${e.name && e.name !== 'Error' ? ` (${e.name})` : ''}`,
      );
  }
}
