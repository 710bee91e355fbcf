// Baseline for logs and the outbound side: log groups, the push function,
// its failure queue, the alarm topic and the alarms.
import type { CfnResource } from '../../../template/types.js';
import type { Finding } from '../../finding.js';
import {
  deniesInsecureTransport,
  dig,
  list,
  props,
  target,
  violation,
  warning,
  type BaselineContext,
  type BaselineRule,
} from '../baseline-rule.js';
import { statementsOf } from '../iam/policies.js';

const FUNCTION = 'AWS::Lambda::Function';

/** Node.js runtimes cfn-lint accepts without a deprecation warning. */
export const CURRENT_NODE_RUNTIMES = ['nodejs22.x', 'nodejs20.x'];
const LAMBDA_MAX_TIMEOUT = 900;

export const logGroupRetention: BaselineRule = {
  id: 'baseline/log-group-retention',
  description: 'log groups expire their events',
  check(ctx) {
    return ctx
      .ofType('AWS::Logs::LogGroup')
      .filter(([, r]) => props(r).RetentionInDays === undefined)
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          ['Properties', 'RetentionInDays'],
          'no retention: events are kept (and paid for) forever',
          'set RetentionInDays (e.g. 365)',
        ),
      );
  },
};

export const logGroupKms: BaselineRule = {
  id: 'baseline/log-group-kms',
  description: 'log groups are encrypted with the gateway key',
  check(ctx) {
    return ctx
      .ofType('AWS::Logs::LogGroup')
      .filter(([, r]) => props(r).KmsKeyId === undefined)
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          ['Properties', 'KmsKeyId'],
          'the log group is not encrypted with the gateway key',
          'set KmsKeyId to the key ARN (the key policy must let logs.<region>.amazonaws.com use it)',
        ),
      );
  },
};

function eachFunction(
  ctx: BaselineContext,
  fn: (id: string, r: CfnResource, p: Record<string, unknown>) => Finding[],
): Finding[] {
  return ctx.ofType(FUNCTION).flatMap(([id, r]) => fn(id, r, props(r)));
}

export const lambdaSettings: BaselineRule = {
  id: 'baseline/lambda-settings',
  description:
    'functions: current Node.js runtime, arm64, timeout below the maximum, reserved concurrency, active tracing',
  check(ctx) {
    return eachFunction(ctx, (id, r, p) => {
      const out: Finding[] = [];
      const v = (key: string, message: string, hint: string) =>
        out.push(violation(this, id, r, ['Properties', key], message, hint));
      if (typeof p.Runtime === 'string' && !CURRENT_NODE_RUNTIMES.includes(p.Runtime))
        v(
          'Runtime',
          `runtime ${p.Runtime} is not a current Node.js runtime`,
          `use ${CURRENT_NODE_RUNTIMES[0]}`,
        );
      if (!(list(p.Architectures).length === 1 && list(p.Architectures)[0] === 'arm64'))
        v(
          'Architectures',
          'the function does not run on arm64',
          'set Architectures: [arm64] (cheaper per GB-second)',
        );
      const timeout = Number(p.Timeout);
      if (p.Timeout === undefined || !(timeout < LAMBDA_MAX_TIMEOUT))
        v(
          'Timeout',
          p.Timeout === undefined
            ? 'no Timeout: the 3-second default is too short for a transfer'
            : `Timeout ${String(p.Timeout)} leaves no room to fail cleanly before Lambda stops the function`,
          `set Timeout below ${LAMBDA_MAX_TIMEOUT} and the push deadline below it`,
        );
      if (p.ReservedConcurrentExecutions === undefined)
        v(
          'ReservedConcurrentExecutions',
          "no reserved concurrency: a burst of files can exhaust the account's concurrency or the remote server",
          'set ReservedConcurrentExecutions',
        );
      if (dig(p, 'TracingConfig', 'Mode') !== 'Active')
        v('TracingConfig', 'tracing is off', 'set TracingConfig: { Mode: Active }');
      return out;
    });
  },
};

export const lambdaEncryptedEnvironment: BaselineRule = {
  id: 'baseline/lambda-environment-kms',
  description: 'function environments are encrypted with the gateway key',
  check(ctx) {
    return eachFunction(ctx, (id, r, p) =>
      p.Environment !== undefined && p.KmsKeyArn === undefined
        ? [
            violation(
              this,
              id,
              r,
              ['Properties', 'KmsKeyArn'],
              'the environment is encrypted with the AWS-managed key, not the gateway key',
              'set KmsKeyArn to the gateway key ARN',
            ),
          ]
        : [],
    );
  },
};

export const lambdaLogGroup: BaselineRule = {
  id: 'baseline/lambda-log-group',
  description: 'functions log to a log group of the stack (retention and KMS apply)',
  check(ctx) {
    const groups = new Set(ctx.ofType('AWS::Logs::LogGroup').map(([id]) => id));
    return eachFunction(ctx, (id, r, p) => {
      const t = target(dig(p, 'LoggingConfig', 'LogGroup'));
      return t && groups.has(t)
        ? []
        : [
            violation(
              this,
              id,
              r,
              ['Properties', 'LoggingConfig'],
              'the function logs to a log group the stack does not manage (no retention, no KMS)',
              'set LoggingConfig.LogGroup: { Ref: <log group> }',
            ),
          ];
    });
  },
};

// A function an AWS service invokes asynchronously (S3, SNS, EventBridge:
// an AWS::Lambda::Permission for its service principal) has bounded retries
// and somewhere to keep what it gave up on. A function no service may invoke
// that way (the ingest function without the malware scan: Transfer Family
// invokes it for a workflow step, with the workflow's role) reports its
// failures to its caller: the step fails, the execution is logged and
// counted, and that alarms (baseline/transfer-workflow-logging-role, the
// ingest alarms). With the scan, EventBridge invokes it too, and this applies.
// Transfer Family's permission (the identity function, server.identityProvider
// lambda) is a synchronous invocation: Transfer waits for the answer at each
// login, so there is no event to retry or keep; a failure is a denied login,
// logged by the function and alarmed on (IdentityErrorsAlarm).
// https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html
const SYNCHRONOUS_INVOKERS = ['transfer.amazonaws.com'];

export const lambdaFailureDestination: BaselineRule = {
  id: 'baseline/lambda-failure-destination',
  description:
    'functions an AWS service invokes asynchronously (a Lambda permission for it; not Transfer Family, which calls an identity function synchronously) have bounded retries and an on-failure destination (an encrypted SQS queue)',
  check(ctx) {
    const configs = ctx.ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => props(c));
    const invokedByService = new Set(
      ctx
        .ofType('AWS::Lambda::Permission')
        .map(([, p]) => props(p))
        .filter(
          (p) =>
            typeof p.Principal === 'string' &&
            p.Principal.endsWith('.amazonaws.com') &&
            !SYNCHRONOUS_INVOKERS.includes(p.Principal),
        )
        .map(
          (p) =>
            target(p.FunctionName) ?? (typeof p.FunctionName === 'string' ? p.FunctionName : ''),
        ),
    );
    return eachFunction(ctx, (id, r) => {
      if (!invokedByService.has(id)) return [];
      const c = configs.find((x) => target(x.FunctionName) === id);
      if (
        c &&
        c.MaximumRetryAttempts !== undefined &&
        dig(c, 'DestinationConfig', 'OnFailure', 'Destination') !== undefined
      )
        return [];
      return [
        violation(
          this,
          id,
          r,
          [],
          c
            ? 'the EventInvokeConfig lacks MaximumRetryAttempts or an OnFailure destination'
            : 'no AWS::Lambda::EventInvokeConfig: events the function fails on vanish after two retries',
          'add an EventInvokeConfig with MaximumRetryAttempts and DestinationConfig.OnFailure.Destination = the failure queue ARN',
        ),
      ];
    });
  },
};

export const lambdaPermissionScoped: BaselineRule = {
  id: 'baseline/lambda-permission-scoped',
  description:
    'service permissions to invoke a function name the source (SourceArn and SourceAccount)',
  check(ctx) {
    return ctx.ofType('AWS::Lambda::Permission').flatMap(([id, r]) => {
      const p = props(r);
      const service = typeof p.Principal === 'string' && p.Principal.endsWith('.amazonaws.com');
      const missing = ['SourceArn', 'SourceAccount'].filter((k) => p[k] === undefined);
      return service && missing.length > 0
        ? [
            violation(
              this,
              id,
              r,
              ['Properties', missing[0]],
              `${p.Principal as string} may invoke the function without ${missing.join(' and ')}`,
              'set SourceArn (the bucket/topic ARN) and SourceAccount: { Ref: AWS::AccountId }',
            ),
          ]
        : [];
    });
  },
};

export const queueTopicKms: BaselineRule = {
  id: 'baseline/queue-topic-kms',
  description: 'SQS queues and SNS topics are encrypted with the gateway key',
  check(ctx) {
    return ['AWS::SQS::Queue', 'AWS::SNS::Topic'].flatMap((type) =>
      ctx
        .ofType(type)
        .filter(([, r]) => props(r).KmsMasterKeyId === undefined)
        .map(([id, r]) =>
          violation(
            this,
            id,
            r,
            ['Properties', 'KmsMasterKeyId'],
            `the ${type === 'AWS::SQS::Queue' ? 'queue' : 'topic'} is not encrypted with the gateway key`,
            'set KmsMasterKeyId to the gateway key (the key policy must let the service use it)',
          ),
        ),
    );
  },
};

function alarmsOn(ctx: BaselineContext, metric: string, dimension: string, id: string): boolean {
  return ctx.ofType('AWS::CloudWatch::Alarm').some(([, a]) => {
    const p = props(a);
    return (
      p.MetricName === metric &&
      list(p.Dimensions).some((d) => dig(d, 'Name') === dimension && target(dig(d, 'Value')) === id)
    );
  });
}

export const alarms: BaselineRule = {
  id: 'baseline/alarms',
  description:
    'function errors and failure-queue depth raise alarms, and every alarm notifies someone',
  check(ctx) {
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType(FUNCTION)) {
      if (!alarmsOn(ctx, 'Errors', 'FunctionName', id))
        out.push(
          violation(
            this,
            id,
            r,
            [],
            "no alarm on the function's Errors metric",
            'add an AWS::CloudWatch::Alarm on AWS/Lambda Errors with Dimensions FunctionName: { Ref: <function> }',
          ),
        );
    }
    const failureQueues = new Set(
      ctx
        .ofType('AWS::Lambda::EventInvokeConfig')
        .map(([, c]) => target(dig(props(c), 'DestinationConfig', 'OnFailure', 'Destination'))),
    );
    for (const [id, r] of ctx.ofType('AWS::SQS::Queue')) {
      if (
        failureQueues.has(id) &&
        !alarmsOn(ctx, 'ApproximateNumberOfMessagesVisible', 'QueueName', id)
      ) {
        out.push(
          violation(
            this,
            id,
            r,
            [],
            "no alarm on the failure queue's depth",
            'add an AWS::CloudWatch::Alarm on AWS/SQS ApproximateNumberOfMessagesVisible with Dimensions QueueName: { Fn::GetAtt: [<queue>, QueueName] }',
          ),
        );
      }
    }
    for (const [id, r] of ctx.ofType('AWS::CloudWatch::Alarm')) {
      if (list(props(r).AlarmActions).length === 0)
        out.push(
          violation(
            this,
            id,
            r,
            ['Properties', 'AlarmActions'],
            'the alarm notifies no one',
            'set AlarmActions: [the alarm topic]',
          ),
        );
    }
    return out;
  },
};

// Every queue refuses requests over plain HTTP (AwsSolutions-SQS4).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html#enforce-encryption-data-in-transit
export const queueTlsOnly: BaselineRule = {
  id: 'baseline/queue-tls-only',
  description: 'a queue policy denies every request made without TLS (aws:SecureTransport false)',
  check(ctx) {
    const protectedQueues = new Set<string>();
    for (const doc of ctx.docs) {
      if (doc.resourceType !== 'AWS::SQS::QueuePolicy') continue;
      const policy = ctx.resource(doc.logicalId);
      if (
        !policy ||
        !statementsOf(doc).some(({ statement: s }) => deniesInsecureTransport(s, 'sqs'))
      )
        continue;
      for (const q of list(props(policy).Queues)) {
        const t = target(q);
        if (t) protectedQueues.add(t);
      }
    }
    return ctx
      .ofType('AWS::SQS::Queue')
      .filter(([id]) => !protectedQueues.has(id))
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          [],
          'no queue policy denies requests without TLS',
          'add an AWS::SQS::QueuePolicy (Queues: [{ Ref: <queue> }]) with a Deny of sqs:* for Principal "*" when aws:SecureTransport is false',
        ),
      );
  },
};

// Alarms that publish only to topics of the stack nobody subscribes to notify
// no one: a warning, so the shipped configuration names a recipient.
export const alarmRecipients: BaselineRule = {
  id: 'baseline/alarm-recipients',
  description:
    "alarm notifications reach someone: a subscription on the stack's alarm topic, or an existing topic in AlarmActions (warning)",
  check(ctx) {
    const topics = new Set(ctx.ofType('AWS::SNS::Topic').map(([id]) => id));
    const subscribed = new Set<string>();
    for (const [, s] of ctx.ofType('AWS::SNS::Subscription')) {
      const t = target(props(s).TopicArn);
      if (t) subscribed.add(t);
    }
    for (const [id, t] of ctx.ofType('AWS::SNS::Topic'))
      if (list(props(t).Subscription).length > 0) subscribed.add(id);
    const silent = new Map<string, string[]>();
    for (const [id, a] of ctx.ofType('AWS::CloudWatch::Alarm')) {
      const actions = list(props(a).AlarmActions);
      if (actions.length === 0) continue; // baseline/alarms reports it
      // An action that is not a topic of this stack (an existing topic's ARN) is someone's.
      const reaches = actions.some((x) => {
        const t = target(x);
        return t === undefined || !topics.has(t) || subscribed.has(t);
      });
      if (reaches) continue;
      for (const x of actions) {
        const t = target(x)!;
        silent.set(t, [...(silent.get(t) ?? []), id]);
      }
    }
    return [...silent.entries()].map(([topic, alarmIds]) =>
      warning(
        this,
        topic,
        ctx.resource(topic)!,
        [],
        `nobody is subscribed to this topic: ${alarmIds.join(', ')} notify no one`,
        'name recipients in sftpgw.yaml: alarms.emails (e-mail subscriptions) and/or alarms.topicArns (existing SNS topics, e.g. chat or paging)',
      ),
    );
  },
};

export const outboundRules = [
  logGroupRetention,
  logGroupKms,
  lambdaSettings,
  lambdaEncryptedEnvironment,
  lambdaLogGroup,
  lambdaFailureDestination,
  lambdaPermissionScoped,
  queueTopicKms,
  queueTlsOnly,
  alarms,
  alarmRecipients,
];
