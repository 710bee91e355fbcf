// Baseline for the Transfer Family server and its users.
import { isCurrentSecurityPolicy, MIN_SECURITY_POLICY } from '../../../security-policy.js';
import type { Finding } from '../../finding.js';
import { label, strings } from '../iam/policies.js';
import {
  conditionValues,
  dig,
  list,
  props,
  statementsOfKind,
  statementViolation,
  violation,
  type BaselineRule,
} from '../baseline-rule.js';
import { userHomeNested } from './user-homes.js';

export const transferSftpOnly: BaselineRule = {
  id: 'baseline/transfer-sftp-only',
  description: 'servers speak SFTP only',
  check(ctx) {
    return ctx.ofType('AWS::Transfer::Server').flatMap(([id, r]) => {
      const protocols = list(props(r).Protocols);
      return protocols.length === 1 && protocols[0] === 'SFTP'
        ? []
        : [
            violation(
              this,
              id,
              r,
              ['Properties', 'Protocols'],
              `protocols are ${protocols.length ? JSON.stringify(protocols) : 'not set'}, not exactly ["SFTP"]`,
              'set Protocols: [SFTP] (FTP and FTPS need other controls this gateway does not provide)',
            ),
          ];
    });
  },
};

export const transferSecurityPolicy: BaselineRule = {
  id: 'baseline/transfer-security-policy',
  description: `servers use TransferSecurityPolicy-${MIN_SECURITY_POLICY} or newer`,
  check(ctx) {
    return ctx.ofType('AWS::Transfer::Server').flatMap(([id, r]) => {
      const name = props(r).SecurityPolicyName;
      if (typeof name !== 'string' && name !== undefined) return []; // computed: cfn-lint and AWS check it
      return name && isCurrentSecurityPolicy(name)
        ? []
        : [
            violation(
              this,
              id,
              r,
              ['Properties', 'SecurityPolicyName'],
              name
                ? `${name} is older than TransferSecurityPolicy-${MIN_SECURITY_POLICY}`
                : 'no SecurityPolicyName: the server would use the 2018 default',
              `set SecurityPolicyName: TransferSecurityPolicy-${MIN_SECURITY_POLICY} or newer`,
            ),
          ];
    });
  },
};

export const transferLogging: BaselineRule = {
  id: 'baseline/transfer-logging',
  description: 'servers write structured (JSON) logs to a log group (StructuredLogDestinations)',
  check(ctx) {
    return ctx
      .ofType('AWS::Transfer::Server')
      .filter(([, r]) => list(props(r).StructuredLogDestinations).length === 0)
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          ['Properties', 'StructuredLogDestinations'],
          'the server has no structured log destination: its sessions are not logged',
          'set StructuredLogDestinations: [the log group ARN] (a log group of the stack, with retention and the gateway key)',
        ),
      );
  },
};

// A logging role writes the legacy logs to /aws/transfer/<server-id>, a log
// group the stack cannot manage; Transfer Family needs one only for workflows.
// https://docs.aws.amazon.com/transfer/latest/userguide/log-server-manage.html
export const transferNoLoggingRole: BaselineRule = {
  id: 'baseline/transfer-no-logging-role',
  description:
    'servers without workflows have no LoggingRole (its legacy logs go to an unmanaged /aws/transfer/<server-id> group)',
  check(ctx) {
    return ctx
      .ofType('AWS::Transfer::Server')
      .filter(
        ([, r]) => props(r).LoggingRole !== undefined && props(r).WorkflowDetails === undefined,
      )
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          ['Properties', 'LoggingRole'],
          'a logging role is set: Transfer Family then also writes legacy logs to /aws/transfer/<server-id>, a log group without retention or the gateway key (or, when the role may not create it, fails silently)',
          'remove LoggingRole: structured logs (StructuredLogDestinations) need no role; a role is for workflows only',
        ),
      );
  },
};

// Workflow executions are logged only through a logging role: "Currently,
// for workflows, if you want logging enabled, you must specify a logging
// role" (structured logging does not log them). Without one a failed copy to
// ingest/ leaves no trace but a metric.
// https://docs.aws.amazon.com/transfer/latest/userguide/log-server-manage.html
export const transferWorkflowLoggingRole: BaselineRule = {
  id: 'baseline/transfer-workflow-logging-role',
  description:
    'servers with a workflow (WorkflowDetails) have a LoggingRole: workflow executions are logged only through one',
  check(ctx) {
    return ctx
      .ofType('AWS::Transfer::Server')
      .filter(
        ([, r]) => props(r).WorkflowDetails !== undefined && props(r).LoggingRole === undefined,
      )
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          ['Properties', 'LoggingRole'],
          'the server runs a workflow but has no logging role: its workflow executions (a failed copy among them) are not logged',
          'set LoggingRole to a role Transfer Family may assume that writes to /aws/transfer/<server-id> (a log group the stack makes, with retention and the gateway key): server.workflowLogging in server.libsonnet',
        ),
      );
  },
};

export const userLogicalHome: BaselineRule = {
  id: 'baseline/user-logical-home',
  description: 'users have a LOGICAL home directory mapping "/" to their own prefix',
  check(ctx) {
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType('AWS::Transfer::User')) {
      const p = props(r);
      if (p.HomeDirectoryType !== 'LOGICAL') {
        out.push(
          violation(
            this,
            id,
            r,
            ['Properties', 'HomeDirectoryType'],
            `HomeDirectoryType is ${p.HomeDirectoryType === undefined ? 'not set (PATH)' : JSON.stringify(p.HomeDirectoryType)}: the user sees real bucket paths`,
            'set HomeDirectoryType: LOGICAL with HomeDirectoryMappings [{ Entry: /, Target: /<bucket>/<home> }]',
          ),
        );
      } else if (!list(p.HomeDirectoryMappings).some((m) => dig(m, 'Entry') === '/')) {
        out.push(
          violation(
            this,
            id,
            r,
            ['Properties', 'HomeDirectoryMappings'],
            'no home directory mapping for "/"',
            'map Entry "/" to the user\'s own prefix',
          ),
        );
      }
    }
    return out;
  },
};

export const userSessionPolicy: BaselineRule = {
  id: 'baseline/user-session-policy',
  description: 'users have a session policy scoping the shared role to their prefix',
  check(ctx) {
    return ctx
      .ofType('AWS::Transfer::User')
      .filter(([, r]) => props(r).Policy === undefined)
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          ['Properties', 'Policy'],
          "no session policy: the user gets everything the shared role allows (every user's files)",
          "set Policy to a session policy limited to the user's prefix",
        ),
      );
  },
};

const LISTS = (a: string) => a === 's3:ListBucket' || a === 's3:*' || a === '*' || a === 's3:List*';

// A session policy's listing is limited to prefixes that end in "/" or "/*":
// a bare "team" prefix also lists "team-x/", another partner's folder name.
// https://docs.aws.amazon.com/transfer/latest/userguide/users-policies-session.html
export const userListOwnFolder: BaselineRule = {
  id: 'baseline/user-list-own-folder',
  description:
    'session policies allow s3:ListBucket only for the user\'s own folder ("<home>/", "<home>/*"), never a bare prefix that matches other folders',
  check(ctx) {
    const out: Finding[] = [];
    for (const { doc, st, r } of statementsOfKind(ctx, 'session')) {
      if (st.statement.Effect !== 'Allow' || !strings(st.statement.Action).some(LISTS)) continue;
      const prefixes = conditionValues(st.statement, 's3:prefix');
      const open = prefixes.filter(
        (p) => typeof p !== 'string' || !(p.endsWith('/') || p.endsWith('/*')) || p.startsWith('*'),
      );
      if (prefixes.length === 0 || open.length > 0) {
        out.push(
          statementViolation(
            this,
            doc,
            r,
            st,
            prefixes.length === 0
              ? `session policy statement ${label(st)} allows listing without an s3:prefix condition: the user lists every folder in the bucket`
              : `session policy statement ${label(st)} allows listing the prefix ${open.map((p) => JSON.stringify(p)).join(', ')}, which also matches other folders (e.g. "<home>-x/")`,
            'limit s3:ListBucket with Condition StringLike s3:prefix ["<home>/", "<home>/*"]',
          ),
        );
      }
    }
    return out;
  },
};

export const transferRules = [
  transferSftpOnly,
  transferSecurityPolicy,
  transferLogging,
  transferNoLoggingRole,
  transferWorkflowLoggingRole,
  userLogicalHome,
  userSessionPolicy,
  userListOwnFolder,
  userHomeNested,
];
